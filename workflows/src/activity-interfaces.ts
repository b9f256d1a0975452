import type { Sinks } from '@temporalio/workflow';
import type {
  Actor,
  MessageContent,
  ModelReply,
  PinnedTool,
  PreparedToolCall,
  RecordedApprovalDecision,
  ResumeRunSignal,
  RunEvent,
  RunPins,
  SandboxProbe,
  ToolOutcome,
} from '@omniai/contracts';

/** Activities the system check needs; the worker (composition root) supplies the implementation. */
export interface SystemCheckActivities {
  /** Runs the probe script in a fresh locked-down sandbox container and reports what it saw. */
  probeSandbox(): Promise<{ probe: SandboxProbe; durationMs: number }>;
}

/** Activities of a chat run. */
export interface RunActivities {
  /** Idempotent append of RunEvents (and their projection); returns how many were new. */
  appendRunEvents(input: { run_id: string; events: RunEvent[] }): Promise<number>;
  /**
   * The turn's model call. Streams ephemeral deltas to subscribers (never into history), heartbeats, and returns the
   * final message (large text as an artifact reference).
   */
  generateReply(input: { run_id: string; message_id: string; message: MessageContent; pins: RunPins }): Promise<ModelReply>;
}

/** Vetting a model's tool call before the workflow records it (runs queue: reads Postgres only). */
export interface ToolPrepActivities {
  prepareToolCall(input: {
    run_id: string;
    project_id: string;
    call: { id: string; tool_id: string; arguments: string };
    tools: PinnedTool[];
    requested_by: Actor;
  }): Promise<PreparedToolCall>;
}

/**
 * What the API recorded after its checks, read when a signal rings (runs queue: reads Postgres only). The workflow acts
 * on these answers, never on a signal's own fields: a signal is a doorbell (D37).
 */
export interface RecordedDecisionActivities {
  /** The approval's final decision as the API recorded it; null while none is (pending, or only counted towards N of M). */
  readApprovalDecision(input: { approval_id: string }): Promise<RecordedApprovalDecision | null>;
  /** The resume the API recorded for the pause whose `paused` event has this seq; null when none was. */
  readRunResume(input: { run_id: string; paused_seq: number }): Promise<ResumeRunSignal | null>;
}

/** Executing a vetted tool call (tools queue: Docker and the tools' own dependencies). */
export interface RunToolActivities {
  runTool(input: {
    run_id: string;
    project_id: string;
    call_id: string;
    /**
     * Seq of the call's `tool_call` event: with the run id, the call's idempotency key. Absent in calls scheduled before
     * it existed (their key stays `<run>/<call_id>`). The model's `call_id` is not a key: a model may repeat it.
     */
    call_seq?: number;
    tool_id: string;
    tool_version: string;
    arguments: PreparedToolCall['arguments'];
    /** A reviewer approved this exact call (the policy is evaluated again with that). */
    approved: boolean;
    requested_by: Actor;
  }): Promise<ToolOutcome>;
}

/** Sink the workflow reports appended events to; `verify-run` replays history through it to rebuild the log. */
export interface RunLogSinks extends Sinks {
  runLog: { appended(events: RunEvent[]): void };
}
