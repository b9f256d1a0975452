import { InjectionToken, type Provider, type Signal, type Type } from '@angular/core';
import type { RunEvent } from '@omniai/contracts';

/** A way to render an event: the first registered renderer whose `matches` accepts the event wins. */
export interface CardRenderer {
  id: string;
  matches(event: RunEvent): boolean;
  component: Type<{ event: unknown }>;
}

export const CARD_RENDERERS = new InjectionToken<CardRenderer[]>('CARD_RENDERERS');

/** Registers a card renderer ahead of the built-in ones (`provideCardRenderer(...)` in an app or route config). */
export function provideCardRenderer(renderer: CardRenderer): Provider {
  return { provide: CARD_RENDERERS, useValue: renderer, multi: true };
}

/**
 * The events of the run a card belongs to, for cards that relate their event to others (an approval and its
 * decision, a result and its call). Provided by whoever shows cards for a run (the run drawer); optional.
 */
export const CARD_RUN_EVENTS = new InjectionToken<Signal<readonly RunEvent[]>>('CARD_RUN_EVENTS');
