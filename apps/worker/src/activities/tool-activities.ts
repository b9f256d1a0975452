import { Context } from '@temporalio/activity';
import { argumentsPreview, type PreparedToolCall, storableJson, storableText, type ToolOutcome } from '@omniai/contracts';
import { evaluatePolicy } from '@omniai/policy';
import type { DockerSandbox } from '@omniai/sandbox';
import type { ArtifactStore, ClaimChecked, GraphRunStore, PolicyStore } from '@omniai/store';
import { argumentsHash, type EgressProxy, type JsonValidatorPool, ToolError } from '@omniai/tools';
import type { RunToolActivities, ToolPrepActivities } from '@omniai/workflows';
import { waitForDatabase } from './wait-for-database';
import { runSandboxJob } from '../tools/sandbox-executor';
import type { ToolCatalog } from '../tools/tool-catalog';

const DEFAULT_APPROVAL_TIMEOUT_S = 86_400;

export interface ToolActivityDeps {
  catalog: ToolCatalog;
  policies: PolicyStore;
  artifacts: ArtifactStore;
  sandbox: DockerSandbox;
  /** Validates arguments and outputs in threads, under a deadline (D43): model and tool JSON never runs Ajv here. */
  validator: Pick<JsonValidatorPool, 'validate'>;
  /** Sandboxed calls with an egress grant reach the network only through it (D32); without it they never do. */
  egressProxy?: EgressProxy;
  /**
   * The execution record per idempotency key (D50): a retried activity whose call already ran to a good outcome
   * returns that outcome instead of running the tool again. Without it, retries rely on each tool's own idempotency.
   */
  executions?: Pick<GraphRunStore, 'claimToolExecution' | 'recordToolExecution'>;
}

/**
 * Vetting a tool call (on the runs queue: it only reads Postgres): the tool must be pinned to the run, its arguments
 * must parse and match the input schema, and the policy engine decides. The workflow records what comes back.
 */
export function createToolPrepActivities(deps: ToolActivityDeps): ToolPrepActivities {
  return {
    async prepareToolCall({ project_id, call, tools, requested_by }) {
      const pinned = tools.find((t) => t.id === call.tool_id);
      const entry = pinned ? await waitForDatabase(() => deps.catalog.resolve(pinned.id, pinned.version)) : undefined;
      const base = { call_id: call.id, tool_id: call.tool_id, tool_version: pinned?.version ?? '', manifest_hash: pinned?.manifest_hash ?? '' };
      const deny = { decision: 'deny' as const, reason_code: 'invalid_call', reason: 'The call was not valid.' };
      const invalid = (code: string, message: string, args: unknown = call.arguments): PreparedToolCall => ({
        ...base,
        arguments: { inline: typeof args === 'string' ? args.slice(0, 2000) : args },
        arguments_hash: argumentsHash(args),
        arguments_redacted: argumentsPreview(args),
        risk: entry?.manifest.risk ?? null,
        invalid: { code, message },
        decision: deny,
        approval_timeout_s: DEFAULT_APPROVAL_TIMEOUT_S,
      });
      if (!pinned) return invalid('E_VALIDATION', `The tool "${call.tool_id.slice(0, 100)}" is not available to this run.`);
      if (!entry || entry.manifest_hash !== pinned.manifest_hash) {
        return invalid('E_TOOL_FAILED', `This worker cannot run ${pinned.id}@${pinned.version} (the manifest the run is pinned to).`);
      }
      let args: unknown;
      try {
        // A `\u0000` escape in the model's JSON becomes a NUL here: arguments are made storable before they are hashed.
        args = storableJson(JSON.parse(call.arguments || '{}'));
      } catch {
        return invalid('E_VALIDATION', `The arguments for ${pinned.id} are not valid JSON.`);
      }
      const valid = await deps.validator.validate(entry.manifest.input_schema, args);
      if (!valid.ok) return invalid(valid.code, `Invalid input for ${pinned.id}: ${valid.message}`, args);
      const policy = await waitForDatabase(() => deps.policies.get());
      const outcome = evaluatePolicy({ tool: entry.manifest, policy, subject: { project_id, user_id: requested_by.id }, approval: 'none' });
      return {
        ...base,
        arguments: await waitForDatabase(() => deps.artifacts.claimCheck(args)),
        arguments_hash: argumentsHash(args),
        arguments_redacted: argumentsPreview(args),
        risk: entry.manifest.risk,
        invalid: null,
        decision: { decision: outcome.decision, reason_code: outcome.reason_code, reason: outcome.reason },
        approval_timeout_s: policy.approval_timeout_s ?? DEFAULT_APPROVAL_TIMEOUT_S,
      };
    },
  };
}

