import { Injectable } from '@nestjs/common';
import type { ComponentHealth, ComponentName, FeatureFlags, Meta } from '@omniai/contracts';
import { EngineReportStore } from '@omniai/store';
import { AppConfig } from '../config/app-config';
import { BUILT, featureOn } from '../config/features';
import { DatabaseService } from '../database/database.service';
import { TEMPORAL_UI_PREFIX } from '../temporal/temporal-ui.proxy';
import { TemporalService } from '../temporal/temporal.service';

const PROBE_TIMEOUT_MS = 3_000;
/** Three missed worker heartbeats (30 s each) make its engine report stale. */
const ENGINE_REPORT_MAX_AGE_MS = 90_000;

/** Runs one probe with a deadline and turns its outcome into a ComponentHealth. */
async function probe(fn: () => Promise<string>): Promise<ComponentHealth> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    const detail = await Promise.race([
      fn(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${PROBE_TIMEOUT_MS} ms`)), PROBE_TIMEOUT_MS);
      }),
    ]);
    return { status: 'healthy', latency_ms: round(performance.now() - started), detail };
  } catch (err) {
    return { status: 'unhealthy', latency_ms: round(performance.now() - started), detail: userSafe(err) };
  } finally {
    clearTimeout(timer);
  }
}

const round = (ms: number) => Math.round(ms * 10) / 10;

// Driver errors can carry connection strings; keep the first line and strip anything URL-shaped with credentials.
function userSafe(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text
    .split('\n')[0]!
    .replace(/\b[a-z]+:\/\/[^\s@/]+@/gi, '<redacted>@')
    .slice(0, 200);
}

@Injectable()
export class HealthService {
  private cached: { at: number; meta: Promise<Meta>; settled: boolean } | null = null;

  constructor(
    private readonly config: AppConfig,
    private readonly database: DatabaseService,
    private readonly temporal: TemporalService,
    private readonly engineReports: EngineReportStore,
  ) {}

  /**
   * The deployment's meta: one round of probes serves every caller for `OMNI_META_CACHE_MS` (5 s; callers during a
   * round share it): `/v1/meta` is public, and each round costs four probes. Anonymous callers get no versions, instance id, links or component details.
   */
  async meta(signedIn: boolean): Promise<Meta> {
    const now = Date.now();
    let round = this.cached;
    if (!round || (round.settled && now - round.at >= this.config.metaCacheMs)) {
      const started = { at: now, meta: this.probeAll(), settled: false };
      started.meta.then(
        () => (started.settled = true),
        () => {
          // A round that failed outright is not kept.
          if (this.cached === started) this.cached = null;
        },
      );
      this.cached = round = started;
    }
    const full = await round.meta;
    if (signedIn) return full;
    const { version: _v, instance_id: _i, links: _l, components, ...rest } = full;
    const statusOnly = Object.fromEntries(
      Object.entries(components).map(([name, c]) => [name, { status: c.status, latency_ms: c.latency_ms }]),
    ) as Meta['components'];
    return { ...rest, components: statusOnly };
  }

  private async probeAll(): Promise<Meta> {
    const [temporal, postgres, docker, worker, instanceId] = await Promise.all([
      probe(async () => `Temporal server ${await this.temporal.serverVersion()}`),
      probe(async () => `PostgreSQL ${await this.database.ping()}`),
      probe(() => this.dockerFromWorker()),
      probe(async () => {
        const queue = this.config.taskQueue;
        const pollers = await this.temporal.pollerCount(queue);
        if (pollers === 0) throw new Error(`no worker polls task queue ${queue}`);
        return `${pollers} poller(s) on ${queue}`;
      }),
      this.database.instanceId().catch(() => null),
    ]);
    const components: Record<ComponentName, ComponentHealth> = { temporal, postgres, docker, worker };
    const healthy = Object.values(components).every((c) => c.status === 'healthy');
    return {
      name: 'omniai',
      version: this.config.version,
      instance_id: instanceId,
      status: healthy ? 'healthy' : 'degraded',
      features: Object.fromEntries(Object.keys(BUILT).map((k) => [k, featureOn(this.config, k as keyof FeatureFlags)])) as FeatureFlags,
      components,
      links: { temporal_ui: this.config.temporalUiUrl ? `${this.config.publicUrl}${TEMPORAL_UI_PREFIX}` : null },
      checked_at: new Date().toISOString(),
    };
  }

  /** The engine as the worker last saw it (D39): the API holds no Docker socket. */
  private async dockerFromWorker(): Promise<string> {
    const report = await this.engineReports.latest();
    if (!report) throw new Error('no worker has reported the Docker engine yet');
    const age = Date.now() - report.reported_at.getTime();
    if (age > ENGINE_REPORT_MAX_AGE_MS) throw new Error(`the last worker report of the Docker engine is ${Math.round(age / 1000)} s old`);
    if (report.problems.length > 0) throw new Error(`Docker engine ${report.engine_version}: ${report.problems[0]}`);
    const waived = report.waived.length > 0 ? ' (UNSAFE: unpatched runc allowed)' : '';
    return `Docker engine ${report.engine_version}, runc ${report.runc_version ?? 'unknown'}, seccomp ${report.seccomp_profile}${waived}, reported by the worker`;
  }
}
