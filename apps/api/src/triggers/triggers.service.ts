import { randomUUID } from 'node:crypto';
import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import type {
  BackfillRequest,
  CreatedTrigger,
  CreateTriggerRequest,
  Run,
  Actor as RunEventActor,
  SchedulePreview,
  SchedulePreviewRequest,
  Trigger,
  TriggerDetail,
  TriggerFired,
  TriggersQuery,
  TriggerTarget,
  UpdateTriggerRequest,
} from '@omniai/contracts';
import { GraphStore, publicTrigger, RunStore, type StoredTrigger, TriggerStore } from '@omniai/store';
import { ApiException } from '../errors/api.exception';
import { GraphDeletion } from '../graphs/graph-deletion';
import { SchedulesService } from './schedules.service';
import { requireInProject } from './target-project';
import { WebhookTriggers } from './webhook-triggers.service';

/**
 * Trigger CRUD and a schedule's controls. A schedule is created in Temporal first, then its row (the row is what lists
 * and ownership read); a row that cannot be written removes the schedule again, so neither exists without the other.
 * A webhook is created by WebhookTriggers (with its signing secret).
 */
@Injectable()
export class TriggersService implements OnModuleInit {
  private readonly logger = new Logger(TriggersService.name);

  constructor(
    private readonly triggers: TriggerStore,
    private readonly schedules: SchedulesService,
    private readonly runs: RunStore,
    private readonly graphs: GraphStore,
    private readonly webhooks: WebhookTriggers,
    private readonly graphDeletion: GraphDeletion,
  ) {}

  onModuleInit(): void {
    this.graphDeletion.register((graphId, name) => this.pauseForGraphDeletion(graphId, name));
  }

  async list(projectId: string, q: TriggersQuery): Promise<{ items: Trigger[] }> {
    await this.project(projectId);
    return { items: (await this.triggers.list(projectId, q)).map(publicTrigger) };
  }

  async create(projectId: string, body: CreateTriggerRequest, by: RunEventActor): Promise<CreatedTrigger> {
    await this.project(projectId);
    await this.checkTarget(projectId, body.target);
    if (body.kind === 'webhook') return this.webhooks.create(projectId, body, by.id);
    const id = randomUUID();
    await this.schedules.create({ triggerId: id, spec: body.schedule, policies: body.policies, paused: body.paused });
    try {
      const row = await this.triggers.create({
        id,
        projectId,
        name: body.name,
        kind: 'schedule',
        target: body.target,
        schedule: body.schedule,
        policies: body.policies,
        webhook: null,
        secretId: null,
        paused: body.paused,
        createdBy: by.id,
      });
      return { trigger: publicTrigger(row), secret: null };
    } catch (err) {
      await this.schedules.delete(id).catch(() => undefined);
      throw err;
    }
  }

  async get(triggerId: string): Promise<TriggerDetail> {
    const t = await this.trigger(triggerId);
    let schedule_state: TriggerDetail['schedule_state'] = null;
    if (t.kind === 'schedule') {
      try {
        schedule_state = await this.schedules.describe(t.id, t.schedule?.cron ?? [], async (runId) => (await this.runs.getRun(runId))?.status ?? null);
      } catch (err) {
        // The row is still worth answering while Temporal is unreachable (the contract: null state).
        if (!(err instanceof ApiException && err.code === 'E_DEPENDENCY_UNAVAILABLE')) throw err;
      }
    }
    // Temporal is the truth of a schedule's paused state: it pauses one itself when a run fails under pause_on_failure.
    // The row follows, so lists show it too.
    if (schedule_state && schedule_state.paused !== t.paused) {
      return { ...publicTrigger(await this.triggers.setPaused(t.id, schedule_state.paused, schedule_state.note)), schedule_state };
    }
    return { ...publicTrigger(t), schedule_state };
  }

  /** Changes what may change; a schedule's spec or policies change in Temporal first (a refused spec changes nothing). */
  async update(triggerId: string, body: UpdateTriggerRequest): Promise<Trigger> {
    const t = await this.trigger(triggerId);
    const otherKind = t.kind === 'schedule' ? (body.webhook ? 'webhook' : null) : body.schedule ? 'schedule' : body.policies ? 'policies' : null;
    if (otherKind) {
      throw new ApiException('E_VALIDATION', `A ${t.kind} trigger has no ${otherKind} settings.`, [
        { path: otherKind, message: `not a setting of a ${t.kind}` },
      ]);
    }
    if (body.target) await this.checkTarget(t.project_id, body.target);
    if (t.kind === 'schedule' && (body.schedule || body.policies)) {
      await this.schedules.update(t.id, body.schedule ?? t.schedule!, body.policies ?? t.policies!);
    }
    return publicTrigger(await this.triggers.update(t.id, body));
  }

