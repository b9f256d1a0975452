import type { CreateTriggerRequest, FieldIssue, OverlapPolicy, ScheduleSpec, Template, Trigger, TriggerTarget, UpdateTriggerRequest } from '@omniai/contracts';
import type { Checked } from '../core/form-state';

/** Whose triggers a tab shows, and what a trigger made there starts. */
export type TriggerOwner = { kind: 'graph'; projectId: string; graphId: string } | { kind: 'agent'; projectId: string; threadId: string };

/** The overlap policies, in the order the form offers them, with what each does. */
export const OVERLAP_POLICIES: ReadonlyArray<{ value: OverlapPolicy; label: string; hint: string }> = [
  { value: 'skip', label: 'Skip', hint: 'A fire while a run is still going is dropped.' },
  { value: 'buffer_one', label: 'Buffer one', hint: 'Keep one fire waiting until the running one ends.' },
  { value: 'buffer_all', label: 'Buffer all', hint: 'Keep every fire waiting; they run one after another.' },
  { value: 'cancel_other', label: 'Cancel other', hint: 'Cancel the running run, then start the new one.' },
  { value: 'terminate_other', label: 'Terminate other', hint: 'Terminate the running run at once, then start the new one.' },
  { value: 'allow_all', label: 'Allow all', hint: 'Start every fire, even while others run.' },
];

/** The schedule form as typed (text fields stay text until checked). */
export interface ScheduleDraft {
  name: string;
  mode: 'cron' | 'interval';
  /** Cron expressions, one a line. */
  cron: string;
  intervalSeconds: string;
  timezone: string;
  overlap: OverlapPolicy;
  catchupMinutes: string;
  pauseOnFailure: boolean;
  /** A graph target's input template (JSON; empty: `{}`). */
  input: string;
  /** A thread target's message template. */
  message: string;
}

export type ScheduleField = keyof Pick<ScheduleDraft, 'name' | 'cron' | 'intervalSeconds' | 'timezone' | 'catchupMinutes' | 'input' | 'message'>;
export type ScheduleErrors = Partial<Record<ScheduleField, string>>;

/** The browser's IANA time zone (UTC when it cannot tell). */
export function browserTimeZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  } catch {
    return 'UTC';
  }
}

export function blankScheduleDraft(timezone = browserTimeZone()): ScheduleDraft {
  return {
    name: '',
    mode: 'cron',
    cron: '0 9 * * 1-5',
    intervalSeconds: '3600',
    timezone,
    overlap: 'skip',
    catchupMinutes: '5',
    pauseOnFailure: false,
    input: '{}',
    message: 'Scheduled check-in ({{ fired_at }})',
  };
}

/** A saved schedule as the form edits it. */
export function draftOfTrigger(t: Trigger): ScheduleDraft {
  const blank = blankScheduleDraft();
  const s = t.schedule;
  const interval = s?.intervals[0];
  return {
    name: t.name,
    mode: s && !s.cron.length && interval ? 'interval' : 'cron',
    cron: s?.cron.join('\n') || blank.cron,
    intervalSeconds: String(interval?.every_seconds ?? blank.intervalSeconds),
    timezone: s?.timezone ?? blank.timezone,
    overlap: t.policies?.overlap ?? 'skip',
    catchupMinutes: String(Math.max(1, Math.round((t.policies?.catchup_window_ms ?? 300_000) / 60_000))),
    pauseOnFailure: t.policies?.pause_on_failure ?? false,
    input: t.target.kind === 'graph' ? JSON.stringify(t.target.input ?? {}, null, 2) : blank.input,
    message: t.target.kind === 'agent' ? t.target.message_template : blank.message,
  };
}

function positiveInt(text: string): number | null {
  const n = Number(text.trim());
  return text.trim() !== '' && Number.isInteger(n) && n > 0 ? n : null;
}

