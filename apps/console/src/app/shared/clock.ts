import { DestroyRef, type Signal, inject, signal } from '@angular/core';

/** The current time as a signal that ticks every `ms` while the calling component lives (countdowns). */
export function ticking(ms = 1_000): Signal<number> {
  const now = signal(Date.now());
  const id = setInterval(() => now.set(Date.now()), ms);
  inject(DestroyRef).onDestroy(() => clearInterval(id));
  return now.asReadonly();
}
