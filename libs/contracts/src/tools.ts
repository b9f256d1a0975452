import { z } from 'zod';
import { JsonValue } from './json';
import { ArtifactRef } from './artifacts';
import { parseEgressAllowEntry, parseEgressEntry } from './pure/egress';
import { SCOPES } from './pure/tools';

/** Scopes a tool can require; grants are deny-by-default. */
export const Scope = z.enum(SCOPES);
export type Scope = z.infer<typeof Scope>;

/** A JSON Schema document (draft 2020-12), kept opaque here and validated by the tool runtime. */
export const JsonSchema = z.record(z.string(), z.unknown());

/** How a tool executes. Only `sandbox_job` runs user-supplied code, and only inside a locked-down container. */
export const ExecutionBinding = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('inproc_safe'), builtin: z.string().min(1) }),
  z.strictObject({
    type: z.literal('sandbox_job'),
    /** Image pinned by digest, e.g. `registry/image@sha256:…`. */
    image: z.string().regex(/@sha256:[0-9a-f]{64}$/, 'sandbox images must be pinned by digest'),
    entrypoint: z.array(z.string()).min(1),
  }),
  z.strictObject({
    type: z.literal('mcp_remote'),
    server_id: z.string().min(1),
    tool_name: z.string().min(1),
    /** The MCP hub's definition hash this version was approved at (docs/MCP.md); a call is refused when the live one differs. */
    definition_hash: z
      .string()
      .regex(/^[0-9a-f]{64}$/)
      .optional(),
  }),
  z.strictObject({ type: z.literal('openapi_proxy'), spec_ref: z.string().min(1), operation_id: z.string().min(1) }),
]);
export type ExecutionBinding = z.infer<typeof ExecutionBinding>;

/** One poisoning flag on a tool's description or a parameter's documentation. */
export const McpPoisonFlag = z.strictObject({
  kind: z.enum(['invisible_unicode', 'instructions', 'url']),
  /** Where: `description`, `title`, or a JSON pointer into the input schema (`/properties/path/description`). */
  where: z.string(),
  /** The offending text, with invisible characters shown as `U+XXXX`; at most 200 characters. */
  excerpt: z.string(),
});
export type McpPoisonFlag = z.infer<typeof McpPoisonFlag>;

/** What a tool may do and reach, and the limits it runs under: what the policy decides on and reviewers see. */
export const ToolRisk = z.strictObject({
  side_effect: z.enum(['read', 'write', 'external_write']),
  scopes: z.array(Scope),
  egress_hosts: z.array(z.string()),
  limits: z.strictObject({
    timeout_ms: z.number().int().positive().max(3_600_000),
    memory_mb: z.number().int().positive().max(16_384),
    cpus: z.number().positive().max(16),
  }),
  /**
   * What the tool's publisher says about it (an MCP server's tool annotations), shown to reviewers. Advisory only:
   * the side effect and scopes above are what the policy decides on, and no hint lifts a requirement.
   */
  hints: z.strictObject({ destructive: z.boolean().optional(), idempotent: z.boolean().optional(), open_world: z.boolean().optional() }).optional(),
  /**
   * Poisoning flags on the publisher's text (an MCP tool's description and parameter docs, as approved): shown to
   * reviewers on the approval card. Advisory, like `hints`.
   */
  flags: z.array(McpPoisonFlag).max(50).optional(),
});
export type ToolRisk = z.infer<typeof ToolRisk>;

/** A tool: identity, validated IO, risk metadata and how it executes. */
export const ToolManifest = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9._-]{1,99}$/),
  /** Semver; build metadata (`+…`) pins machine-specific parts such as a locally built image's digest. */
  version: z.string().regex(/^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/, 'expected a semver version'),
  description: z.string().min(1).max(2000),
  input_schema: JsonSchema,
  output_schema: JsonSchema,
  risk: ToolRisk,
  binding: ExecutionBinding,
});
export type ToolManifest = z.infer<typeof ToolManifest>;

/** A policy decision about one tool call. */
export const PolicyDecision = z.strictObject({
  decision: z.enum(['allow', 'deny', 'require_approval']),
  reason_code: z.string(),
  reason: z.string(),
});
export type PolicyDecision = z.infer<typeof PolicyDecision>;

