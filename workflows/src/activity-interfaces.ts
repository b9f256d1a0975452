import type { Sinks } from '@temporalio/workflow';
import type { DroppedClaim, SearchFailure, SelectedSource } from '@omniai/research';
import type {
  Actor,
  AgentRunInput,
  GraphRunInput,
  GraphSpec,
  McpCheckInput,
  McpCheckResult,
  MessageContent,
  ModelReply,
  NodeValue,
  RunBudget,
  PinnedTool,
  PreparedToolCall,
  RecordedApprovalDecision,
  ResumeRunSignal,
  RunEvent,
  RunPins,
  Claim,
  CitationCheck,
  ResearchMetrics,
  ResearchReport,
  ResearchRequest,
  SearchHit,
  SourceSnapshot,
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
  generateReply(input: {
    run_id: string;
    message_id: string;
    message: MessageContent;
    pins: RunPins;
    /**
     * A graph's model node: one call on its own (no thread, no earlier steps, no tools), with an optional system prompt
     * and, with `output_schema`, a request for JSON valid against it. Absent for chat turns.
     */
    standalone?: { system?: string; output_schema?: Record<string, unknown> };
  }): Promise<ModelReply>;
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
    /**
     * The call's idempotency key when the caller names it (a graph `map` item: `<run_id>/<node_id>/<index>`); absent:
     * derived from the run, call id and seq. A retried activity with the same key returns the first outcome.
     */
    idempotency_key?: string;
    requested_by: Actor;
  }): Promise<ToolOutcome>;
}

/** Sink the workflow reports appended events to; `verify-run` replays history through it to rebuild the log. */
export interface RunLogSinks extends Sinks {
  runLog: { appended(events: RunEvent[]): void };
}

/** A value a graph node produced or was given, with its claim-check form (large values become artifacts). */
export interface StoredNodeValue {
  value: NodeValue;
  /** sha256 of the value's canonical JSON (the reviewed arguments hash of an approval node). */
  hash: string;
}

/** The graph-run activities (runs queue: Postgres and the artifact store only). */
export interface GraphActivities {
  /** Claim-checks a value: inline when small, else an artifact with a preview; with its canonical hash. */
  storeNodeValue(input: { run_id: string; value: unknown }): Promise<StoredNodeValue>;
  /** The value behind a NodeValue (an artifact is read back). */
  readNodeValue(input: { value: NodeValue }): Promise<unknown>;
  /** Text of a model reply as JSON valid against `schema`, or why it is not. */
  parseModelOutput(input: {
    content: MessageContent;
    schema?: Record<string, unknown>;
  }): Promise<{ ok: true; value: unknown } | { ok: false; message: string }>;
  /** Validates a value against a JSON Schema (an output node against the graph's output schema). */
  validateValue(input: { value: unknown; schema: Record<string, unknown> }): Promise<{ ok: true } | { ok: false; message: string }>;
  /** A graph version's spec (a subgraph node), pinned by id and version; null when it does not exist in the project. */
  loadGraphVersion(input: {
    project_id: string;
    graph_id: string;
    version: number;
  }): Promise<{ spec: GraphSpec; spec_hash: string; /** The tools the spec names, pinned as the project resolves them now. */ tools: PinnedTool[] } | null>;
  /** Inserts a child run row (an agent or subgraph node's run) linked to its parent; idempotent by `run_id`. */
  createChildRun(input: ChildRunRow): Promise<void>;
  /** What a finished child run left: its last assistant text (agent) and its cost. */
  childRunSummary(input: { run_id: string }): Promise<{ text: string | null; cost_usd: number; usage: { input_tokens: number; output_tokens: number } }>;
  /**
   * What a finished research run (a research node's child) reported: its `finalize` step's output (the Markdown with
   * its sources, the metrics, the bibliography); null when the run recorded no report.
   */
  researchReport(input: { run_id: string }): Promise<Pick<ResearchReport, 'markdown' | 'metrics' | 'bibliography'> | null>;
  /** One map item's slice of the items (stored once as an artifact by the map node). */
  readMapItems(input: { items: NodeValue; from: number; to: number }): Promise<unknown[]>;
  /**
   * Joins the batches' entries (in order) into the map node's output: each item's value (claim-checks redeemed), or
   * `{ error: { code, message } }` for a failed item.
   */
  joinMapResults(input: { run_id: string; parts: NodeValue[] }): Promise<StoredNodeValue>;
}

/** A child run row, as `createChildRun` inserts it. */
export interface ChildRunRow {
  run_id: string;
  project_id: string;
  parent_run_id: string;
  parent_node_id: string;
  kind: 'chat' | 'graph' | 'research';
  pins: RunPins;
  /** A chat run's message, a graph run's input, or a research run's request. */
  input: MessageContent | NodeValue | ResearchRequest;
  budget: RunBudget | null;
  graph?: { graph_id: string; version: number; spec_hash: string };
}

