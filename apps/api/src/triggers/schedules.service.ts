import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import {
  type CalendarRange,
  type CalendarSpec,
  type OverlapPolicy,
  type ScheduleAction,
  type SchedulePreview,
  type SchedulePolicies,
  type ScheduleSpec,
  type ScheduleState,
  scheduleFireWorkflowIdPrefix,
  triggerScheduleId,
  WORKFLOW_TYPES,
} from '@omniai/contracts';
import { triggeredRunId } from '@omniai/store';
import {
  type CalendarSpec as TemporalCalendarSpec,
  DAYS_OF_WEEK,
  MONTHS,
  type Range,
  ScheduleNotFoundError,
  ScheduleOverlapPolicy,
  type ScheduleSpec as TemporalScheduleSpec,
} from '@temporalio/client';
import { msToTs, tsToDate } from '@temporalio/common/lib/time';
import cronstrue from 'cronstrue';
import { AppConfig } from '../config/app-config';
import { ApiException } from '../errors/api.exception';
import { TemporalService } from '../temporal/temporal.service';

const OVERLAP: Record<OverlapPolicy, ScheduleOverlapPolicy> = {
  skip: ScheduleOverlapPolicy.SKIP,
  buffer_one: ScheduleOverlapPolicy.BUFFER_ONE,
  buffer_all: ScheduleOverlapPolicy.BUFFER_ALL,
  cancel_other: ScheduleOverlapPolicy.CANCEL_OTHER,
  terminate_other: ScheduleOverlapPolicy.TERMINATE_OTHER,
  allow_all: ScheduleOverlapPolicy.ALLOW_ALL,
};

/** gRPC status codes Temporal answers with. */
const GRPC_INVALID_ARGUMENT = 3;
const GRPC_NOT_FOUND = 5;

/** How many next fires / recent actions a description shows. */
const SHOWN = 10;

/** How far ahead a preview looks for the next fires (a yearly schedule still shows one). */
const PREVIEW_HORIZON_SECONDS = 400 * 24 * 3600;

/** What a schedule is created with. */
export interface ScheduleDefinition {
  triggerId: string;
  spec: ScheduleSpec;
  policies: SchedulePolicies;
  paused: boolean;
  note?: string;
}

function ranges(list: CalendarRange[] | undefined): Range<number>[] | undefined {
  return list?.map((r) => ({ start: r.start, end: r.end ?? r.start, step: r.step ?? 1 }));
}

/** Our months are 1–12, Temporal's TS client names them; days of week 0–6 (Sunday first) likewise. */
function named<T extends string>(list: CalendarRange[] | undefined, names: readonly T[], base: number, field: string): Range<T>[] | undefined {
  return list?.map((r) => {
    const name = (n: number): T => {
      const v = names[n - base];
      if (v === undefined)
        throw new ApiException('E_VALIDATION', `${field} ${n} is out of range.`, [{ path: `schedule.calendars.${field}`, message: `${n} is out of range` }]);
      return v;
    };
    return { start: name(r.start), end: name(r.end ?? r.start), step: r.step ?? 1 };
  });
}

function calendar(c: CalendarSpec): TemporalCalendarSpec {
  const out: TemporalCalendarSpec = {
    second: ranges(c.second) ?? [{ start: 0, end: 0, step: 1 }],
    minute: ranges(c.minute) ?? [{ start: 0, end: 0, step: 1 }],
    hour: ranges(c.hour) ?? [{ start: 0, end: 0, step: 1 }],
  };
  if (c.day_of_month) out.dayOfMonth = ranges(c.day_of_month);
  if (c.month) out.month = named(c.month, MONTHS, 1, 'month');
  if (c.year) out.year = ranges(c.year);
  if (c.day_of_week) out.dayOfWeek = named(c.day_of_week, DAYS_OF_WEEK, 0, 'day_of_week');
  if (c.comment) out.comment = c.comment;
  return out;
}

/** Our schedule spec (seconds, ISO instants) as Temporal's. */
export function temporalSpec(s: ScheduleSpec): TemporalScheduleSpec {
  return {
    cronExpressions: s.cron,
    intervals: s.intervals.map((i) => ({ every: i.every_seconds * 1000, offset: i.offset_seconds * 1000 })),
    calendars: s.calendars.map(calendar),
    timezone: s.timezone,
    jitter: s.jitter_ms,
    startAt: s.start_at ? new Date(s.start_at) : undefined,
    endAt: s.end_at ? new Date(s.end_at) : undefined,
  };
}