/**
 * A tool call's idempotency key: the run and the seq of its `tool_call` event, both assigned by the workflow, so two
 * calls of a run never share one, whatever `call_id` the model chose; a retry of the same call keeps it. Calls
 * scheduled before the seq was passed keep the key they were first tried with.
 */
export function toolCallKey(runId: string, callId: string, callSeq: number | undefined): string {
  return callSeq === undefined ? `${runId}/${callId}` : `${runId}/seq-${callSeq}`;
}

/**
 * Executing a tool call (on the tools queue). The policy is evaluated again at the moment of execution (the kill
 * switch may have been thrown while the call waited for a reviewer); input was validated when the call was prepared
 * and the output is validated here. Tool failures come back as outcomes; infrastructure failures throw (and retry).
 */
export function createRunToolActivities(deps: ToolActivityDeps): RunToolActivities {
  return {
    async runTool({ run_id, project_id, call_id, call_seq, tool_id, tool_version, arguments: stored, approved, requested_by, idempotency_key: givenKey }) {
      const ctx = Context.current();
      const started = Date.now();
      const fail = (code: string, message: string): ToolOutcome => ({
        ok: false,
        code,
        message: storableText(message.slice(0, 2000)),
        duration_ms: Date.now() - started,
      });
      const entry = await waitForDatabase(() => deps.catalog.resolve(tool_id, tool_version));
      if (!entry) return fail('E_TOOL_FAILED', `This worker cannot run ${tool_id}@${tool_version}.`);
      const policy = await waitForDatabase(() => deps.policies.get());
      const decision = evaluatePolicy({
        tool: entry.manifest,
        policy,
        subject: { project_id, user_id: requested_by.id },
        approval: approved ? 'approved' : 'none',
      });
      if (decision.decision !== 'allow') return fail('E_POLICY_DENIED', decision.reason);
      const input = await waitForDatabase(() => deps.artifacts.redeem(stored as ClaimChecked));
      const idempotency_key = givenKey ?? toolCallKey(run_id, call_id, call_seq);
      const execute = async (): Promise<ToolOutcome> => {
        // Progress while the call runs: a worker that dies stops heartbeating and Temporal retries the call elsewhere.
        const beat = setInterval(() => ctx.heartbeat(), 1_000);
        try {
          // Tool output is untrusted text (`print(chr(0))`): made storable before it is validated, stored and recorded.
          const output = storableJson(
            entry.manifest.binding.type === 'sandbox_job'
              ? await runSandboxJob(
                  deps.sandbox,
                  entry.manifest,
                  input,
                  { run_id, idempotency_key },
                  deps.egressProxy ? { proxy: deps.egressProxy, workspaceAllow: policy.egress_allow ?? [] } : undefined,
                )
              : entry.run
                ? await entry.run(input, { project_id, run_id, call_id, idempotency_key, signal: ctx.cancellationSignal, heartbeat: (d) => ctx.heartbeat(d) })
                : (() => {
                    throw new ToolError('E_TOOL_FAILED', `${tool_id}: the ${entry.manifest.binding.type} binding is not supported yet.`);
                  })(),
          );
          const valid = await deps.validator.validate(entry.manifest.output_schema, output);
          if (!valid.ok) return fail(valid.code, `${tool_id} returned output that does not match its schema: ${valid.message}`);
          return { ok: true, result: await waitForDatabase(() => deps.artifacts.claimCheck(output)), duration_ms: Date.now() - started };
        } catch (err) {
          if (err instanceof ToolError) return fail(err.code, err.message);
          throw err;
        } finally {
          clearInterval(beat);
        }
      };
      // With an execution record (D50): a call whose key already ran to a good outcome returns it, never runs twice.
      const executions = deps.executions;
      if (executions) {
        const claim = await waitForDatabase(() => executions.claimToolExecution(idempotency_key, run_id, tool_id));
        if (claim.state === 'done') return claim.outcome;
      }
      const outcome = await execute();
      return executions ? await waitForDatabase(() => executions.recordToolExecution(idempotency_key, outcome)) : outcome;
    },
  };
}
