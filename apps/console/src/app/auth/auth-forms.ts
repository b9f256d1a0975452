import type { AcceptInviteRequest, LoginRequest } from '@omniai/contracts';
import { ApiError, errorText } from '../core/api-error';

/** The API's minimum (`Password` in the contracts): length is what makes a password hard to guess. */
export const MIN_PASSWORD = 12;

export type LoginErrors = Partial<Record<'email' | 'password', string>>;
export type AcceptErrors = Partial<Record<'display_name' | 'password' | 'confirm', string>>;

const EMAIL = /^[^\s@]+@[^\s@]+$/;

/** Client-side mirror of `LoginRequest` (the API validates again). */
export function validateLogin(email: string, password: string): { ok: true; body: LoginRequest } | { ok: false; errors: LoginErrors } {
  const errors: LoginErrors = {};
  const address = email.trim().toLowerCase();
  if (!address) errors.email = 'Enter your email address.';
  else if (!EMAIL.test(address)) errors.email = 'That is not an email address.';
  if (!password) errors.password = 'Enter your password.';
  return Object.keys(errors).length ? { ok: false, errors } : { ok: true, body: { email: address, password } };
}

/** Client-side mirror of `AcceptInviteRequest`, plus "type it twice". */
export function validateAccept(
  displayName: string,
  password: string,
  confirm: string,
): { ok: true; body: AcceptInviteRequest } | { ok: false; errors: AcceptErrors } {
  const errors: AcceptErrors = {};
  const name = displayName.trim();
  if (!name) errors.display_name = 'Tell your colleagues who you are.';
  else if (name.length > 120) errors.display_name = 'At most 120 characters.';
  if (password.length < MIN_PASSWORD) errors.password = `Use at least ${MIN_PASSWORD} characters (${password.length} so far).`;
  else if (password.length > 256) errors.password = 'At most 256 characters.';
  if (!errors.password && confirm !== password) errors.confirm = 'The two passwords differ.';
  return Object.keys(errors).length ? { ok: false, errors } : { ok: true, body: { display_name: name, password } };
}

/** What to tell someone whose sign-in failed: one message for wrong email and wrong password, as the API gives. */
export function signInFailure(err: unknown): string {
  if (err instanceof ApiError) {
    if (err.status === 401) return 'Wrong email or password.';
    // The API's message says how long to wait.
    if (err.status === 429) return err.message;
    if (err.status === 0) return 'Cannot reach the OmniAI API. Check your connection and try again.';
  }
  return errorText(err);
}

export interface InviteFailure {
  /** `gone`: the link cannot be used any more (and never will). */
  kind: 'gone' | 'limited' | 'other';
  title: string;
  text: string;
}

/**
 * What to tell the holder of an invite link that cannot be used, when opening it or accepting it (where a 400 is about
 * the form, not the link).
 */
export function inviteFailure(err: unknown, stage: 'open' | 'accept' = 'open'): InviteFailure {
  if (err instanceof ApiError && (err.status === 404 || (err.status === 400 && stage === 'open'))) {
    return {
      kind: 'gone',
      title: 'This invite link cannot be used',
      text: 'It was already used, has expired, or was mistyped. Ask an administrator of this workspace for a new one.',
    };
  }
  if (err instanceof ApiError && err.status === 429) return { kind: 'limited', title: 'Too many attempts', text: err.message };
  return { kind: 'other', title: 'Could not open this invite', text: errorText(err) };
}