/** Grants and switches the policy engine evaluates (workspace → project → user). */
/** How many distinct reviewers must approve a call, and whether the user who started the run may be one of them. */
export const ApprovalRule = z.strictObject({
  project_id: z.union([z.uuid(), z.literal('*')]),
  min_approvers: z.number().int().min(1).max(5),
  no_self_approval: z.boolean(),
});
export type ApprovalRule = z.infer<typeof ApprovalRule>;

/**
 * A host entry: `docs.example.org`, `*.example.org`, `*` or an IP address, optionally with `:port` (without one, ports
 * 80 and 443 only). No scheme, path or user info (D44). Reaches public addresses only.
 */
export const EgressHostEntry = z
  .string()
  .trim()
  .min(1)
  .max(260)
  .superRefine((entry, ctx) => {
    const parsed = parseEgressEntry(entry);
    if ('error' in parsed) ctx.addIssue({ code: 'custom', message: parsed.error });
  });

/**
 * A named host the admin runs on loopback or a private network (an MCP server on this machine, a service on the team's
 * network): with `allow_private`, its addresses may be loopback, private (RFC 1918, IPv6 unique local), link-local or
 * CGNAT. Only for an exact DNS name or IP address (optionally `:port`), never `*` or a wildcard; cloud metadata,
 * unspecified, multicast, broadcast and reserved addresses stay refused (D58).
 */
export const PrivateEgressEntry = z
  .strictObject({
    host: z.string().trim().min(1).max(260),
    allow_private: z.boolean(),
    /** Why the host is allowed (who runs it), shown with the entry in the console. */
    note: z.string().trim().max(200).optional(),
  })
  .superRefine((entry, ctx) => {
    const parsed = parseEgressAllowEntry(entry);
    if ('error' in parsed) ctx.addIssue({ code: 'custom', path: parsed.field ? [parsed.field] : [], message: parsed.error });
  });
export type PrivateEgressEntry = z.infer<typeof PrivateEgressEntry>;

/** One `egress_allow` entry: a host entry (public addresses only), or a named host that may be private. */
export const EgressAllowEntry = z.union([EgressHostEntry, PrivateEgressEntry], {
  // Neither form fits: say what is wrong with the form the input was meant to be, not only "Invalid input".
  error: (issue) => {
    if (issue.code !== 'invalid_union' || typeof issue.input !== 'object' || issue.input === null || Array.isArray(issue.input)) {
      return 'expected a host entry ("docs.example.org") or an object { "host": "127.0.0.1:3001", "allow_private": true, "note"?: "…" }';
    }
    const inner = ('errors' in issue ? issue.errors[1] : undefined)?.[0];
    return inner ? `${inner.path.length ? `${inner.path.join('.')}: ` : ''}${inner.message}` : undefined;
  },
});
export type EgressAllowEntry = z.infer<typeof EgressAllowEntry>;

export const Policy = z.strictObject({
  grants: z.array(
    z.strictObject({
      level: z.enum(['workspace', 'project', 'user']),
      subject: z.string(),
      scopes: z.array(Scope),
      require_approval: z.boolean(),
    }),
  ),
  /** When on, every external write is denied, whatever the grants and approvals say. */
  kill_switch_external_writes: z.boolean(),
  /**
   * Hosts that tools may reach (`example.org`, `*.example.org`; `*` for any public host), on ports 80 and 443 unless
   * an entry names another (`example.org:8443`). Loopback, private and link-local addresses are refused, except for a
   * named host in the object form with `allow_private` (`{ "host": "127.0.0.1:3001", "allow_private": true }`);
   * metadata addresses are refused always (and the API refuses such IP addresses here). Empty or absent: no egress.
   */
  egress_allow: z.array(EgressAllowEntry).max(500).optional(),
  /** How long a call waits for a reviewer before it is denied (deny on timeout). Default one day. */
  approval_timeout_s: z
    .number()
    .int()
    .min(1)
    .max(30 * 86_400)
    .optional(),
  /**
   * Who must approve, per project (`"*"`: every project without its own rule). Without a rule one reviewer's approval
   * suffices and the run's requester may approve; a single deny always denies.
   */
  approval_rules: z.array(ApprovalRule).max(500).optional(),
});
export type Policy = z.infer<typeof Policy>;

