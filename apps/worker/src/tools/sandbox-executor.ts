import type { EgressAllowValue, ToolManifest } from '@omniai/contracts';
import type { DockerSandbox } from '@omniai/sandbox';
import { type EgressProxy, type EgressSession, ToolError } from '@omniai/tools';

/** Bytes a sandboxed call may move through the egress proxy (both directions, every connection). */
export const SANDBOX_EGRESS_MAX_BYTES = 32 * 1024 * 1024;

/** How a call may reach the network: the worker's proxy and the workspace policy's `egress_allow` at call time. */
export interface SandboxEgress {
  proxy: EgressProxy;
  workspaceAllow: readonly EgressAllowValue[];
}

/** Label naming the call a container serves; a retry removes a leftover container of the same call first. */
export const IDEMPOTENCY_LABEL = 'ai.omni.idempotency_key';

/**
 * Runs a `sandbox_job` tool: one fresh locked-down container per call (no network, read-only root, non-root, limits
 * from the manifest), the input passed as the last argv element (never through a shell). The container prints its
 * output as one JSON document on stdout. When the manifest declares egress hosts and the workspace allows some, the
 * container gets the call's own socket to the egress proxy, which lets through only hosts both lists allow (D32); a
 * failure after the proxy refused something is `E_EGRESS_DENIED`, naming the refusal.
 */
export async function runSandboxJob(
  sandbox: DockerSandbox,
  manifest: ToolManifest,
  input: unknown,
  call: { run_id: string; idempotency_key: string },
  egress?: SandboxEgress,
): Promise<unknown> {
  if (manifest.binding.type !== 'sandbox_job') throw new Error('not a sandbox_job tool');
  // The manifest pins the image by digest; a locally built image is addressed by its id (the same sha256).
  const image = `sha256:${manifest.binding.image.split('@sha256:')[1]}`;
  await sandbox.removeByLabel(`${IDEMPOTENCY_LABEL}=${call.idempotency_key}`);
  const limits = manifest.risk.limits;
  const granted = egress && manifest.risk.egress_hosts.length > 0 && egress.workspaceAllow.length > 0;
  const session: EgressSession | undefined = granted
    ? await egress.proxy.open({
        callId: call.idempotency_key,
        allowHosts: [manifest.risk.egress_hosts, egress.workspaceAllow],
        maxBytes: SANDBOX_EGRESS_MAX_BYTES,
        timeoutMs: limits.timeout_ms,
      })
    : undefined;
  let result: Awaited<ReturnType<DockerSandbox['run']>>;
  try {
    result = await sandbox.run({
      image,
      argv: [...manifest.binding.entrypoint, JSON.stringify(input)],
      limits: { timeoutMs: limits.timeout_ms, memoryBytes: limits.memory_mb * 1024 * 1024, nanoCpus: Math.round(limits.cpus * 1e9) },
      labels: { 'ai.omni.run_id': call.run_id, 'ai.omni.tool': manifest.id, [IDEMPOTENCY_LABEL]: call.idempotency_key },
      ...(session ? { egress: { socketPath: session.socketPath } } : {}),
    });
  } finally {
    await session?.close();
  }
  // A tool that failed after the proxy refused it most likely failed because of that: say so, with the reason.
  const refused = session?.refusals[0];
  const failed = (message: string) =>
    refused
      ? new ToolError('E_EGRESS_DENIED', `${message}\n(the egress proxy refused ${refused.host}: ${refused.reason})`)
      : new ToolError('E_TOOL_FAILED', message);
  if (result.timedOut) throw new ToolError('E_TOOL_TIMEOUT', `${manifest.id} ran past its ${limits.timeout_ms / 1000} s limit and was stopped.`);
  if (result.oomKilled || result.exitCode === 137)
    throw new ToolError('E_TOOL_RESOURCE_LIMIT', `${manifest.id} reached its ${limits.memory_mb} MB memory limit and was stopped.`);
  if (result.stdoutTruncated) throw new ToolError('E_TOOL_RESOURCE_LIMIT', `${manifest.id} produced more output than allowed.`);
  let output: unknown;
  try {
    output = JSON.parse(result.stdout);
  } catch {
    const tail = result.stderr.trim().split('\n').slice(-5).join('\n');
    throw failed(`${manifest.id} exited ${result.exitCode} without a result${tail ? `: ${tail.slice(0, 1000)}` : '.'}`);
  }
  const exitCode = (output as { exit_code?: unknown }).exit_code;
  if (exitCode === 137) throw new ToolError('E_TOOL_RESOURCE_LIMIT', `${manifest.id} reached its ${limits.memory_mb} MB memory limit.`);
  if (typeof exitCode === 'number' && exitCode !== 0) {
    const stderr = String((output as { stderr?: unknown }).stderr ?? '').trim();
    throw failed(`${manifest.id} exited ${exitCode}${stderr ? `: ${stderr.split('\n').slice(-5).join('\n').slice(0, 1000)}` : ''}`);
  }
  return output;
}
