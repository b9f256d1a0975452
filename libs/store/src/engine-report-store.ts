import type { DataSource } from 'typeorm';

/** One worker's view of the Docker engine and the outcome of its sandbox preflight (D39). */
export interface EngineReport {
  worker_id: string;
  engine_version: string;
  runc_version: string | null;
  /** The engine's seccomp profile, or null when it applies none. */
  seccomp_profile: string | null;
  /** Why the worker refuses sandbox work; empty when it runs tools. */
  problems: string[];
  /** Problems the operator waived (`OMNI_ALLOW_UNPATCHED_RUNC`). */
  waived: string[];
  reported_at: Date;
}

/** Workers write their engine report at start and on a heartbeat; the API reads the newest for `/v1/meta`. */
export class EngineReportStore {
  constructor(private readonly db: DataSource) {}

  async record(report: Omit<EngineReport, 'reported_at'>): Promise<void> {
    await this.db.query(
      `insert into engine_reports (worker_id, engine_version, runc_version, seccomp_profile, problems, waived, reported_at)
       values ($1, $2, $3, $4, $5, $6, now())
       on conflict (worker_id) do update set engine_version = excluded.engine_version, runc_version = excluded.runc_version,
         seccomp_profile = excluded.seccomp_profile, problems = excluded.problems, waived = excluded.waived, reported_at = now()`,
      [report.worker_id, report.engine_version, report.runc_version, report.seccomp_profile, JSON.stringify(report.problems), JSON.stringify(report.waived)],
    );
    // Workers that stopped long ago leave nothing behind.
    await this.db.query(`delete from engine_reports where reported_at < now() - interval '1 day'`);
  }

  /** The newest report of any worker, or null before a worker has started. */
  async latest(): Promise<EngineReport | null> {
    const rows: EngineReport[] = await this.db.query(`select * from engine_reports order by reported_at desc limit 1`);
    return rows[0] ?? null;
  }
}