/** The schedule spec of a draft (what the preview shows), or why it is not one yet. */
export function scheduleSpecOf(d: ScheduleDraft): Checked<ScheduleSpec, ScheduleErrors> {
  const errors: ScheduleErrors = {};
  const timezone = d.timezone.trim();
  if (!timezone) errors.timezone = 'Name an IANA time zone, e.g. Europe/Paris or UTC.';
  let cron: string[] = [];
  let intervals: ScheduleSpec['intervals'] = [];
  if (d.mode === 'cron') {
    cron = d.cron
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean);
    if (!cron.length) errors.cron = 'Write at least one cron expression, e.g. 0 9 * * 1-5.';
    else if (cron.length > 10) errors.cron = 'At most 10 cron expressions.';
  } else {
    const every = positiveInt(d.intervalSeconds);
    if (every === null) errors.intervalSeconds = 'A whole number of seconds, at least 1.';
    else if (every > 366 * 24 * 3600) errors.intervalSeconds = 'At most a year (31,622,400 seconds).';
    else intervals = [{ every_seconds: every, offset_seconds: 0 }];
  }
  if (Object.keys(errors).length) return { ok: false, errors };
  return { ok: true, body: { cron, intervals, calendars: [], timezone, jitter_ms: 0, start_at: null, end_at: null } };
}

