import { ApiError } from '../core/api-error';
import { MIN_PASSWORD, inviteFailure, signInFailure, validateAccept, validateLogin } from './auth-forms';

describe('sign-in form', () => {
  it('normalises the email as the API does and sends the password untouched', () => {
    expect(validateLogin('  Admin@Omni.Test ', ' pass word ')).toEqual({ ok: true, body: { email: 'admin@omni.test', password: ' pass word ' } });
  });

  it('asks for both fields, and for an email that looks like one', () => {
    expect(validateLogin('', '')).toEqual({ ok: false, errors: { email: 'Enter your email address.', password: 'Enter your password.' } });
    expect(validateLogin('admin', 'x')).toEqual({ ok: false, errors: { email: 'That is not an email address.' } });
  });

  it('says one thing for a wrong email or password, and passes on the wait of a rate limit', () => {
    expect(signInFailure(new ApiError(401, 'E_AUTH_REQUIRED', 'Wrong email or password.'))).toBe('Wrong email or password.');
    expect(signInFailure(new ApiError(429, 'E_RATE_LIMITED', 'Too many attempts from your address; retry in 42 s.'))).toBe(
      'Too many attempts from your address; retry in 42 s.',
    );
    expect(signInFailure(new ApiError(0, 'E_NETWORK', 'x'))).toMatch(/Cannot reach/);
  });
});

describe('accept-invite form', () => {
  const long = 'correct horse battery';

  it(`needs a name and a password of at least ${MIN_PASSWORD} characters, typed twice`, () => {
    expect(validateAccept('  Rita  ', long, long)).toEqual({ ok: true, body: { display_name: 'Rita', password: long } });
    const short = validateAccept('', 'short', 'short');
    expect(short.ok).toBe(false);
    if (!short.ok) {
      expect(short.errors.display_name).toBeDefined();
      expect(short.errors.password).toBe(`Use at least ${MIN_PASSWORD} characters (5 so far).`);
      // No "differ" message on top of "too short".
      expect(short.errors.confirm).toBeUndefined();
    }
    expect(validateAccept('Rita', long, `${long}!`)).toEqual({ ok: false, errors: { confirm: 'The two passwords differ.' } });
  });

  it('accepts exactly the minimum length and refuses one less', () => {
    expect(validateAccept('R', 'a'.repeat(MIN_PASSWORD), 'a'.repeat(MIN_PASSWORD)).ok).toBe(true);
    expect(validateAccept('R', 'a'.repeat(MIN_PASSWORD - 1), 'a'.repeat(MIN_PASSWORD - 1)).ok).toBe(false);
  });

  it('explains a link that is used, expired or malformed, and tells form errors apart when accepting', () => {
    expect(inviteFailure(new ApiError(404, 'E_NOT_FOUND', 'gone')).kind).toBe('gone');
    expect(inviteFailure(new ApiError(400, 'E_VALIDATION', 'not an invite token')).kind).toBe('gone');
    expect(inviteFailure(new ApiError(400, 'E_VALIDATION', 'password too short'), 'accept').kind).toBe('other');
    expect(inviteFailure(new ApiError(429, 'E_RATE_LIMITED', 'wait')).kind).toBe('limited');
  });
});
