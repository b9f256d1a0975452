import { randomUUID } from 'node:crypto';
import type { OutgoingDelivery, OutgoingHook } from '@omniai/contracts';
import type { DataSource } from 'typeorm';
import { iso, isoOrNull, type Row } from './rows';

/** The owner string an outgoing hook's sealed signing secret is bound to (`SecretBox` associated data). */
export const outgoingHookSecretOwner = (hookId: string) => `outgoing_hooks:${hookId}`;

/** An outgoing hook row with what only the server sees: its sealed secret's id and its deletion mark. */
export interface StoredOutgoingHook extends OutgoingHook {
  secret_id: string;
  deleted: boolean;
}

function toHook(r: Row): StoredOutgoingHook {
  return {
    id: String(r['id']),
    project_id: String(r['project_id']),
    graph_id: (r['graph_id'] as string | null) ?? null,
    thread_id: (r['thread_id'] as string | null) ?? null,
    url: String(r['url']),
    created_by: String(r['created_by']),
    created_at: iso(r['created_at']),
    secret_id: String(r['secret_id']),
    deleted: r['deleted_at'] != null,
  };
}

/** What API answers show of a stored hook (no secret id, no deletion mark). */
export function publicOutgoingHook(h: StoredOutgoingHook): OutgoingHook {
  const { secret_id: _s, deleted: _d, ...rest } = h;
  return rest;
}

function toDelivery(r: Row): OutgoingDelivery {
  return {
    id: String(r['id']),
    hook_id: String(r['hook_id']),
    run_id: String(r['run_id']),
    message_id: String(r['message_id']),
    status: r['status'] as OutgoingDelivery['status'],
    attempts: Number(r['attempts']),
    last_http_status: r['last_http_status'] == null ? null : Number(r['last_http_status']),
    last_error: (r['last_error'] as string | null) ?? null,
    created_at: iso(r['created_at']),
    delivered_at: isoOrNull(r['delivered_at']),
  };
}

/** A hook to create; the id is the caller's (its secret is sealed bound to it before the row exists). */
export interface NewOutgoingHook {
  id: string;
  projectId: string;
  graphId: string | null;
  threadId: string | null;
  url: string;
  secretId: string;
  createdBy: string;
}

/** One attempt's outcome: `pending` while retries remain, then `delivered` or `failed`. */
export interface DeliveryAttempt {
  status: OutgoingDelivery['status'];
  attempt: number;
  httpStatus: number | null;
  /** What went wrong, user-safe (never the secret, never a response body). */
  error: string | null;
}

/**
 * Outgoing run notifications in Postgres (issue 15): the hooks (a URL told when a run of a graph or thread ends) and
 * one delivery row per hook and run, updated on every attempt.
 */
export class OutgoingHookStore {
  constructor(private readonly db: DataSource) {}

  async create(h: NewOutgoingHook): Promise<StoredOutgoingHook> {
    await this.db.query(`insert into outgoing_hooks (id, project_id, graph_id, thread_id, url, secret_id, created_by) values ($1, $2, $3, $4, $5, $6, $7)`, [
      h.id,
      h.projectId,
      h.graphId,
      h.threadId,
      h.url,
      h.secretId,
      h.createdBy,
    ]);
    return (await this.get(h.id))!;
  }

  /** A hook, deleted or not (a delivery in flight of a deleted hook still finishes). */
  async get(id: string): Promise<StoredOutgoingHook | null> {
    const rows: Row[] = await this.db.query(`select * from outgoing_hooks where id = $1`, [id]);
    return rows[0] ? toHook(rows[0]) : null;
  }

  /** A project's live hooks, newest first. */
  async list(projectId: string): Promise<StoredOutgoingHook[]> {
    const rows: Row[] = await this.db.query(`select * from outgoing_hooks where project_id = $1 and deleted_at is null order by created_at desc, id`, [
      projectId,
    ]);
    return rows.map(toHook);
  }

  async softDelete(id: string): Promise<void> {
    await this.db.query(`update outgoing_hooks set deleted_at = now() where id = $1 and deleted_at is null`, [id]);
  }

