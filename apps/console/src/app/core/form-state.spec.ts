import { ApiError } from './api-error';
import { type Checked, FormState } from './form-state';

type Errors = Partial<Record<'name' | 'email', string>>;
const ev = () => ({ preventDefault: jest.fn() }) as unknown as Event;
const field = () => ({ focus: jest.fn() }) as unknown as HTMLElement;

describe('FormState: check, then send once at a time', () => {
  it('shows the field errors, focuses the first field in form order that has one, and sends nothing', async () => {
    const form = new FormState<Errors>();
    const [name, email] = [field(), field()];
    const send = jest.fn();
    await form.submit(ev(), {
      check: (): Checked<string, Errors> => ({ ok: false, errors: { email: 'Enter an email.' } }),
      focus: [
        ['name', () => name],
        ['email', () => email],
      ],
      send,
    });
    expect(form.errors()).toEqual({ email: 'Enter an email.' });
    expect(email.focus).toHaveBeenCalled();
    expect(name.focus).not.toHaveBeenCalled();
    expect(send).not.toHaveBeenCalled();
    form.clear('email');
    expect(form.errors().email).toBeUndefined();
  });

  it('is busy while sending, ignores a second submit meanwhile, and says why sending failed', async () => {
    const form = new FormState<Errors>();
    let release!: () => void;
    const send = jest.fn(() => new Promise<void>((_, reject) => (release = () => reject(new ApiError(409, 'E_CONFLICT', 'Taken.')))));
    const steps = { check: (): Checked<string, Errors> => ({ ok: true, body: 'x' }), send, failurePrefix: 'Not created' };
    const first = form.submit(ev(), steps);
    expect(form.busy()).toBe(true);
    await form.submit(ev(), steps);
    expect(send).toHaveBeenCalledTimes(1);
    release();
    await first;
    expect(form.busy()).toBe(false);
    expect(form.error()).toBe('Not created: Taken. (E_CONFLICT)');
  });

  it('lets the page decide the error line, or none', async () => {
    const form = new FormState<Errors>();
    await form.submit(ev(), {
      check: (): Checked<string, Errors> => ({ ok: true, body: 'x' }),
      send: () => Promise.reject(new Error('gone')),
      failed: () => null,
    });
    expect(form.error()).toBeNull();
  });
});
