import type { Actor } from '@omniai/contracts';

/** The model's own steps (its messages and the tool calls it asks for). */
export const AGENT: Actor = { type: 'agent', id: 'omni-agent' };
/** What the worker records on the run's behalf (lifecycle, policy, outcomes). */
export const SERVICE: Actor = { type: 'service', id: 'omni-worker' };