/** A graph target's input template from its JSON text (empty text: none, the API's default). */
function inputOf(text: string): { ok: true; value: unknown } | { ok: false } {
  if (!text.trim()) return { ok: true, value: undefined };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

/** What a trigger made on this tab starts: the graph (its latest version at fire time) or a chat turn in the thread. */
export function targetOf(owner: TriggerOwner, input: string, message: string): Checked<TriggerTarget, ScheduleErrors> {
  if (owner.kind === 'graph') {
    const parsed = inputOf(input);
    if (!parsed.ok) return { ok: false, errors: { input: 'Not valid JSON: write an object such as {"day": "{{ fired_at }}"}.' } };
    return {
      ok: true,
      body: { kind: 'graph', graph_id: owner.graphId, version: null, ...(parsed.value === undefined ? {} : { input: parsed.value as Template }) },
    };
  }
  if (!message.trim()) return { ok: false, errors: { message: 'Write the message the chat turn starts with.' } };
  return { ok: true, body: { kind: 'agent', thread_id: owner.threadId, message_template: message } };
}

function policiesOf(d: ScheduleDraft): Checked<NonNullable<UpdateTriggerRequest['policies']>, ScheduleErrors> {
  const minutes = Number(d.catchupMinutes.trim());
  if (!d.catchupMinutes.trim() || !Number.isFinite(minutes) || minutes < 1 || minutes > 366 * 24 * 60)
    return { ok: false, errors: { catchupMinutes: 'Minutes, from 1 up to a year.' } };
  return { ok: true, body: { overlap: d.overlap, catchup_window_ms: Math.round(minutes * 60_000), pause_on_failure: d.pauseOnFailure } };
}

/** The parts of a schedule request, with every field's error at once. */
function scheduleParts(owner: TriggerOwner, d: ScheduleDraft) {
  const name = d.name.trim();
  const spec = scheduleSpecOf(d);
  const target = targetOf(owner, d.input, d.message);
  const policies = policiesOf(d);
  const errors: ScheduleErrors = {
    ...(name ? {} : { name: 'Name the schedule, e.g. “Weekday digest”.' }),
    ...(spec.ok ? {} : spec.errors),
    ...(target.ok ? {} : target.errors),
    ...(policies.ok ? {} : policies.errors),
  };
  if (!spec.ok || !target.ok || !policies.ok || !name) return { ok: false as const, errors };
  return { ok: true as const, name, schedule: spec.body, target: target.body, policies: policies.body };
}

/** `POST …/triggers` for a new schedule. */
export function createScheduleRequest(owner: TriggerOwner, d: ScheduleDraft): Checked<CreateTriggerRequest, ScheduleErrors> {
  const p = scheduleParts(owner, d);
  if (!p.ok) return p;
  return { ok: true, body: { kind: 'schedule', name: p.name, target: p.target, schedule: p.schedule, policies: p.policies, paused: false } };
}

/**
 * `PUT /v1/triggers/:id` for an edited schedule. What the form does not show (calendars, jitter, start and end, a
 * graph target's pinned version and budget) stays as `saved` has it.
 */
export function updateScheduleRequest(owner: TriggerOwner, d: ScheduleDraft, saved?: Trigger): Checked<UpdateTriggerRequest, ScheduleErrors> {
  const p = scheduleParts(owner, d);
  if (!p.ok) return p;
  const s = saved?.schedule;
  const schedule = s ? { ...p.schedule, calendars: s.calendars, jitter_ms: s.jitter_ms, start_at: s.start_at, end_at: s.end_at } : p.schedule;
  const was = saved?.target;
  const target =
    was?.kind === 'graph' && p.target.kind === 'graph'
      ? { ...p.target, version: was.version, ...(was.budget ? { budget: was.budget } : {}) }
      : was?.kind === 'agent' && p.target.kind === 'agent' && was.budget
        ? { ...p.target, budget: was.budget }
        : p.target;
  return { ok: true, body: { name: p.name, target, schedule, policies: p.policies } };
}

/** `POST …/triggers` for a new webhook (default settings: no payload schema, 256 KiB, 60 a minute). */
export function createWebhookRequest(owner: TriggerOwner, name: string, input: string, message: string): Checked<CreateTriggerRequest, ScheduleErrors> {
  const target = targetOf(owner, input, message);
  const errors: ScheduleErrors = { ...(name.trim() ? {} : { name: 'Name the webhook, e.g. “GitHub issues”.' }), ...(target.ok ? {} : target.errors) };
  if (!target.ok || !name.trim()) return { ok: false, errors };
  return {
    ok: true,
    body: {
      kind: 'webhook',
      name: name.trim(),
      target: target.body,
      webhook: { payload_schema: null, max_body_bytes: 262_144, rate_limit_per_minute: 60 },
      paused: false,
    },
  };
}

/** The form field an API field issue is about (by its path), or null for the form's error line. */
export function fieldOfIssue(path: string, mode: ScheduleDraft['mode']): ScheduleField | null {
  if (path === 'name') return 'name';
  if (path.startsWith('schedule.timezone')) return 'timezone';
  if (path.startsWith('schedule.intervals')) return 'intervalSeconds';
  if (path.startsWith('schedule.cron') || path === 'schedule') return mode === 'cron' ? 'cron' : 'intervalSeconds';
  if (path.startsWith('policies.catchup_window_ms')) return 'catchupMinutes';
  if (path.startsWith('target.input')) return 'input';
  if (path.startsWith('target.message_template')) return 'message';
  return null;
}

/** The API's field issues as the form's field errors, and those no field shows. */
export function errorsOfIssues(issues: readonly FieldIssue[], mode: ScheduleDraft['mode']): { errors: ScheduleErrors; rest: FieldIssue[] } {
  const errors: ScheduleErrors = {};
  const rest: FieldIssue[] = [];
  for (const i of issues) {
    const field = fieldOfIssue(i.path, mode);
    if (field) errors[field] = errors[field] ? `${errors[field]}; ${i.message}` : i.message;
    else rest.push(i);
  }
  return { errors, rest };
}

/** A datetime-local input's value (local time, minutes) for an instant. */
export function localInputValue(at: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}T${pad(at.getHours())}:${pad(at.getMinutes())}`;
}

/** A backfill range from two datetime-local values, or why it is not one. */
export function backfillRange(from: string, to: string): Checked<{ start_at: string; end_at: string }, { from?: string; to?: string }> {
  const start = from ? new Date(from) : null;
  const end = to ? new Date(to) : null;
  if (!start || Number.isNaN(start.getTime())) return { ok: false, errors: { from: 'Pick when the range starts.' } };
  if (!end || Number.isNaN(end.getTime())) return { ok: false, errors: { to: 'Pick when the range ends.' } };
  if (start >= end) return { ok: false, errors: { to: 'The end must be after the start.' } };
  return { ok: true, body: { start_at: start.toISOString(), end_at: end.toISOString() } };
}
