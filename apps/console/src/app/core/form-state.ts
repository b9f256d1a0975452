import { signal } from '@angular/core';
import { errorText } from './api-error';

/** What the console's client-side mirrors of the contracts answer (`validateLogin`, `validateToken`, …). */
export type Checked<B, E> = { ok: true; body: B } | { ok: false; errors: E };

type FieldErrors = Partial<Record<string, string>>;

export interface SubmitSteps<B, E extends FieldErrors> {
  /** Reads the form and checks it. */
  check: () => Checked<B, E>;
  /** Sends the checked body; a throw becomes the form's error line. */
  send: (body: B) => Promise<void>;
  /** The fields in form order, to focus the first one that has an error. */
  focus?: ReadonlyArray<readonly [keyof E, () => HTMLElement | undefined]>;
  /** The error line for a failed send (null for none); `<failed>: <error text>` by default. */
  failed?: (err: unknown) => string | null;
  /** Starts the default error line ("Not created"). */
  failurePrefix?: string;
}

/**
 * A form's state: the field errors of the last check, the form's error line and whether it is sending. `submit` is
 * the idiom every console form follows: check the fields, show their errors and focus the first, or else send, once at
 * a time, and show why sending failed.
 */
export class FormState<E extends FieldErrors> {
  readonly errors = signal<E>({} as E);
  readonly error = signal<string | null>(null);
  readonly busy = signal(false);

  /** Clears a field's error as the user edits it. */
  clear(field: keyof E): void {
    if (this.errors()[field]) this.errors.update((e) => ({ ...e, [field]: undefined }));
  }

  async submit<B>(ev: Event, steps: SubmitSteps<B, E>): Promise<void> {
    ev.preventDefault();
    if (this.busy()) return;
    this.error.set(null);
    const checked = steps.check();
    if (!checked.ok) {
      this.errors.set(checked.errors);
      steps.focus
        ?.find(([field]) => checked.errors[field])?.[1]()
        ?.focus();
      return;
    }
    this.errors.set({} as E);
    this.busy.set(true);
    try {
      await steps.send(checked.body);
    } catch (err) {
      this.error.set(steps.failed ? steps.failed(err) : `${steps.failurePrefix ?? 'Not sent'}: ${errorText(err)}`);
    } finally {
      this.busy.set(false);
    }
  }
}
