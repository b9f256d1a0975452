import type { Approval, ApprovalDecisionEntry, ApprovalsQuery, ApprovalStatus, RecordedApprovalDecision, ReviewedArguments, RunEvent } from '@omniai/contracts';
import type { DataSource, EntityManager } from 'typeorm';
import { iso, isoOrNull, type Row } from './rows';

function toApproval(r: Row): Approval {
  return {
    id: String(r['id']),
    run_id: String(r['run_id']),
    project_id: String(r['project_id']),
    call_id: String(r['call_id']),
    tool_id: String(r['tool_id']),
    tool_version: String(r['tool_version']),
    manifest_hash: String(r['manifest_hash']),
    arguments_hash: String(r['arguments_hash']),
    arguments_redacted: r['arguments_redacted'],
    risk: r['risk'] as Approval['risk'],
    reason_code: String(r['reason_code']),
    requested_by: r['requested_by'] as Approval['requested_by'],
    status: r['status'] as ApprovalStatus,
    decided_by: (r['decided_by'] as string | null) ?? null,
    decision_reason: (r['decision_reason'] as string | null) ?? null,
    requested_at: iso(r['requested_at']),
    expires_at: iso(r['expires_at']),
    decided_at: isoOrNull(r['decided_at']),
  };
}

/**
 * Approvals: a projection of the runs' `approval_requested` / `approval_decided` events (the workflow's word is
 * final), plus the API's atomic claim so that exactly one decide call wins, and an append-only log of every call.
 */
export class ApprovalStore {
  constructor(private readonly db: DataSource) {}

  /** Called by the run projection, inside the append transaction. */
  static async project(tx: EntityManager, runId: string, event: RunEvent): Promise<void> {
    if (event.kind === 'run_cancelled' || event.kind === 'run_failed' || event.kind === 'run_completed') {
      // A run that ends closes what still waits for a reviewer: nobody can decide for a run that is gone.
      await tx.query(`update approvals set status = $2, decided_at = coalesce(decided_at, $3) where run_id = $1 and status = 'pending'`, [
        runId,
        event.kind === 'run_cancelled' ? 'cancelled' : 'expired',
        event.ts,
      ]);
      return;
    }
    if (event.kind !== 'system_event') return;
    if (event.payload.type === 'approval_requested') {
      const d = event.payload.data;
      await tx.query(
        `insert into approvals (id, run_id, project_id, call_id, tool_id, tool_version, manifest_hash, arguments_hash,
           arguments_redacted, risk, reason_code, requested_by, status, requested_at, expires_at)
         select $1, $2, r.project_id, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'pending', $12, $13 from runs r where r.id = $2
         on conflict (id) do nothing`,
        [
          d.approval_id,
          runId,
          d.call_id,
          d.tool_id,
          d.tool_version,
          d.manifest_hash,
          d.arguments_hash,
          JSON.stringify(d.arguments_redacted ?? null),
          JSON.stringify(d.risk),
          d.reason_code,
          JSON.stringify(d.requested_by),
          event.ts,
          d.expires_at,
        ],
      );
    } else if (event.payload.type === 'approval_decided') {
      const d = event.payload.data;
      await tx.query(
        `update approvals set status = $2, decided_by = coalesce($3, decided_by), decision_reason = coalesce($4, decision_reason),
           decided_at = coalesce(decided_at, $5) where id = $1`,
        [d.approval_id, d.status, d.decided_by, d.reason, event.ts],
      );
    }
  }

  async get(id: string): Promise<Approval | null> {
    const [row]: Row[] = await this.db.query(`select * from approvals where id = $1`, [id]);
    return row ? toApproval(row) : null;
  }

  /** Approvals matching `q`, newest first; `visible` limits them to these projects ('all': no limit). */
  async list(q: ApprovalsQuery, visible: 'all' | string[] = 'all'): Promise<Approval[]> {
    const rows: Row[] = await this.db.query(
      `select * from approvals where ($1::text is null or status = $1) and ($2::uuid is null or project_id = $2)
         and ($3::uuid is null or run_id = $3) and ($5::uuid[] is null or project_id = any($5))
       order by requested_at desc limit $4`,
      [q.status ?? null, q.project_id ?? null, q.run_id ?? null, q.limit, visible === 'all' ? null : visible],
    );
    return rows.map(toApproval);
  }

