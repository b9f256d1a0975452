import { hostname } from 'node:os';
import type Docker from 'dockerode';
import { decideEnginePreflight, type EnginePreflight, engineFacts } from '@omniai/sandbox';
import type { EngineReportStore } from '@omniai/store';

/** How often a worker refreshes its engine report; `/v1/meta` calls a report stale after three missed beats. */
export const ENGINE_REPORT_INTERVAL_MS = 30_000;

export interface EngineReportDeps {
  docker: Docker;
  store: EngineReportStore;
  /** `OMNI_ALLOW_UNPATCHED_RUNC=1`: run tools on a runc open to CVE-2024-21626 (unsafe, the operator's choice). */
  allowUnpatchedRunc: boolean;
  workerId?: string;
}

/** Asks the engine, decides the preflight and records both for the API (D39). */
export async function reportEngine(deps: EngineReportDeps): Promise<EnginePreflight> {
  const preflight = decideEnginePreflight(await engineFacts(deps.docker), { allowUnpatchedRunc: deps.allowUnpatchedRunc });
  await deps.store.record({
    worker_id: deps.workerId ?? `${hostname()}/${process.pid}`,
    engine_version: preflight.engineVersion,
    runc_version: preflight.runcVersion,
    seccomp_profile: preflight.seccompProfile,
    problems: preflight.problems,
    waived: preflight.waived,
  });
  return preflight;
}

/**
 * The start-up preflight plus the heartbeat that keeps the report fresh. Throws, after recording why, when the engine
 * must not run tools (no seccomp profile, or an unpatched runc without the waiver): the worker then does not start.
 */
export async function startEngineReports(deps: EngineReportDeps & { warn: (message: string) => void }): Promise<{ stop(): void }> {
  const preflight = await reportEngine(deps);
  if (preflight.problems.length > 0) throw new Error(`refusing to run sandboxed tools: ${preflight.problems.join('; ')}`);
  for (const w of preflight.waived) deps.warn(`UNSAFE (OMNI_ALLOW_UNPATCHED_RUNC=1): ${w}`);
  const timer = setInterval(() => {
    reportEngine(deps).catch((err: unknown) => deps.warn(`engine report failed: ${err instanceof Error ? err.message : String(err)}`));
  }, ENGINE_REPORT_INTERVAL_MS);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