  /** Deletes a graph's live hooks (the graph was deleted); answers how many. */
  async softDeleteForGraph(graphId: string): Promise<number> {
    const [, count]: [Row[], number] = await this.db.query(`update outgoing_hooks set deleted_at = now() where graph_id = $1 and deleted_at is null`, [
      graphId,
    ]);
    return count;
  }

  /** The live hooks told when this run ends: those of its graph or of its thread (oldest first). */
  async listForRun(runId: string): Promise<StoredOutgoingHook[]> {
    const rows: Row[] = await this.db.query(
      `select h.* from runs r
       join outgoing_hooks h on h.deleted_at is null and h.project_id = r.project_id
         and ((r.graph_id is not null and h.graph_id = r.graph_id) or (r.thread_id is not null and h.thread_id = r.thread_id))
       where r.id = $1
       order by h.created_at, h.id`,
      [runId],
    );
    return rows.map(toHook);
  }

  /** Every hook's sealed secret with its owner (for key rotation), deleted hooks included. */
  async ownedSecrets(): Promise<Array<{ id: string; owner: string }>> {
    const rows: Row[] = await this.db.query(`select id, secret_id from outgoing_hooks`);
    return rows.map((r) => ({ id: String(r['secret_id']), owner: outgoingHookSecretOwner(String(r['id'])) }));
  }

  /** The delivery of a run to a hook, created `pending` the first time (one per hook and run). */
  async openDelivery(hookId: string, runId: string, messageId: string): Promise<OutgoingDelivery> {
    await this.db.query(
      `insert into outgoing_deliveries (id, hook_id, run_id, message_id, status) values ($1, $2, $3, $4, 'pending') on conflict (hook_id, run_id) do nothing`,
      [randomUUID(), hookId, runId, messageId],
    );
    const rows: Row[] = await this.db.query(`select * from outgoing_deliveries where hook_id = $1 and run_id = $2`, [hookId, runId]);
    return toDelivery(rows[0]!);
  }

  /**
   * Records one attempt. Attempts only grow (a late report of an earlier attempt changes nothing), and a delivery
   * that ended (`delivered` / `failed`) stays as it ended.
   */
  async recordAttempt(hookId: string, runId: string, a: DeliveryAttempt): Promise<OutgoingDelivery | null> {
    // TypeORM answers UPDATE … RETURNING with [rows, affectedCount].
    const [rows]: [Row[], number] = await this.db.query(
      `update outgoing_deliveries set
         status = $3, attempts = $4, last_http_status = $5, last_error = $6,
         delivered_at = case when $3 = 'delivered' then now() else delivered_at end
       where hook_id = $1 and run_id = $2 and status = 'pending' and attempts <= $4
       returning *`,
      [hookId, runId, a.status, a.attempt, a.httpStatus, a.error === null ? null : a.error.slice(0, 500)],
    );
    return rows[0] ? toDelivery(rows[0]) : null;
  }

  /** Marks a delivery that will not be tried again `failed` (keeping its last attempt's answer). */
  async fail(hookId: string, runId: string, error: string | null): Promise<void> {
    await this.db.query(
      `update outgoing_deliveries set status = 'failed', last_error = coalesce($3, last_error) where hook_id = $1 and run_id = $2 and status = 'pending'`,
      [hookId, runId, error === null ? null : error.slice(0, 500)],
    );
  }

  async getDelivery(hookId: string, runId: string): Promise<OutgoingDelivery | null> {
    const rows: Row[] = await this.db.query(`select * from outgoing_deliveries where hook_id = $1 and run_id = $2`, [hookId, runId]);
    return rows[0] ? toDelivery(rows[0]) : null;
  }

  /** A hook's deliveries, newest first. */
  async listDeliveries(hookId: string, limit = 200): Promise<OutgoingDelivery[]> {
    const rows: Row[] = await this.db.query(`select * from outgoing_deliveries where hook_id = $1 order by created_at desc, id limit $2`, [hookId, limit]);
    return rows.map(toDelivery);
  }
}
