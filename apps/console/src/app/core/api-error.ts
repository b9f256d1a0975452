import type { WritableSignal } from '@angular/core';
import type { FieldIssue } from '@omniai/contracts';

/** A failed API call, carrying the error envelope's stable code, user-safe message and field issues (if any). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly issues: FieldIssue[] = [],
    /** The envelope's `detail` as sent (e.g. `{ issues: GraphIssue[] }` of E_GRAPH_INVALID). */
    readonly detail: unknown = undefined,
  ) {
    super(message);
  }
}

/** An error as one line for the page: the envelope's message and code for an ApiError, else the error as text. */
export function errorText(err: unknown): string {
  return err instanceof ApiError ? `${err.message} (${err.code})` : String(err);
}

/** Runs a page's load with `error` cleared, and sets it to the failure's text when the load throws. */
export async function loadInto(error: WritableSignal<string | null>, load: () => Promise<void>): Promise<void> {
  error.set(null);
  try {
    await load();
  } catch (err) {
    error.set(errorText(err));
  }
}
