import { signal } from '@angular/core';
import { errorText } from './api-error';

/**
 * An action on one row of a list behind a confirm step (revoke a token, delete a provider): one step open at a time,
 * busy while the action runs, and why it failed shown with that row.
 */
export class ConfirmedAction {
  /** The id of the row whose confirm step is open. */
  readonly open = signal<string | null>(null);
  readonly busy = signal(false);
  private readonly failure = signal<{ id: string; message: string } | null>(null);

  /** Opens or closes a row's step (the confirm component's `openChange`); opening one forgets the last failure. */
  toggle(id: string, open: boolean): void {
    if (open) this.failure.set(null);
    this.open.set(open ? id : null);
  }

  /** Runs the row's action: the step closes when it succeeds and stays open, with `<failed>: <error text>`, if not. */
  async run(id: string, act: () => Promise<void>, failed: string): Promise<void> {
    this.busy.set(true);
    try {
      await act();
      this.open.set(null);
    } catch (err) {
      this.failure.set({ id, message: `${failed}: ${errorText(err)}` });
    } finally {
      this.busy.set(false);
    }
  }

  /** Why the row's action failed, if it did. */
  errorOf(id: string): string | null {
    const f = this.failure();
    return f?.id === id ? f.message : null;
  }
}