  /** Atomically takes the decision if the approval is still pending; null when someone decided first. */
  async claim(id: string, status: 'approved' | 'denied', decidedBy: string, reason: string | null, form?: unknown): Promise<Approval | null> {
    // `form`: an approval node's reviewer input (already validated against the node's form_schema by the API).
    const [rows]: [Row[], number] = await this.db.query(
      `update approvals set status = $2, decided_by = $3, decision_reason = $4, decided_at = now(), form = $5
       where id = $1 and status = 'pending' returning *`,
      [id, status, decidedBy, reason, form === undefined ? null : JSON.stringify(form)],
    );
    return rows[0] ? toApproval(rows[0]) : null;
  }

  /**
   * The final decision the API took after its checks (its claim on the pending row: after N of M, never a counted
   * approval alone); null while there is none. Deciders are users (the API decides as the signed-in user).
   */
  async recordedDecision(id: string): Promise<RecordedApprovalDecision | null> {
    const [r]: Row[] = await this.db.query(
      `select status, decided_by, decision_reason, arguments_hash, form from approvals where id = $1 and status in ('approved', 'denied') and decided_by is not null`,
      [id],
    );
    if (!r) return null;
    return {
      status: r['status'] as RecordedApprovalDecision['status'],
      decided_by: { type: 'user', id: String(r['decided_by']) },
      reason: (r['decision_reason'] as string | null) ?? null,
      arguments_hash: String(r['arguments_hash']),
      ...(r['form'] != null ? { form: r['form'] as NonNullable<RecordedApprovalDecision['form']> } : {}),
    };
  }

  /**
   * Undoes a claim whose signal could not be delivered, so that the decision can be made again; unless the run has
   * ended meanwhile, which closes the approval as its terminal event would have (see `project`).
   */
  async unclaim(id: string): Promise<void> {
    await this.db.query(
      `update approvals a set
         status = case r.status when 'cancelled' then 'cancelled' when 'failed' then 'expired' when 'completed' then 'expired' else 'pending' end,
         decided_by = null, decision_reason = null, form = null, decided_at = case when r.status in ('cancelled', 'failed', 'completed') then now() end
       from runs r where a.id = $1 and r.id = a.run_id`,
      [id],
    );
  }

  /** The distinct reviewers whose approvals were counted towards a rule needing several. */
  async countedApprovers(id: string): Promise<string[]> {
    const rows: Array<{ decided_by: string }> = await this.db.query(
      `select distinct decided_by from approval_decisions where approval_id = $1 and decision = 'approve' and outcome = 'counted' order by decided_by`,
      [id],
    );
    return rows.map((r) => r.decided_by);
  }

  /** Every decide call, whatever came of it (append-only). */
  async record(entry: {
    approvalId: string;
    decision: 'approve' | 'deny';
    reason: string | null;
    decidedBy: string;
    argumentsHash: string;
    outcome: 'applied' | 'counted' | 'no_op' | 'refused';
  }): Promise<void> {
    await this.db.query(`insert into approval_decisions (approval_id, decision, reason, decided_by, arguments_hash, outcome) values ($1, $2, $3, $4, $5, $6)`, [
      entry.approvalId,
      entry.decision,
      entry.reason,
      entry.decidedBy,
      entry.argumentsHash,
      entry.outcome,
    ]);
  }

  /**
   * The full arguments of the approval's call, as its `tool_call` event holds them (the `approval_requested` event is
   * caused by it); null when there is no such event.
   */
  async reviewedArguments(id: string): Promise<ReviewedArguments | null> {
    const rows: Array<{ arguments: ReviewedArguments | null }> = await this.db.query(
      // A tool call's arguments are on its tool_call event; an approval node's on its node_started event (a NodeValue:
      // inline, or an artifact with a preview, of which the reviewer needs the reference).
      `select case when c.kind = 'tool_call' then c.payload->'arguments'
                   when c.payload->'input' ? 'inline' then jsonb_build_object('inline', c.payload->'input'->'inline')
                   else jsonb_build_object('artifact', c.payload->'input'->'artifact') end as arguments
         from approvals a
         join run_events r on r.run_id = a.run_id and r.kind = 'system_event' and r.payload->>'type' = 'approval_requested'
           and r.payload->'data'->>'approval_id' = a.id
         join run_events c on c.run_id = r.run_id and c.event_id = r.causation_id and c.kind in ('tool_call', 'node_started')
        where a.id = $1
        limit 1`,
      [id],
    );
    return rows[0]?.arguments ?? null;
  }

  async decisions(id: string): Promise<ApprovalDecisionEntry[]> {
    const rows: Row[] = await this.db.query(`select decision, outcome, decided_by, at from approval_decisions where approval_id = $1 order by id`, [id]);
    return rows.map((r) => ({ decision: String(r['decision']), outcome: String(r['outcome']), decided_by: String(r['decided_by']), at: iso(r['at']) }));
  }
}