/** Creating the run of a trigger's fire (runs queue: Postgres only). */
export interface TriggerActivities {
  /**
   * Creates (or finds, when this fire made it before) the run of one fire and answers its run workflow's input.
   * Fails with the non-retryable type `TriggerFireRefused` (details: `[code]`) when the fire can start nothing: the
   * trigger or its graph/thread was deleted, or the rendered input does not match the graph's input schema.
   */
  prepareTriggeredRun(input: {
    trigger_id: string;
    workflow_id: string;
    fire_id: string;
    payload?: NodeValue;
    fired_at: string;
  }): Promise<{ run_id: string; kind: 'graph'; graph: GraphRunInput } | { run_id: string; kind: 'agent'; agent: AgentRunInput }>;
}

/** Outgoing run notifications (runs queue: Postgres and the network through the egress policy). */
export interface OutgoingActivities {
  /**
   * One attempt to POST the run's `RunEndedNotification` to the hook's URL, signed (Standard Webhooks, the same
   * `webhook-id` on every attempt), through safeFetch and the workspace egress policy; each attempt is recorded on the
   * delivery row. Throws a retryable failure for a network error, a 5xx, 408 or 429; the non-retryable type
   * `OutgoingDeliveryRefused` for another 4xx, an egress refusal or a hook/run that cannot be reported.
   */
  deliverRunEnded(input: { hook_id: string; run_id: string }): Promise<{ attempts: number; http_status: number }>;
  /** Marks the delivery `failed` once no attempt is left; answers the attempts made. */
  failRunEndedDelivery(input: { hook_id: string; run_id: string; error: string }): Promise<{ attempts: number }>;
}

/** What a research prompt is about; the activity builds the prompt text (snapshots and claims stay out of history). */
export type ResearchPromptInput =
  | { step: 'plan'; question: string }
  | { step: 'extract'; question: string; sub_questions: string[]; source: SelectedSource; snapshot: SourceSnapshot }
  | { step: 'synthesize'; question: string; sub_questions: string[]; claims: Claim[] }
  | { step: 'judge'; claim: Claim }
  | { step: 'revise'; question: string; markdown: string; claims: Claim[]; failing: CitationCheck[] };

/** The research activities (runs queue: Postgres, the artifact store, and the network through the egress policy). */
export interface ResearchActivities {
  /** A research step's prompt, claim-checked (`{ artifact }` when long), with the JSON Schema its answer must match. */
  researchPrompt(input: {
    run_id: string;
    prompt: ResearchPromptInput;
  }): Promise<{ message: MessageContent; system: string; output_schema?: Record<string, unknown> }>;
  /**
   * One sub-question's search over one of the run's source kinds (`documents`, `web`, or an MCP tool id): hits with
   * their source ids. A failing backend is answered as a failure, not thrown: the run goes on with the others.
   */
  researchSearch(input: {
    run_id: string;
    project_id: string;
    request: ResearchRequest;
    via: string;
    query: string;
    limit: number;
    requested_by: Actor;
  }): Promise<{ hits: SearchHit[]; failure: SearchFailure | null }>;
  /** Reads a source once per run (idempotent by run and source id) into a content-addressed snapshot; a failure is answered. */
  readResearchSource(input: {
    run_id: string;
    project_id: string;
    request: ResearchRequest;
    source: SelectedSource;
  }): Promise<{ ok: true; snapshot: SourceSnapshot } | { ok: false; code: string; message: string }>;
  /** The model's extraction anchored in the snapshot: each quote located (or its offsets checked), ids `c<n>-<k>`. */
  anchorClaims(input: { source: SelectedSource; snapshot: SourceSnapshot; extracted: unknown }): Promise<{ claims: Claim[]; dropped: DroppedClaim[] }>;
  /** Every citation of a report checked mechanically against the run's snapshots. */
  verifyCitations(input: { run_id: string; markdown: string; claims: Claim[] }): Promise<CitationCheck[]>;
  /** The final report: failing citations removed and flagged, numbered, with bibliography and metrics; stored as an artifact. */
  finalizeReport(input: {
    run_id: string;
    question: string;
    markdown: string;
    claims: Claim[];
    checks: CitationCheck[];
    metrics: Omit<ResearchMetrics, 'citations' | 'citations_verified' | 'verified_ratio' | 'unsupported_removed' | 'flagged'>;
  }): Promise<ResearchReport>;
}

/**
 * The MCP hub's check (docs/MCP.md): connect to the server, record its health and, when it answered, its catalog with
 * each tool's review state. Takes the server id only (secrets never enter a history).
 */
export interface McpCheckActivities {
  checkMcpServer(input: McpCheckInput): Promise<McpCheckResult>;
}
