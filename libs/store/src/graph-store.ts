import { createHash, randomUUID } from 'node:crypto';
import { TERMINAL_RUN_STATUSES } from '@omniai/contracts';
import type { Graph, GraphDetail, GraphSpec, GraphVersion, GraphVersionSummary } from '@omniai/contracts';
import { canonicalSpec } from '@omniai/graphs';
import type { DataSource, EntityManager } from 'typeorm';
import { iso, type Row } from './rows';

/** The content hash of a spec: sha256 of its canonical JSON (what a run pins and what identifies equal versions). */
export function graphSpecHash(spec: GraphSpec): string {
  return createHash('sha256').update(canonicalSpec(spec)).digest('hex');
}

function toGraph(r: Row): Graph {
  return {
    id: String(r['id']),
    project_id: String(r['project_id']),
    name: String(r['name']),
    description: String(r['description']),
    latest_version: Number(r['latest_version']),
    created_by: String(r['created_by']),
    created_at: iso(r['created_at']),
    updated_at: iso(r['updated_at']),
    last_run:
      r['last_run_id'] != null ? { id: String(r['last_run_id']), status: String(r['last_run_status']), created_at: iso(r['last_run_created_at']) } : null,
  };
}

function toSummary(r: Row): GraphVersionSummary {
  return {
    graph_id: String(r['graph_id']),
    version: Number(r['version']),
    spec_hash: String(r['spec_hash']),
    note: String(r['note']),
    created_by: String(r['created_by']),
    created_at: iso(r['created_at']),
  };
}

const toVersion = (r: Row): GraphVersion => ({ ...toSummary(r), spec: r['spec'] as GraphSpec });

/** A graph with its latest run (of any version), as lists show it. */
const GRAPH_SELECT = `
  select g.*, lr.id as last_run_id, lr.status as last_run_status, lr.created_at as last_run_created_at
  from graphs g
  left join lateral (select id, status, created_at from runs where graph_id = g.id order by created_at desc limit 1) lr on true`;

/** Why a graph change was refused. */
export class GraphStoreError extends Error {
  constructor(
    readonly kind: 'not_found' | 'active_runs',
    message: string,
  ) {
    super(message);
  }
}

/** What a new version (or a new graph's first) is made of; the hash is computed here, never taken from a caller. */
export interface NewGraphVersion {
  spec: GraphSpec;
  note: string;
  createdBy: string;
}

/**
 * Graphs and their immutable versions (`graph_versions` refuses updates by trigger). A graph starts at version 1; each
 * save adds version n+1 — except a save whose spec is identical (same canonical hash) to the latest version, which
 * answers that version and adds nothing (a double-clicked save is one version; an older spec saved again is a new
 * version: history stays linear). A graph with runs is never removed: deleting hides it (`deleted_at`), and is
 * refused while one of its runs has not ended.
 */
export class GraphStore {
  constructor(private readonly db: DataSource) {}

  async create(projectId: string, v: NewGraphVersion): Promise<GraphDetail> {
    return this.db.transaction(async (tx) => {
      const id = randomUUID();
      await tx.query(`insert into graphs (id, project_id, name, description, latest_version, created_by) values ($1, $2, $3, $4, 1, $5)`, [
        id,
        projectId,
        v.spec.name,
        v.spec.description ?? '',
        v.createdBy,
      ]);
      const version = await this.insertVersion(tx, id, 1, v);
      return { graph: (await this.graphIn(tx, id))!, version };
    });
  }

  /** Adds version n+1 (or answers the latest when the spec is the same); `created: false` in that case. */
  async addVersion(graphId: string, v: NewGraphVersion): Promise<{ version: GraphVersion; created: boolean }> {
    return this.db.transaction(async (tx) => {
      // The row lock orders concurrent saves of one graph: each gets its own next number.
      const [g]: Row[] = await tx.query(`select latest_version from graphs where id = $1 and deleted_at is null for update`, [graphId]);
      if (!g) throw new GraphStoreError('not_found', `No graph ${graphId}.`);
      const latest = Number(g['latest_version']);
      const [current]: Row[] = await tx.query(`select * from graph_versions where graph_id = $1 and version = $2`, [graphId, latest]);
      if (current && current['spec_hash'] === graphSpecHash(v.spec)) return { version: toVersion(current), created: false };
      const next = latest + 1;
      await tx.query(`update graphs set latest_version = $2, name = $3, description = $4, updated_at = now() where id = $1`, [
        graphId,
        next,
        v.spec.name,
        v.spec.description ?? '',
      ]);
      return { version: await this.insertVersion(tx, graphId, next, v), created: true };
    });
  }

  /** A project's graphs (not deleted), most recently changed first, each with its latest run. */
  async list(projectId: string, limit = 200): Promise<Graph[]> {
    const rows: Row[] = await this.db.query(`${GRAPH_SELECT} where g.project_id = $1 and g.deleted_at is null order by g.updated_at desc limit $2`, [
      projectId,
      limit,
    ]);
    return rows.map(toGraph);
  }

  /** A graph that is not deleted, or null. */
  async get(graphId: string): Promise<Graph | null> {
    return this.graphIn(this.db.manager, graphId);
  }

  async getVersion(graphId: string, version: number): Promise<GraphVersion | null> {
    const [row]: Row[] = await this.db.query(`select * from graph_versions where graph_id = $1 and version = $2`, [graphId, version]);
    return row ? toVersion(row) : null;
  }

  /** Versions, newest first, without their specs. */
  async versions(graphId: string): Promise<GraphVersionSummary[]> {
    const rows: Row[] = await this.db.query(
      `select graph_id, version, spec_hash, note, created_by, created_at from graph_versions where graph_id = $1 order by version desc`,
      [graphId],
    );
    return rows.map(toSummary);
  }

  /**
   * Hides the graph; refused (`active_runs`) while one of its runs has not ended. The row lock makes a run that starts
   * meanwhile either count here or be refused by {@link RunStore.createGraphRun}.
   */
  async delete(graphId: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      const [g]: Row[] = await tx.query(`select id from graphs where id = $1 and deleted_at is null for update`, [graphId]);
      if (!g) throw new GraphStoreError('not_found', `No graph ${graphId}.`);
      const [active]: Row[] = await tx.query(`select count(*)::int as n from runs where graph_id = $1 and not (status = any($2))`, [
        graphId,
        [...TERMINAL_RUN_STATUSES],
      ]);
      const n = Number(active?.['n'] ?? 0);
      if (n > 0) throw new GraphStoreError('active_runs', `Graph ${graphId} has ${n} run(s) that have not ended; cancel them or wait, then delete.`);
      await tx.query(`update graphs set deleted_at = now(), updated_at = now() where id = $1`, [graphId]);
    });
  }

  private async graphIn(tx: EntityManager, graphId: string): Promise<Graph | null> {
    const [row]: Row[] = await tx.query(`${GRAPH_SELECT} where g.id = $1 and g.deleted_at is null`, [graphId]);
    return row ? toGraph(row) : null;
  }

  private async insertVersion(tx: EntityManager, graphId: string, version: number, v: NewGraphVersion): Promise<GraphVersion> {
    const [row]: Row[] = await tx.query(
      `insert into graph_versions (graph_id, version, spec_hash, spec, note, created_by) values ($1, $2, $3, $4, $5, $6) returning *`,
      [graphId, version, graphSpecHash(v.spec), JSON.stringify(v.spec), v.note, v.createdBy],
    );
    return toVersion(row!);
  }
}
