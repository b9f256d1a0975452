import type { ResearchSourceKind, SourceSnapshot } from '@omniai/contracts';
import type { DataSource } from 'typeorm';
import type { Row } from './rows';

/** How reading one source of a research run ended. */
export type SourceOutcome = { ok: true; snapshot: SourceSnapshot } | { ok: false; code: string; message: string };

/** A source row: its outcome once there is one, and how many times it was really fetched. */
export interface StoredSource {
  run_id: string;
  source_id: string;
  kind: ResearchSourceKind;
  locator: string;
  title: string;
  outcome: SourceOutcome | null;
  fetches: number;
}

function toStored(r: Row): StoredSource {
  const status = String(r['status']);
  return {
    run_id: String(r['run_id']),
    source_id: String(r['source_id']),
    kind: r['kind'] as ResearchSourceKind,
    locator: String(r['locator']),
    title: String(r['title'] ?? ''),
    outcome:
      status === 'read'
        ? { ok: true, snapshot: r['snapshot'] as SourceSnapshot }
        : status === 'failed'
          ? { ok: false, code: String(r['error_code']), message: String(r['error_message'] ?? '') }
          : null,
    fetches: Number(r['fetches']),
  };
}

/**
 * The sources research runs read (docs/RESEARCH.md): one row per (run, source id). A read claims the row, fetches
 * only when no outcome is recorded yet, and records the outcome; so a retried activity, or a run resumed after its
 * worker died, reads each source once.
 */
export class ResearchSourceStore {
  constructor(private readonly db: DataSource) {}

  /** The recorded outcome, or null after claiming the row for a fetch (counted in `fetches`). */
  async claim(runId: string, sourceId: string, kind: ResearchSourceKind, locator: string, title = ''): Promise<SourceOutcome | null> {
    await this.db.query(
      `insert into research_sources (run_id, source_id, kind, locator, title, status) values ($1, $2, $3, $4, $5, 'reading') on conflict do nothing`,
      [runId, sourceId, kind, locator, title.slice(0, 500)],
    );
    // An UPDATE answers [rows, count] through TypeORM.
    const [rows]: [Row[], number] = await this.db.query(
      `update research_sources set fetches = fetches + (case when status = 'reading' then 1 else 0 end), updated_at = now()
        where run_id = $1 and source_id = $2 returning *`,
      [runId, sourceId],
    );
    return toStored(rows[0]!).outcome;
  }

  /** Records how the read ended (the first outcome recorded wins). */
  async record(runId: string, sourceId: string, outcome: SourceOutcome): Promise<SourceOutcome> {
    const [rows]: [Row[], number] = await this.db.query(
      `update research_sources set status = $3, snapshot = $4, error_code = $5, error_message = $6, updated_at = now()
        where run_id = $1 and source_id = $2 and status = 'reading' returning *`,
      outcome.ok
        ? [runId, sourceId, 'read', JSON.stringify(outcome.snapshot), null, null]
        : [runId, sourceId, 'failed', null, outcome.code, outcome.message.slice(0, 1000)],
    );
    if (rows[0]) return toStored(rows[0]).outcome!;
    const existing = await this.get(runId, sourceId);
    return existing?.outcome ?? outcome;
  }

  async get(runId: string, sourceId: string): Promise<StoredSource | null> {
    const rows: Row[] = await this.db.query(`select * from research_sources where run_id = $1 and source_id = $2`, [runId, sourceId]);
    return rows[0] ? toStored(rows[0]) : null;
  }

  async list(runId: string): Promise<StoredSource[]> {
    const rows: Row[] = await this.db.query(`select * from research_sources where run_id = $1 order by created_at, source_id`, [runId]);
    return rows.map(toStored);
  }
}