/** A tool as pinned to a run: the exact manifest version and its hash (recorded in every `tool_call`). */
export const PinnedTool = z.strictObject({
  id: z.string().min(1).max(100),
  version: z.string().min(1).max(100),
  manifest_hash: z.string().regex(/^[0-9a-f]{64}$/),
});
export type PinnedTool = z.infer<typeof PinnedTool>;

/** A registered tool version (`GET /v1/tools`). */
export const RegisteredTool = z.strictObject({
  manifest: ToolManifest,
  manifest_hash: z.string(),
  registered_at: z.iso.datetime(),
});
export type RegisteredTool = z.infer<typeof RegisteredTool>;

/** The id an OpenAPI document is registered under; its tools are named `api.<id>.<operationId>`. */
export const OpenApiSpecId = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,39}$/, 'expected 1 to 40 lower-case letters, digits, "_" or "-"');
export type OpenApiSpecId = z.infer<typeof OpenApiSpecId>;

/**
 * An OpenAPI 3.0 or 3.1 document, checked here only for what the proxy needs (a version, a server, paths); each
 * operation is examined when its tool is derived. Other members are kept as they are.
 */
export const OpenApiSpec = z.looseObject({
  openapi: z.string().regex(/^3\.[01]\.\d+/, 'expected an OpenAPI 3.0 or 3.1 document'),
  info: z.looseObject({ title: z.string(), version: z.string() }),
  servers: z.array(z.looseObject({ url: z.string().min(1).max(2000) })).min(1, 'the document must name a server (servers[0].url)'),
  paths: z.record(z.string().startsWith('/'), z.record(z.string(), z.unknown())),
});
export type OpenApiSpec = z.infer<typeof OpenApiSpec>;

/** `POST /v1/tools/openapi`: store a document and register one tool per operation (all of them, or those listed). */
export const RegisterOpenApiToolsRequest = z.strictObject({
  id: OpenApiSpecId,
  spec: OpenApiSpec,
  /** operationIds to offer as tools; omitted: every operation that can be proxied (the others are listed as skipped). */
  operations: z.array(z.string().min(1).max(200)).min(1).max(200).optional(),
});
export type RegisterOpenApiToolsRequest = z.infer<typeof RegisterOpenApiToolsRequest>;

export const RegisterOpenApiToolsResponse = z.strictObject({
  spec_id: OpenApiSpecId,
  /** sha256 of the document's canonical JSON. */
  spec_hash: z.string().regex(/^[0-9a-f]{64}$/),
  /** False when this exact document was already registered under this id (the call is idempotent). */
  created: z.boolean(),
  tools: z.array(RegisteredTool),
  /** Operations that cannot be proxied, and why (only when `operations` was omitted). */
  skipped: z.array(z.strictObject({ operation_id: z.string(), reason: z.string() })),
});
export type RegisterOpenApiToolsResponse = z.infer<typeof RegisterOpenApiToolsResponse>;

/**
 * `PUT /v1/projects/:projectId/tools/:toolId`: pin a project to one version of a tool (`null`: follow the latest), or
 * — for an MCP hub tool — to the version approved at a definition hash (docs/MCP.md).
 */
export const PinToolRequest = z.union([
  z.strictObject({ version: z.string().min(1).max(100).nullable() }),
  z.strictObject({ definition_hash: z.string().regex(/^[0-9a-f]{64}$/, 'expected a sha256 hex digest') }),
]);
export type PinToolRequest = z.infer<typeof PinToolRequest>;

export const ApprovalStatus = z.enum(['pending', 'approved', 'denied', 'expired', 'cancelled']);
export type ApprovalStatus = z.infer<typeof ApprovalStatus>;

/** The call a reviewer decides on, as an approval and its `approval_requested` event both carry it. */

