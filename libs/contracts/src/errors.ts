import { z } from 'zod';
import { EVENT_REJECTED, PROVIDER_ERROR_CODES } from './pure/errors';

/**
 * Stable error codes. Clients branch on these, so a code is durable API: add new ones, never rename.
 * Each code maps to exactly one HTTP status (see {@link ERROR_HTTP_STATUS}).
 */
export const ErrorCode = z.enum([
  'E_VALIDATION',
  'E_NOT_FOUND',
  'E_CONFLICT',
  'E_PAYLOAD_TOO_LARGE',
  'E_AUTH_REQUIRED',
  'E_AUTH_FORBIDDEN',
  'E_AUTH_CSRF',
  'E_RATE_LIMITED',
  'E_CAPABILITY_DISABLED',
  'E_POLICY_DENIED',
  'E_BUDGET_EXCEEDED',
  ...PROVIDER_ERROR_CODES,
  'E_DEPENDENCY_UNAVAILABLE',
  'E_INTERNAL',
  /** A tool call failed (the tool ran and reported an error). */
  'E_TOOL_FAILED',
  /** A tool call ran past its time limit and was killed. */
  'E_TOOL_TIMEOUT',
  /** A tool call hit a resource limit (memory, processes, output size). */
  'E_TOOL_RESOURCE_LIMIT',
  /** A tool tried to reach a host its grant does not allow (or a private, loopback, link-local or metadata address). */
  'E_EGRESS_DENIED',
  /** Validating a tool call's arguments or output against its schema took too long and was cut (D43). */
  'E_VALIDATION_TIMEOUT',
  /** An approval was decided already, or the decision names other arguments than the call's. */
  'E_APPROVAL_MISMATCH',
  /** A graph spec has errors; `detail.issues` lists them, each pinned on its node (`GraphIssue`). */
  'E_GRAPH_INVALID',
  /** A graph run's input does not match the version's `input_schema`; `detail` lists the fields. */
  'E_GRAPH_INPUT_INVALID',
  /** A graph node failed (the run failed naming the node): its expression, template or output broke a rule or limit. */
  'E_GRAPH_NODE_FAILED',
  /** A research step failed and the run could not go on (no usable plan, a model answer that never matched its schema). */
  'E_RESEARCH_STEP_FAILED',
  /** A graph node attempt ran past its `timeout_ms`. */
  'E_NODE_TIMEOUT',
  /**
   * An MCP tool's live definition differs from the one an admin approved (a "rug pull"), or the tool is blocked: the
   * call is refused until an admin reviews the change and re-approves (docs/MCP.md).
   */
  'E_TOOL_DRIFTED',
  /** An approval node's reviewer did not decide in time and the node has no `timeout` edge. */
  'E_APPROVAL_TIMEOUT',
  /** The request's Host header names no host this deployment answers to (DNS rebinding defence). */
  'E_HOST_NOT_ALLOWED',
  /** A run's events could not be stored (refused by the database or the contract after bounded retries); the run failed. */
  EVENT_REJECTED,
]);
export type ErrorCode = z.infer<typeof ErrorCode>;

/** HTTP status for each error code; exhaustive by construction (a new code fails to compile until mapped). */
export const ERROR_HTTP_STATUS: Readonly<Record<ErrorCode, number>> = {
  E_VALIDATION: 400,
  E_NOT_FOUND: 404,
  E_CONFLICT: 409,
  E_PAYLOAD_TOO_LARGE: 413,
  E_AUTH_REQUIRED: 401,
  E_AUTH_FORBIDDEN: 403,
  E_AUTH_CSRF: 403,
  E_RATE_LIMITED: 429,
  E_CAPABILITY_DISABLED: 403,
  E_POLICY_DENIED: 403,
  E_BUDGET_EXCEEDED: 403,
  E_PROVIDER_UNAVAILABLE: 502,
  // Provider failures are upstream problems (5xx), except naming a model the provider does not have.
  E_PROVIDER_AUTH: 502,
  E_PROVIDER_RATE_LIMITED: 503,
  E_PROVIDER_TIMEOUT: 504,
  E_PROVIDER_MODEL_NOT_FOUND: 400,
  E_PROVIDER_BAD_REQUEST: 502,
  E_PROVIDER_STREAM_INTERRUPTED: 502,
  E_DEPENDENCY_UNAVAILABLE: 503,
  E_INTERNAL: 500,
  E_TOOL_FAILED: 502,
  E_TOOL_TIMEOUT: 504,
  E_TOOL_RESOURCE_LIMIT: 422,
  E_EGRESS_DENIED: 403,
  E_APPROVAL_MISMATCH: 409,
  E_VALIDATION_TIMEOUT: 422,
  E_HOST_NOT_ALLOWED: 421,
  E_GRAPH_INVALID: 400,
  E_GRAPH_INPUT_INVALID: 422,
  E_GRAPH_NODE_FAILED: 422,
  E_RESEARCH_STEP_FAILED: 422,
  E_NODE_TIMEOUT: 504,
  E_TOOL_DRIFTED: 409,
  E_APPROVAL_TIMEOUT: 504,
  // Reported as a failed run's `error.code`, never as an answer to a request; were it one, it would be ours (500).
  E_EVENT_REJECTED: 500,
};

/** One field-level problem inside an `E_VALIDATION` error. */
export const FieldIssue = z.object({
  path: z.string(),
  message: z.string(),
});
export type FieldIssue = z.infer<typeof FieldIssue>;

/**
 * The normalized error envelope every endpoint returns on failure. Never carries a stack trace or a secret.
 */
export const ErrorEnvelope = z.strictObject({
  error: z.strictObject({
    code: ErrorCode,
    message: z.string(),
    detail: z.unknown().optional(),
    request_id: z.string(),
  }),
});
export type ErrorEnvelope = z.infer<typeof ErrorEnvelope>;
