import { createHash } from 'node:crypto';
import { canonicalJson, type ToolManifest } from '@omniai/contracts';

/**
 * The sha256 (hex) of a manifest's canonical JSON. The `tool_call` event records it, so the timeline and a replay
 * can tell exactly which description, schemas, risk and binding the model was offered, even after the tool changes.
 * In the store because both the worker (built-ins) and the API (OpenAPI-derived tools) register manifests with it.
 * Uses node:crypto: compute it in the worker, the API or an activity, never in workflow code.
 */
export function manifestHash(manifest: ToolManifest): string {
  return canonicalHash(manifest);
}

/** The sha256 (hex) of a value's canonical JSON: equal for equal content whatever the key order. */
export function canonicalHash(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value), 'utf8').digest('hex');
}
