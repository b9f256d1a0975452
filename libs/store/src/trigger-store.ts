import { randomUUID } from 'node:crypto';
import type {
  DeliveryRejection,
  SchedulePolicies,
  ScheduleSpec,
  Trigger,
  TriggerKind,
  TriggersQuery,
  TriggerTarget,
  WebhookDelivery,
  WebhookSettings,
} from '@omniai/contracts';
import type { DataSource } from 'typeorm';
import { iso, isoOrNull, type Row } from './rows';

/** The owner string a trigger's sealed secrets are bound to (`SecretBox` associated data). */
export const triggerSecretOwner = (triggerId: string) => `triggers:${triggerId}`;

/** A trigger row with what only the server sees: its sealed secrets' ids. */
export interface StoredTrigger extends Trigger {
  secret_id: string | null;
  previous_secret_id: string | null;
  previous_secret_expires_at: string | null;
  deleted: boolean;
}

function toTrigger(r: Row): StoredTrigger {
  const kind = r['kind'] as TriggerKind;
  return {
    id: String(r['id']),
    project_id: String(r['project_id']),
    name: String(r['name']),
    kind,
    target: r['target'] as TriggerTarget,
    schedule: (r['schedule'] as ScheduleSpec | null) ?? null,
    policies: (r['policies'] as SchedulePolicies | null) ?? null,
    webhook: (r['webhook'] as WebhookSettings | null) ?? null,
    hook_path: kind === 'webhook' ? `/v1/hooks/${String(r['id'])}` : null,
    paused: Boolean(r['paused']),
    note: (r['note'] as string | null) ?? null,
    created_by: String(r['created_by']),
    created_at: iso(r['created_at']),
    updated_at: iso(r['updated_at']),
    last_run:
      r['last_run_id'] != null ? { id: String(r['last_run_id']), status: String(r['last_run_status']), created_at: iso(r['last_run_created_at']) } : null,
    secret_id: (r['secret_id'] as string | null) ?? null,
    previous_secret_id: (r['previous_secret_id'] as string | null) ?? null,
    previous_secret_expires_at: isoOrNull(r['previous_secret_expires_at']),
    deleted: r['deleted_at'] != null,
  };
}

/** What API answers show of a stored trigger (no secret ids, no deletion mark). */
export function publicTrigger(t: StoredTrigger): Trigger {
  const { secret_id: _s, previous_secret_id: _p, previous_secret_expires_at: _e, deleted: _d, ...rest } = t;
  return rest;
}

function toDelivery(r: Row): WebhookDelivery {
  return {
    id: String(r['id']),
    trigger_id: String(r['trigger_id']),
    webhook_id: (r['webhook_id'] as string | null) ?? null,
    status: r['status'] as WebhookDelivery['status'],
    reason: (r['reason'] as DeliveryRejection | null) ?? null,
    detail: (r['detail'] as string | null) ?? null,
    http_status: Number(r['http_status']),
    body_bytes: Number(r['body_bytes']),
    body_sha256: String(r['body_sha256']),
    run_id: (r['run_id'] as string | null) ?? null,
    received_at: iso(r['received_at']),
  };
}

const TRIGGER_SELECT = `
  select t.*, lr.id as last_run_id, lr.status as last_run_status, lr.created_at as last_run_created_at
  from triggers t
  left join lateral (select id, status, created_at from runs where trigger_id = t.id order by created_at desc limit 1) lr on true`;

/** A trigger to create; the id is the caller's (a schedule's Temporal id is derived from it before the row exists). */
export interface NewTrigger {
  id: string;
  projectId: string;
  name: string;
  kind: TriggerKind;
  target: TriggerTarget;
  schedule: ScheduleSpec | null;
  policies: SchedulePolicies | null;
  webhook: WebhookSettings | null;
  secretId: string | null;
  paused: boolean;
  createdBy: string;
}

/** A delivery to log. */
export interface NewDelivery {
  triggerId: string;
  webhookId: string | null;
  status: WebhookDelivery['status'];
  reason: DeliveryRejection | null;
  detail: string | null;
  httpStatus: number;
  bodyBytes: number;
  bodySha256: string;
  runId: string | null;
}

/**
 * Triggers in Postgres: ownership, project, target and settings. A schedule's live state (next fires, recent actions,
 * paused or not as Temporal sees it) is Temporal's; this row keeps what the operator last saved, for lists and audit.
 */
export class TriggerStore {
  constructor(private readonly db: DataSource) {}

