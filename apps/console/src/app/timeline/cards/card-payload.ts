import type { RunEvent } from '@omniai/contracts';

/** The value a tool call/result carries inline, or undefined when it is stored as an artifact. */
export function inlineValue(event: RunEvent): unknown {
  if (event.kind === 'tool_call') return 'inline' in event.payload.arguments ? event.payload.arguments.inline : undefined;
  if (event.kind === 'tool_result') return 'inline' in event.payload.result ? event.payload.result.inline : undefined;
  return undefined;
}

export const isTable = (v: unknown): v is Array<Record<string, unknown>> =>
  Array.isArray(v) && v.length > 0 && v.every((r) => r !== null && typeof r === 'object' && !Array.isArray(r));
export const isDiff = (v: unknown): v is string => typeof v === 'string' && /^(diff --git|--- |@@ )/m.test(v);

/** The output of a program run in the sandbox (`python.compute`): `{ stdout, stderr, exit_code }`. */
export const isProcessOutput = (v: unknown): v is { stdout: string; stderr: string; exit_code: number } =>
  v !== null &&
  typeof v === 'object' &&
  typeof (v as Record<string, unknown>)['stdout'] === 'string' &&
  typeof (v as Record<string, unknown>)['stderr'] === 'string' &&
  Number.isInteger((v as Record<string, unknown>)['exit_code']);
