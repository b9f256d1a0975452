import type { ErrorCode, ToolManifest } from '@omniai/contracts';

/** What a tool implementation gets besides its (already validated) input. */
export interface ToolContext {
  project_id: string;
  run_id: string;
  /** The model's call id; with `run_id` it forms the call's idempotency key. */
  call_id: string;
  /** `${run_id}/${call_id}`: the same on every retry of this call, so a side effect is applied at most once. */
  idempotency_key: string;
  /** Aborted when the run is cancelled or the call times out. */
  signal: AbortSignal;
  /** Long calls report progress (activity heartbeat). */
  heartbeat(details?: unknown): void;
}

/** A failure the model and the timeline should see as a `tool_error` with this code (never a stack trace). */
export class ToolError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ToolError';
  }
}

/** A built-in tool: its manifest and, for `inproc_safe` bindings, the pure implementation. */
export interface BuiltinTool {
  manifest: ToolManifest;
  /** Input has been validated against `manifest.input_schema`; the result is validated against `output_schema`. */
  run(input: unknown, ctx: ToolContext): Promise<unknown>;
}
