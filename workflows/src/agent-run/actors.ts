import type { Actor } from '@omniai/contracts';
import { triggerActor } from '@omniai/contracts/pure';

/** The model's own steps (its messages and the tool calls it asks for). */
export const AGENT: Actor = { type: 'agent', id: 'omni-agent' };
/** What the worker records on the run's behalf (lifecycle, policy, outcomes). */
export const SERVICE: Actor = { type: 'service', id: 'omni-worker' };

/** Who created a run: the schedule or webhook that started it (`schedule:<id>` / `webhook:<id>`), else the worker. */
export function runCreator(input: { trigger?: { kind: 'schedule' | 'webhook'; trigger_id: string } | undefined }): Actor {
  return input.trigger ? triggerActor(input.trigger) : SERVICE;
}