/** A description of each cron expression (cronstrue); an expression it cannot read is described as itself. */
export function describeCrons(cron: string[]): string[] {
  return cron.map((c) => {
    try {
      return cronstrue.toString(c, { throwExceptionOnParseError: true, use24HourTimeFormat: true });
    } catch {
      return c;
    }
  });
}

function isValidTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

function grpcCode(err: unknown): number | undefined {
  const cause = (err as { cause?: { code?: unknown } } | null)?.cause;
  const code = (err as { code?: unknown } | null)?.code ?? cause?.code;
  return typeof code === 'number' ? code : undefined;
}

/**
 * Temporal Schedules of schedule triggers. Temporal owns a schedule's live state (next fires, recent actions, paused);
 * each action starts `triggerFireWorkflow`, which creates the run and runs it as a child so the overlap policy and
 * "pause on failure" see the run itself. A Temporal failure is a 503 (nothing changed); a spec Temporal refuses is a 400.
 */
@Injectable()
export class SchedulesService {
  constructor(
    private readonly temporal: TemporalService,
    private readonly config: AppConfig,
  ) {}

  /** Checks what Temporal would only refuse with a generic message: the time zone. */
  validate(spec: ScheduleSpec): void {
    if (!isValidTimeZone(spec.timezone))
      throw new ApiException('E_VALIDATION', `Unknown time zone ${spec.timezone}.`, [
        { path: 'schedule.timezone', message: `unknown time zone ${spec.timezone}` },
      ]);
  }

  async create(d: ScheduleDefinition): Promise<void> {
    this.validate(d.spec);
    const spec = temporalSpec(d.spec);
    await this.call(
      () =>
        this.temporal.client.schedule.create({
          scheduleId: triggerScheduleId(d.triggerId),
          spec,
          action: {
            type: 'startWorkflow',
            workflowType: WORKFLOW_TYPES.triggerFire,
            args: [{ trigger_id: d.triggerId, kind: 'schedule' }],
            workflowId: scheduleFireWorkflowIdPrefix(d.triggerId),
            taskQueue: this.config.taskQueue,
          },
          policies: {
            overlap: OVERLAP[d.policies.overlap],
            catchupWindow: d.policies.catchup_window_ms,
            pauseOnFailure: d.policies.pause_on_failure,
          },
          state: { paused: d.paused, note: d.note },
        }),
      'schedule',
    );
  }

  /** Replaces the spec and policies (the action and paused state stay). */
  async update(triggerId: string, spec: ScheduleSpec, policies: SchedulePolicies): Promise<void> {
    this.validate(spec);
    const temporal = temporalSpec(spec);
    await this.call(
      () =>
        this.handle(triggerId).update((prev) => ({
          ...prev,
          spec: temporal,
          policies: { overlap: OVERLAP[policies.overlap], catchupWindow: policies.catchup_window_ms, pauseOnFailure: policies.pause_on_failure },
        })),
      'schedule',
    );
  }

  /** Fires for every time the spec matches in [start, end), with its own overlap policy. */
  async backfill(triggerId: string, start: Date, end: Date, overlap: OverlapPolicy): Promise<void> {
    await this.call(() => this.handle(triggerId).backfill({ start, end, overlap: OVERLAP[overlap] }));
  }

  /**
   * What a spec means before it is saved, computed by Temporal itself: a paused throwaway schedule is created with the
   * spec, its matching times over the next year listed, and it is removed again.
   */
  async preview(spec: ScheduleSpec): Promise<SchedulePreview> {
    this.validate(spec);
    const scheduleId = `preview-${randomUUID()}`;
    await this.call(
      () =>
        this.temporal.client.schedule.create({
          scheduleId,
          spec: temporalSpec(spec),
          action: { type: 'startWorkflow', workflowType: WORKFLOW_TYPES.triggerFire, args: [], workflowId: scheduleId, taskQueue: this.config.taskQueue },
          state: { paused: true, note: 'schedule preview (removed at once)' },
        }),
      'schedule',
    );
    try {
      const now = new Date();
      const answer = await this.call(() =>
        this.temporal.client.workflowService.listScheduleMatchingTimes({
          namespace: this.temporal.client.options.namespace,
          scheduleId,
          startTime: msToTs(now.getTime()),
          endTime: msToTs(now.getTime() + PREVIEW_HORIZON_SECONDS * 1000),
        }),
      );
      const next_fires = (answer.startTime ?? []).slice(0, SHOWN).map((t) => tsToDate(t).toISOString());
      return { descriptions: describeCrons(spec.cron), next_fires };
    } finally {
      await this.temporal.client.schedule
        .getHandle(scheduleId)
        .delete()
        .catch(() => undefined);
    }
  }