  async backfill(triggerId: string, body: BackfillRequest): Promise<TriggerFired> {
    const t = await this.schedule(triggerId);
    const requested_at = new Date().toISOString();
    await this.schedules.backfill(t.id, new Date(body.start_at), new Date(body.end_at), body.overlap);
    return { trigger_id: t.id, requested_at };
  }

  async preview(projectId: string, body: SchedulePreviewRequest): Promise<SchedulePreview> {
    await this.project(projectId);
    return this.schedules.preview(body.schedule);
  }

  /**
   * Before a graph is deleted: its live triggers are paused (noted), so none fires while it goes. Answers what to do
   * after: `removed` deletes the triggers (schedules leave Temporal), `kept` restores the ones that were running.
   */
  async pauseForGraphDeletion(graphId: string, graphName: string): Promise<{ removed(): Promise<void>; kept(): Promise<void> }> {
    const live = await this.triggers.listForGraph(graphId);
    const note = `The graph "${graphName}" was deleted, so this trigger was paused and removed.`;
    const wasRunning = live.filter((t) => !t.paused);
    for (const t of wasRunning) {
      if (t.kind === 'schedule') await this.schedules.pause(t.id, note);
      await this.triggers.setPaused(t.id, true, note);
    }
    return {
      removed: async () => {
        for (const t of live) {
          // The graph is gone either way: a schedule Temporal could not remove now stays paused, and its fires (if
          // unpaused by hand) are refused because the graph is deleted.
          if (t.kind === 'schedule')
            await this.schedules.delete(t.id).catch((err: unknown) => this.logger.warn(`trigger ${t.id}: removing the schedule failed: ${String(err)}`));
          await this.triggers.setPaused(t.id, true, note);
          await this.triggers.softDelete(t.id);
        }
      },
      kept: async () => {
        for (const t of wasRunning) {
          if (t.kind === 'schedule') await this.schedules.unpause(t.id, t.note ?? undefined).catch(() => undefined);
          await this.triggers.setPaused(t.id, false, t.note);
        }
      },
    };
  }

  async delete(triggerId: string): Promise<void> {
    const t = await this.trigger(triggerId);
    if (t.kind === 'schedule') await this.schedules.delete(t.id);
    await this.triggers.softDelete(t.id);
  }

  async setPaused(triggerId: string, paused: boolean, note: string | undefined): Promise<Trigger> {
    const t = await this.trigger(triggerId);
    if (t.kind === 'schedule') await (paused ? this.schedules.pause(t.id, note) : this.schedules.unpause(t.id, note));
    return publicTrigger(await this.triggers.setPaused(t.id, paused, note ?? null));
  }

  async fire(triggerId: string): Promise<TriggerFired> {
    const t = await this.schedule(triggerId);
    const requested_at = new Date().toISOString();
    await this.schedules.trigger(t.id, t.policies?.overlap ?? 'skip');
    return { trigger_id: t.id, requested_at };
  }

  async listRuns(triggerId: string): Promise<{ items: Run[] }> {
    const t = await this.trigger(triggerId);
    return { items: await this.runs.listTriggerRuns(t.id) };
  }

  private checkTarget(projectId: string, target: TriggerTarget): Promise<void> {
    return target.kind === 'graph'
      ? requireInProject({ graphs: this.graphs, runs: this.runs }, projectId, { graphId: target.graph_id }, 'target.graph_id')
      : requireInProject({ graphs: this.graphs, runs: this.runs }, projectId, { threadId: target.thread_id }, 'target.thread_id');
  }

  private async schedule(triggerId: string): Promise<StoredTrigger> {
    const t = await this.trigger(triggerId);
    if (t.kind !== 'schedule') throw new ApiException('E_CONFLICT', 'The trigger is a webhook (send it a delivery instead).');
    return t;
  }

  private async trigger(triggerId: string): Promise<StoredTrigger> {
    const t = await this.triggers.get(triggerId);
    if (!t || t.deleted) throw new ApiException('E_NOT_FOUND', `No trigger ${triggerId}.`);
    return t;
  }

  private async project(projectId: string): Promise<void> {
    if (!(await this.runs.getProject(projectId))) throw new ApiException('E_NOT_FOUND', `No project ${projectId}.`);
  }
}
