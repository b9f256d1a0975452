import { z } from 'zod';
import { JsonValue } from './json';
import { Actor, MessageContent, NodeValue, RunBudget, RunParentRef, RunPins, RunTrigger, TokenUsage, TriggerKind } from './run-events';
import { GraphSpec } from './graphs';
import { ArtifactRef } from './artifacts';
import { ToolRisk } from './tools';
import { ResearchRequest } from './research-request';

/** What the sandbox reports about itself from inside a locked-down container. */
export const SandboxProbe = z.strictObject({
  uid: z.number().int(),
  gid: z.number().int(),
  cap_eff: z.string(),
  no_new_privs: z.boolean(),
  read_only_root: z.boolean(),
  network_interfaces: z.array(z.string()),
  python: z.string(),
  /** `Seccomp` of /proc/self/status: 0 none, 1 strict, 2 filter (the engine's profile is applied). */
  seccomp: z.number().int(),
});
export type SandboxProbe = z.infer<typeof SandboxProbe>;

/** Result of `systemCheckWorkflow`: proof that Temporal, the worker and the Docker sandbox work together. */
export const SystemCheckReport = z.strictObject({
  sandbox: SandboxProbe,
  sandbox_ms: z.number().nonnegative(),
});
export type SystemCheckReport = z.infer<typeof SystemCheckReport>;

/** Payload of `approvalDecisionSignal` (`@omniai/workflow-api`): a reviewer decided an approval. */
export const ApprovalDecisionSignal = z.strictObject({
  approval_id: z.string(),
  decision: z.enum(['approve', 'deny']),
  reason: z.string().max(1000).optional(),
  arguments_hash: z.string(),
  decided_by: Actor,
});
export type ApprovalDecisionSignal = z.infer<typeof ApprovalDecisionSignal>;

/**
 * The decision the API recorded for an approval after its checks (role, self-approval, N of M, arguments hash): what a
 * run acts on when `approvalDecisionSignal` rings, never the signal's own fields (D37).
 */
export const RecordedApprovalDecision = z.strictObject({
  status: z.enum(['approved', 'denied']),
  decided_by: Actor,
  reason: z.string().nullable(),
  /** The arguments hash the approval (and so the decision) is bound to. */
  arguments_hash: z.string(),
  /** An approval node's form, filled in by the reviewer (validated by the API against the node's `form_schema`). */
  form: JsonValue.optional(),
});
export type RecordedApprovalDecision = z.infer<typeof RecordedApprovalDecision>;

/** Payload of `resumeRunSignal` (`@omniai/workflow-api`): an operator continues a paused run. */
export const ResumeRunSignal = z.strictObject({
  budget: RunBudget.optional(),
  reason: z.string().max(500).optional(),
  resumed_by: Actor,
});
export type ResumeRunSignal = z.infer<typeof ResumeRunSignal>;

/** Input of `agentRunWorkflow` (one chat turn). Carries references, never secrets or large text. */
export const AgentRunInput = z.strictObject({
  run_id: z.uuid(),
  project_id: z.uuid(),
  /** Null for an agent node's child run (it belongs to no thread: no earlier turns are read). */
  thread_id: z.uuid().nullable(),
  message: MessageContent,
  pins: RunPins,
  retry_of: z.uuid().nullable(),
  requested_by: Actor,
  /** Absent in histories recorded before budgets existed. */
  budget: RunBudget.optional(),
  /** The schedule or webhook that started the run (recorded in `run_created`, whose actor it names). */
  trigger: RunTrigger.optional(),
});
export type AgentRunInput = z.infer<typeof AgentRunInput>;

/**
 * Input of `graphRunWorkflow`: the pinned spec itself (at most 1 MB, `GRAPH_LIMITS`), so the run never depends on a
 * later read of the version; tools are pinned at exact versions in `pins.tools` at start.
 */