export const REVIEWED_CALL_FIELDS = {
  call_id: z.string(),
  tool_id: z.string(),
  tool_version: z.string(),
  manifest_hash: z.string(),
  arguments_hash: z.string(),
  /** A preview for lists and timelines: known secret values masked, long values cut with a marker (D42). */
  arguments_redacted: z.unknown(),
};

/**
 * A tool call waiting for (or decided by) a reviewer. `arguments_redacted` is a preview (see `argumentsPreview`); the
 * hash binds the decision to the full arguments, which the approval's detail carries.
 */
export const Approval = z.strictObject({
  id: z.string(),
  run_id: z.uuid(),
  project_id: z.uuid(),
  ...REVIEWED_CALL_FIELDS,
  /** The tool's risk; null for an approval node of a graph (`graph.approval`): a human gate with no tool behind it. */
  risk: ToolRisk.nullable(),
  reason_code: z.string(),
  requested_by: z.strictObject({ type: z.enum(['user', 'agent', 'service']), id: z.string() }),
  status: ApprovalStatus,
  decided_by: z.string().nullable(),
  decision_reason: z.string().nullable(),
  requested_at: z.iso.datetime(),
  expires_at: z.iso.datetime(),
  decided_at: z.iso.datetime().nullable(),
});
export type Approval = z.infer<typeof Approval>;

/** One decide call made for an approval, as the log keeps it (applied, counted, no-op or refused). */
export const ApprovalDecisionEntry = z.strictObject({ decision: z.string(), outcome: z.string(), decided_by: z.string(), at: z.iso.datetime() });
export type ApprovalDecisionEntry = z.infer<typeof ApprovalDecisionEntry>;

/**
 * The full arguments of the call a reviewer decides on, as its `tool_call` event carries them: inline when their JSON
 * is small, else an artifact to fetch from `GET /v1/runs/{runId}/artifacts/{sha256}`. Their canonical-JSON sha256 is
 * the approval's `arguments_hash`; the console checks that before it enables Approve (D42).
 */
export const ReviewedArguments = z.union([z.strictObject({ inline: z.unknown() }), z.strictObject({ artifact: ArtifactRef })]);
export type ReviewedArguments = z.infer<typeof ReviewedArguments>;

/**
 * `GET /v1/approvals/:approvalId`: the approval with the log of every decide call made for it, and the call's full
 * arguments (`arguments_redacted` is only a preview: cut at its limits, known secret values masked): the `tool_call`
 * event's, or for an approval node the rendered input its `node_started` event recorded. `arguments` is null only when
 * that event cannot be found.
 */
export const ApprovalDetail = Approval.extend({ decisions: z.array(ApprovalDecisionEntry), arguments: ReviewedArguments.nullable() });
export type ApprovalDetail = z.infer<typeof ApprovalDetail>;

/** `POST /v1/approvals/:id/decide`. `arguments_hash` must be the call's: a decision binds to the exact arguments. */
export const DecideApprovalRequest = z.strictObject({
  decision: z.enum(['approve', 'deny']),
  reason: z.string().trim().max(1000).optional(),
  arguments_hash: z.string().regex(/^[0-9a-f]{64}$/, 'expected the sha256 of the arguments'),
  /** An approval node's form (`form_schema`): what the reviewer fills in; the node's output when approved. */
  form: JsonValue.optional(),
});
export type DecideApprovalRequest = z.infer<typeof DecideApprovalRequest>;

/**
 * What a decide call did: applied (the decision took effect and was signalled to the run), counted (an approval
 * towards a rule needing several reviewers; `approvers` says how far along), or a recorded no-op (the approval was
 * already decided, or this reviewer's approval was counted before).
 */
export const DecideApprovalResponse = z.strictObject({
  outcome: z.enum(['applied', 'counted', 'no_op']),
  approval: Approval,
  approvers: z.strictObject({ have: z.number().int().min(0), need: z.number().int().min(1) }).optional(),
});
export type DecideApprovalResponse = z.infer<typeof DecideApprovalResponse>;

/** `GET /v1/approvals` query. */
export const ApprovalsQuery = z.strictObject({
  status: ApprovalStatus.optional(),
  project_id: z.uuid().optional(),
  run_id: z.uuid().optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export type ApprovalsQuery = z.infer<typeof ApprovalsQuery>;