  async pause(triggerId: string, note?: string): Promise<void> {
    await this.call(() => this.handle(triggerId).pause(note));
  }

  async unpause(triggerId: string, note?: string): Promise<void> {
    await this.call(() => this.handle(triggerId).unpause(note));
  }

  /** Fires now under `overlap` (the schedule's own: the client's default would be "allow all"). */
  async trigger(triggerId: string, overlap: OverlapPolicy): Promise<void> {
    await this.call(() => this.handle(triggerId).trigger(OVERLAP[overlap]));
  }

  /** Removes the schedule; one already gone counts as removed. */
  async delete(triggerId: string): Promise<void> {
    try {
      await this.call(() => this.handle(triggerId).delete());
    } catch (err) {
      if (err instanceof ScheduleNotFoundError || grpcCode(err) === GRPC_NOT_FOUND) return;
      throw err;
    }
  }

  /** The schedule's live state; run statuses come from `runStatus` (the runs table). Null when Temporal has no such schedule. */
  async describe(triggerId: string, cron: string[], runStatus: (runId: string) => Promise<string | null>): Promise<ScheduleState | null> {
    let desc;
    try {
      desc = await this.call(() => this.handle(triggerId).describe());
    } catch (err) {
      if (err instanceof ScheduleNotFoundError || grpcCode(err) === GRPC_NOT_FOUND) return null;
      throw err;
    }
    const info = desc.info;
    const recent = [...info.recentActions].reverse().slice(0, SHOWN);
    const recent_actions: ScheduleAction[] = await Promise.all(
      recent.map(async (a) => {
        const workflowId = a.action.workflow.workflowId;
        const runId = triggeredRunId(workflowId);
        const status = await runStatus(runId);
        return {
          scheduled_at: a.scheduledAt.toISOString(),
          started_at: a.takenAt.toISOString(),
          workflow_id: workflowId,
          run_id: status === null ? null : runId,
          run_status: status,
        };
      }),
    );
    return {
      descriptions: describeCrons(cron),
      next_fires: info.nextActionTimes.slice(0, SHOWN).map((d) => d.toISOString()),
      recent_actions,
      running: info.runningActions.length,
      actions_taken: info.numActionsTaken,
      skipped_overlap: info.numActionsSkippedOverlap,
      missed_catchup: info.numActionsMissedCatchupWindow,
      buffered: Number(desc.raw.info?.bufferSize ?? 0),
      paused: desc.state.paused,
      note: desc.state.note || null,
    };
  }

  private handle(triggerId: string) {
    return this.temporal.client.schedule.getHandle(triggerScheduleId(triggerId));
  }

  /** Runs a Temporal call: a refused argument is a 400 (on `field`), anything else but "not found" a 503. */
  private async call<T>(fn: () => Promise<T>, field?: string): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof ApiException || err instanceof ScheduleNotFoundError) throw err;
      const code = grpcCode(err);
      if (code === GRPC_NOT_FOUND) throw err;
      // Temporal answers a spec it cannot read (e.g. "Minute is not in range [0-59]") as INVALID_ARGUMENT, which the
      // client raises as a TypeError.
      if ((code === GRPC_INVALID_ARGUMENT || err instanceof TypeError) && field) {
        const message = (err as Error).message;
        throw new ApiException('E_VALIDATION', `Temporal refused the ${field}: ${message}`, [{ path: field, message }]);
      }
      throw new ApiException('E_DEPENDENCY_UNAVAILABLE', 'Temporal is unavailable; nothing changed.');
    }
  }
}