  async create(t: NewTrigger): Promise<StoredTrigger> {
    const target = t.target;
    await this.db.query(
      `insert into triggers (id, project_id, name, kind, target, graph_id, thread_id, schedule, policies, webhook, secret_id, paused, created_by)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
      [
        t.id,
        t.projectId,
        t.name,
        t.kind,
        JSON.stringify(target),
        target.kind === 'graph' ? target.graph_id : null,
        target.kind === 'agent' ? target.thread_id : null,
        t.schedule ? JSON.stringify(t.schedule) : null,
        t.policies ? JSON.stringify(t.policies) : null,
        t.webhook ? JSON.stringify(t.webhook) : null,
        t.secretId,
        t.paused,
        t.createdBy,
      ],
    );
    return (await this.get(t.id))!;
  }

  /** A trigger, deleted or not (a fire of a deleted trigger must learn that it is). */
  async get(id: string): Promise<StoredTrigger | null> {
    const rows: Row[] = await this.db.query(`${TRIGGER_SELECT} where t.id = $1`, [id]);
    return rows[0] ? toTrigger(rows[0]) : null;
  }

  async list(projectId: string, q: TriggersQuery = {}): Promise<StoredTrigger[]> {
    const rows: Row[] = await this.db.query(
      `${TRIGGER_SELECT}
       where t.project_id = $1 and t.deleted_at is null
         and ($2::uuid is null or t.graph_id = $2) and ($3::uuid is null or t.thread_id = $3) and ($4::text is null or t.kind = $4)
       order by t.created_at desc`,
      [projectId, q.graph_id ?? null, q.thread_id ?? null, q.kind ?? null],
    );
    return rows.map(toTrigger);
  }

  /** Live triggers of a graph (deleting the graph pauses and removes them). */
  async listForGraph(graphId: string): Promise<StoredTrigger[]> {
    const rows: Row[] = await this.db.query(`${TRIGGER_SELECT} where t.graph_id = $1 and t.deleted_at is null order by t.created_at`, [graphId]);
    return rows.map(toTrigger);
  }

  /** Replaces what may change; the target's graph/thread columns follow the target. */
  async update(
    id: string,
    change: { name?: string; target?: TriggerTarget; schedule?: ScheduleSpec; policies?: SchedulePolicies; webhook?: WebhookSettings },
  ): Promise<StoredTrigger> {
    const t = change.target;
    await this.db.query(
      `update triggers set
         name = coalesce($2, name),
         target = coalesce($3::jsonb, target),
         graph_id = case when $3::jsonb is null then graph_id else $4::uuid end,
         thread_id = case when $3::jsonb is null then thread_id else $5::uuid end,
         schedule = coalesce($6::jsonb, schedule),
         policies = coalesce($7::jsonb, policies),
         webhook = coalesce($8::jsonb, webhook),
         updated_at = now()
       where id = $1`,
      [
        id,
        change.name ?? null,
        t ? JSON.stringify(t) : null,
        t?.kind === 'graph' ? t.graph_id : null,
        t?.kind === 'agent' ? t.thread_id : null,
        change.schedule ? JSON.stringify(change.schedule) : null,
        change.policies ? JSON.stringify(change.policies) : null,
        change.webhook ? JSON.stringify(change.webhook) : null,
      ],
    );
    return (await this.get(id))!;
  }

  async setPaused(id: string, paused: boolean, note: string | null): Promise<StoredTrigger> {
    await this.db.query(`update triggers set paused = $2, note = $3, updated_at = now() where id = $1`, [id, paused, note]);
    return (await this.get(id))!;
  }

  async softDelete(id: string): Promise<void> {
    await this.db.query(`update triggers set deleted_at = now(), paused = true, updated_at = now() where id = $1 and deleted_at is null`, [id]);
  }

  /** A new signing secret; the current one becomes the previous, valid until `previousExpiresAt`. */
  async rotateSecret(id: string, secretId: string, previousExpiresAt: Date): Promise<StoredTrigger> {
    await this.db.query(
      `update triggers set previous_secret_id = secret_id, previous_secret_expires_at = $3, secret_id = $2, updated_at = now() where id = $1`,
      [id, secretId, previousExpiresAt],
    );
    return (await this.get(id))!;
  }

  /** Every sealed secret of every trigger with its owner (for key rotation). */
  async ownedSecrets(): Promise<Array<{ id: string; owner: string }>> {
    const rows: Row[] = await this.db.query(`select id, secret_id, previous_secret_id from triggers`);
    return rows.flatMap((r) =>
      [r['secret_id'], r['previous_secret_id']]
        .filter((s): s is string => typeof s === 'string')
        .map((s) => ({ id: s, owner: triggerSecretOwner(String(r['id'])) })),
    );
  }

  async recordDelivery(d: NewDelivery): Promise<WebhookDelivery> {
    const rows: Row[] = await this.db.query(
      `insert into webhook_deliveries (id, trigger_id, webhook_id, status, reason, detail, http_status, body_bytes, body_sha256, run_id)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) returning *`,
      [randomUUID(), d.triggerId, d.webhookId, d.status, d.reason, d.detail, d.httpStatus, d.bodyBytes, d.bodySha256, d.runId],
    );
    return toDelivery(rows[0]!);
  }

  async listDeliveries(triggerId: string, limit = 200): Promise<WebhookDelivery[]> {
    const rows: Row[] = await this.db.query(`select * from webhook_deliveries where trigger_id = $1 order by received_at desc limit $2`, [triggerId, limit]);
    return rows.map(toDelivery);
  }

  /**
   * Counts one delivery in the hook's current one-minute window (shared by every API process) and answers the count
   * so far, with the seconds until the window ends.
   */
  async countInWindow(triggerId: string, now = new Date()): Promise<{ count: number; retryAfterSeconds: number }> {
    const windowStart = new Date(Math.floor(now.getTime() / 60_000) * 60_000);
    const rows: Row[] = await this.db.query(
      `insert into webhook_rate_windows (trigger_id, window_start, count) values ($1, $2, 1)
       on conflict (trigger_id, window_start) do update set count = webhook_rate_windows.count + 1 returning count`,
      [triggerId, windowStart],
    );
    return { count: Number(rows[0]!['count']), retryAfterSeconds: Math.max(1, Math.ceil((windowStart.getTime() + 60_000 - now.getTime()) / 1000)) };
  }
}
