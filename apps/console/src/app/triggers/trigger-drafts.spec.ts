import { CreateTriggerRequest, UpdateTriggerRequest } from '@omniai/contracts';
import {
  backfillRange,
  blankScheduleDraft,
  createScheduleRequest,
  createWebhookRequest,
  draftOfTrigger,
  errorsOfIssues,
  scheduleSpecOf,
  type TriggerOwner,
  updateScheduleRequest,
} from './trigger-drafts';

const GRAPH: TriggerOwner = { kind: 'graph', projectId: '00000000-0000-4000-8000-000000000001', graphId: '00000000-0000-4000-8000-000000000002' };
const THREAD: TriggerOwner = { kind: 'agent', projectId: GRAPH.projectId, threadId: '00000000-0000-4000-8000-000000000003' };

describe('schedule drafts', () => {
  it('makes a create request the contract accepts (cron, graph target with input)', () => {
    const d = {
      ...blankScheduleDraft('Europe/Paris'),
      name: ' Digest ',
      cron: '0 9 * * 1-5\n\n@daily ',
      input: '{"day":"{{ fired_at }}"}',
      overlap: 'buffer_one' as const,
    };
    const r = createScheduleRequest(GRAPH, d);
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    expect(CreateTriggerRequest.parse(r.body)).toEqual(r.body);
    expect(r.body).toMatchObject({
      kind: 'schedule',
      name: 'Digest',
      target: { kind: 'graph', graph_id: GRAPH.kind === 'graph' ? GRAPH.graphId : '', version: null, input: { day: '{{ fired_at }}' } },
      schedule: { cron: ['0 9 * * 1-5', '@daily'], intervals: [], timezone: 'Europe/Paris' },
      policies: { overlap: 'buffer_one', catchup_window_ms: 300_000, pause_on_failure: false },
    });
  });

  it('makes an interval schedule for a thread', () => {
    const r = updateScheduleRequest(THREAD, {
      ...blankScheduleDraft('UTC'),
      name: 'Ping',
      mode: 'interval',
      intervalSeconds: '90',
      message: 'hi {{ fired_at }}',
    });
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    expect(UpdateTriggerRequest.parse(r.body)).toEqual(r.body);
    expect(r.body.schedule).toMatchObject({ cron: [], intervals: [{ every_seconds: 90, offset_seconds: 0 }] });
    expect(r.body.target).toEqual({ kind: 'agent', thread_id: THREAD.kind === 'agent' ? THREAD.threadId : '', message_template: 'hi {{ fired_at }}' });
  });

  it('names every field that is wrong at once', () => {
    const r = createScheduleRequest(GRAPH, { ...blankScheduleDraft(''), name: ' ', cron: ' \n ', input: '{nope', catchupMinutes: '0' });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(Object.keys(r.errors).sort()).toEqual(['catchupMinutes', 'cron', 'input', 'name', 'timezone']);
    expect(scheduleSpecOf({ ...blankScheduleDraft(), mode: 'interval', intervalSeconds: '1.5' }).ok).toBe(false);
  });

  it('round-trips a saved schedule through the form', () => {
    const r = createScheduleRequest(GRAPH, { ...blankScheduleDraft('Asia/Tokyo'), name: 'N', cron: '*/5 * * * *', catchupMinutes: '10', pauseOnFailure: true });
    if (!r.ok || r.body.kind !== 'schedule') throw new Error('not ok');
    const saved = {
      id: 'x',
      project_id: GRAPH.projectId,
      name: 'N',
      kind: 'schedule' as const,
      target: { ...r.body.target, version: null } as never,
      schedule: r.body.schedule,
      policies: r.body.policies,
      webhook: null,
      hook_path: null,
      paused: false,
      note: null,
      created_by: 'u',
      created_at: '',
      updated_at: '',
      last_run: null,
    };
    const d = draftOfTrigger(saved);
    expect(d).toMatchObject({ name: 'N', mode: 'cron', cron: '*/5 * * * *', timezone: 'Asia/Tokyo', catchupMinutes: '10', pauseOnFailure: true });
    expect(createScheduleRequest(GRAPH, d)).toEqual(r);
  });

  it('keeps what the form does not show when editing', () => {
    const r = createScheduleRequest(GRAPH, { ...blankScheduleDraft('UTC'), name: 'N' });
    if (!r.ok || r.body.kind !== 'schedule') throw new Error('not ok');
    const calendars = [{ hour: [{ start: 12 }], comment: 'noon' }];
    const saved = {
      id: 'x',
      project_id: GRAPH.projectId,
      name: 'N',
      kind: 'schedule' as const,
      target: { ...r.body.target, version: 3, budget: { max_steps: 5 } } as never,
      schedule: { ...r.body.schedule, calendars, jitter_ms: 1000, start_at: '2026-01-01T00:00:00.000Z' },
      policies: r.body.policies,
      webhook: null,
      hook_path: null,
      paused: false,
      note: null,
      created_by: 'u',
      created_at: '',
      updated_at: '',
      last_run: null,
    };
    const u = updateScheduleRequest(GRAPH, { ...draftOfTrigger(saved), cron: '0 8 * * *' }, saved);
    if (!u.ok) throw new Error('not ok');
    expect(UpdateTriggerRequest.parse(u.body)).toEqual(u.body);
    expect(u.body.schedule).toMatchObject({ cron: ['0 8 * * *'], calendars, jitter_ms: 1000, start_at: '2026-01-01T00:00:00.000Z' });
    expect(u.body.target).toMatchObject({ version: 3, budget: { max_steps: 5 } });
  });

  it('puts the API field issues under their fields', () => {
    const { errors, rest } = errorsOfIssues(
      [
        { path: 'schedule', message: 'bad cron' },
        { path: 'schedule.timezone', message: 'unknown time zone Mars/Base' },
        { path: 'target.graph_id', message: 'belongs to another project' },
      ],
      'cron',
    );
    expect(errors).toEqual({ cron: 'bad cron', timezone: 'unknown time zone Mars/Base' });
    expect(rest).toEqual([{ path: 'target.graph_id', message: 'belongs to another project' }]);
  });
});

describe('webhook and backfill drafts', () => {
  it('makes a webhook request the contract accepts (no input: the payload)', () => {
    const r = createWebhookRequest(GRAPH, 'Hook', '  ', '');
    if (!r.ok) throw new Error('not ok');
    expect(CreateTriggerRequest.parse(r.body)).toEqual(r.body);
    expect(r.body.target).not.toHaveProperty('input');
    expect(createWebhookRequest(THREAD, '', '', '').ok).toBe(false);
  });

  it('checks a backfill range', () => {
    expect(backfillRange('2026-01-02T00:00', '2026-01-01T00:00')).toEqual({ ok: false, errors: { to: 'The end must be after the start.' } });
    const r = backfillRange('2026-01-01T00:00', '2026-01-02T00:00');
    expect(r.ok && Date.parse(r.body.end_at) - Date.parse(r.body.start_at)).toBe(24 * 3600_000);
  });
});