export const GraphRunInput = z.strictObject({
  run_id: z.uuid(),
  project_id: z.uuid(),
  graph: z.strictObject({ graph_id: z.uuid(), version: z.number().int().positive(), spec_hash: z.string() }),
  spec: GraphSpec,
  input: NodeValue,
  /** Default model pins for model/agent nodes, and every tool the graph names at its exact version. */
  pins: RunPins,
  retry_of: z.uuid().nullable(),
  requested_by: Actor,
  budget: RunBudget.optional(),
  /** A subgraph node's child run: the graph run and node that started it. */
  parent: RunParentRef.optional(),
  /** The schedule or webhook that started the run. */
  trigger: RunTrigger.optional(),
});
export type GraphRunInput = z.infer<typeof GraphRunInput>;

/** Input of `researchWorkflow` (docs/RESEARCH.md): what was asked, the model, the budget. */
export const ResearchRunInput = z.strictObject({
  run_id: z.uuid(),
  project_id: z.uuid(),
  request: ResearchRequest,
  pins: RunPins,
  retry_of: z.uuid().nullable(),
  requested_by: Actor,
  budget: RunBudget.optional(),
  /** A graph's research node: the graph run and node that started it. */
  parent: RunParentRef.optional(),
});
export type ResearchRunInput = z.infer<typeof ResearchRunInput>;

/** How a research run ended: the report (null when no claim could be cited). */
export const ResearchRunResult = z.strictObject({
  status: z.enum(['completed']),
  last_seq: z.number().int().positive(),
  report: z.strictObject({ sha256: z.string(), markdown_preview: z.string() }).nullable(),
});
export type ResearchRunResult = z.infer<typeof ResearchRunResult>;

export const GraphRunResult = z.strictObject({
  status: z.enum(['completed', 'failed', 'cancelled']),
  last_seq: z.number().int().positive(),
  /** The output node's value (null when the run did not complete). */
  output: NodeValue.nullable(),
});
export type GraphRunResult = z.infer<typeof GraphRunResult>;

/**
 * Input of `triggerFireWorkflow`: one fire of a schedule (its workflow id, `sched-<id>-<time>`, names the fire) or one
 * accepted webhook delivery (workflow id `hook-<id>-<hash of webhook-id>`, so a redelivery starts nothing new). The
 * workflow creates the run (id derived from its own workflow id) and runs it as a child.
 */
export const TriggerFireInput = z.strictObject({
  trigger_id: z.uuid(),
  kind: TriggerKind,
  /** A webhook's JSON body (claim-checked when large); absent for a schedule. */
  payload: NodeValue.optional(),
  /** A webhook's `webhook-id` header. */
  webhook_id: z.string().max(300).optional(),
});
export type TriggerFireInput = z.infer<typeof TriggerFireInput>;

/**
 * Input of `notifyRunEndedWorkflow`: tell one outgoing hook that one run ended (docs/TRIGGERS.md). Its workflow id is
 * derived from both (`notify-<hookId>-<runId>`), so each run is reported to each hook once.
 */
export const NotifyRunEndedInput = z.strictObject({
  hook_id: z.uuid(),
  run_id: z.uuid(),
});
export type NotifyRunEndedInput = z.infer<typeof NotifyRunEndedInput>;

export const NotifyRunEndedResult = z.strictObject({
  status: z.enum(['delivered', 'failed']),
  attempts: z.number().int().nonnegative(),
});
export type NotifyRunEndedResult = z.infer<typeof NotifyRunEndedResult>;

export const TriggerFireResult = z.strictObject({
  /** The run it started; null when none could be created (the reason is in `error`). */
  run_id: z.uuid().nullable(),
  status: z.enum(['completed', 'failed', 'cancelled', 'not_started']),
  /** A graph run's output. */
  output: NodeValue.nullable(),
  error: z.strictObject({ code: z.string(), message: z.string() }).nullable(),
});
export type TriggerFireResult = z.infer<typeof TriggerFireResult>;

export const AgentRunResult = z.strictObject({
  status: z.enum(['completed', 'failed', 'cancelled']),
  last_seq: z.number().int().positive(),
});
export type AgentRunResult = z.infer<typeof AgentRunResult>;

