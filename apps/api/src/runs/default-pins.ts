import type { RunPins } from '@omniai/contracts';

/** Until the model layer lands, every run is pinned to the deterministic offline model. */
export const DEFAULT_PINS: RunPins = {
  provider: 'offline',
  model: 'offline-scripted-1',
  params: { delay_ms: 25, reply_words: 24 },
  seed: 0,
  prompt_version: 'chat-v1',
};
