import type { WritableSignal } from '@angular/core';
import { ApiError, errorText, loadInto } from './api-error';

/** A stand-in for a signal: loadInto only sets it. */
function holder(initial: string | null) {
  const box = { value: initial, set: (v: string | null) => (box.value = v) };
  return box;
}

describe('error text', () => {
  it("gives an API error's message with its code, and anything else as text", () => {
    expect(errorText(new ApiError(404, 'E_NOT_FOUND', 'No such token.'))).toBe('No such token. (E_NOT_FOUND)');
    expect(errorText(new Error('boom'))).toBe('Error: boom');
    expect(errorText('offline')).toBe('offline');
  });

  it('clears the error before a load and keeps the text of a failed one', async () => {
    const error = holder('an old failure');
    await loadInto(error as unknown as WritableSignal<string | null>, async () => expect(error.value).toBeNull());
    expect(error.value).toBeNull();
    await loadInto(error as unknown as WritableSignal<string | null>, () => Promise.reject(new ApiError(500, 'E_INTERNAL', 'Internal error.')));
    expect(error.value).toBe('Internal error. (E_INTERNAL)');
  });
});