/** What the offline model returns to the workflow: inline text when small, else an artifact reference. */
export const ModelReply = z.strictObject({
  content: MessageContent,
  usage: TokenUsage,
  /** Absent in histories recorded before prices existed. */
  cost_usd: z.number().nonnegative().optional(),
  model: z.string(),
  finish_reason: z.enum(['stop', 'length', 'tool_calls']),
  /** Tools the model asked for (tool ids, not the provider-safe names). Absent in histories from before tools. */
  tool_calls: z.array(z.strictObject({ id: z.string(), tool_id: z.string(), arguments: z.string() })).optional(),
});
export type ModelReply = z.infer<typeof ModelReply>;

/** A model's tool call, vetted by the worker before the workflow records it. */
export const PreparedToolCall = z.strictObject({
  call_id: z.string(),
  tool_id: z.string(),
  tool_version: z.string(),
  manifest_hash: z.string(),
  /** Parsed arguments: inline when small, else an artifact reference. */
  arguments: z.union([z.strictObject({ inline: z.unknown() }), z.strictObject({ artifact: ArtifactRef })]),
  arguments_hash: z.string(),
  arguments_redacted: z.unknown(),
  /** The tool's risk; null only when the call is invalid because its manifest could not be resolved. */
  risk: ToolRisk.nullable(),
  /** Input did not match the tool's schema (or the tool is not pinned to the run): the call fails without running. */
  invalid: z.strictObject({ code: z.string(), message: z.string() }).nullable(),
  decision: z.strictObject({ decision: z.enum(['allow', 'deny', 'require_approval']), reason_code: z.string(), reason: z.string() }),
  approval_timeout_s: z.number().int().positive(),
});
export type PreparedToolCall = z.infer<typeof PreparedToolCall>;

/** What a tool activity returns: a result (claim-checked when large) or a user-safe error. */
export const ToolOutcome = z.union([
  z.strictObject({
    ok: z.literal(true),
    result: z.union([z.strictObject({ inline: z.unknown() }), z.strictObject({ artifact: ArtifactRef })]),
    duration_ms: z.number(),
  }),
  z.strictObject({ ok: z.literal(false), code: z.string(), message: z.string(), duration_ms: z.number() }),
]);
export type ToolOutcome = z.infer<typeof ToolOutcome>;

const Base64 = z
  .string()
  .max(4 * 1024 * 1024)
  .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'base64');

/** One Temporal payload in the remote codec protocol: metadata values and data, base64. */
export const CodecPayload = z.object({
  metadata: z.record(z.string().max(256), Base64).nullish(),
  data: Base64.nullish(),
});
export type CodecPayload = z.infer<typeof CodecPayload>;

/**
 * Body and answer of the Temporal remote codec protocol (`POST …/encode`, `POST …/decode`), as the Temporal UI and
 * CLI send it: the payloads, in order (D45).
 */
export const CodecPayloads = z.strictObject({ payloads: z.array(CodecPayload).max(10_000) });
export type CodecPayloads = z.infer<typeof CodecPayloads>;

/**
 * Input of `mcpCheckWorkflow` (the MCP hub, docs/MCP.md): which server to connect to and list, and why. It names the
 * server only: the worker reads the transport and reveals sealed headers itself, so no secret enters a history.
 */
export const McpCheckInput = z.strictObject({
  server_id: z.string().min(1).max(40),
  reason: z.enum(['create', 'manual', 'schedule', 'list_changed']),
});
export type McpCheckInput = z.infer<typeof McpCheckInput>;

/** How a check ended: whether the server answered and was listed, and the tools whose definitions drifted. */
export const McpCheckResult = z.strictObject({
  status: z.enum(['ok', 'error', 'missing', 'disabled']),
  error: z.strictObject({ code: z.string(), message: z.string() }).nullable(),
  drifted: z.array(z.string()),
});
export type McpCheckResult = z.infer<typeof McpCheckResult>;
