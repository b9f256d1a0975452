import { randomUUID } from 'node:crypto';
import { ErrorEnvelope, type Run, TriggerDetail, type WebhookDelivery } from '@omniai/contracts';
import { startTestWorker, type TestWorker } from '@omniai/worker/testing';
import { Webhook } from 'standardwebhooks';
import { TemporalService } from '../src/temporal/temporal.service';
import { startTestStack, type TestStack } from './support/test-stack';

// Triggers (issue 15, docs/TRIGGERS.md) on the real dev server, Postgres, API and worker: Temporal Schedules that start
// graph runs, and signed webhooks. Fire times are read from Temporal's own schedule description, never from waits on
// the wall clock; where a test must see a schedule act, it polls the runs the schedule started.

/** A graph that answers at once: its input echoed. */
const ECHO = {
  schema: 'omni.graph/v1',
  name: 'Echo',
  input_schema: { type: 'object', required: ['n'], properties: { n: { type: 'number' } } },
  nodes: [{ id: 'done', kind: 'output', value: { got: '{{ input.n }}' } }],
  edges: [],
};

/** A graph whose run waits for a reviewer (so it keeps running while a schedule fires again). */
const WAITS = {
  schema: 'omni.graph/v1',
  name: 'Waits for a reviewer',
  nodes: [
    { id: 'gate', kind: 'approval', title: 'Hold' },
    { id: 'done', kind: 'output', value: 'ok' },
  ],
  edges: [{ from: 'gate', to: 'done' }],
};

const codeOf = (body: unknown) => ErrorEnvelope.parse(body).error.code;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `read` until `done` holds (or fails after `ms`), answering the last value. */
async function until<T>(read: () => Promise<T>, done: (v: T) => boolean, ms = 60_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await read();
    if (done(v)) return v;
    if (Date.now() > deadline) throw new Error(`condition not reached in ${ms} ms; last: ${JSON.stringify(v).slice(0, 500)}`);
    await sleep(250);
  }
}

const NO_SCHEDULE = { cron: [], intervals: [], calendars: [], timezone: 'UTC', jitter_ms: 0, start_at: null, end_at: null };

describe('triggers (real API, worker, Postgres and Temporal)', () => {
  let stack: TestStack;
  let projectId: string;
  let echoId: string;
  let waitsId: string;
  /** The worker started again by the catch-up test (the suite's own is stopped there). */
  let restarted: TestWorker | undefined;

  beforeAll(async () => {
    stack = await startTestStack('triggers');
    projectId = (await stack.newThread('triggers')).projectId;
    echoId = (await stack.api.post(`/v1/projects/${projectId}/graphs`, { spec: ECHO })).body.graph.id as string;
    waitsId = (await stack.api.post(`/v1/projects/${projectId}/graphs`, { spec: WAITS })).body.graph.id as string;
  }, 240_000);
  afterAll(async () => {
    await restarted?.stop();
    await stack?.stop();
  });

  const api = () => stack.api;
  const runsOf = async (triggerId: string) => (await api().get(`/v1/triggers/${triggerId}/runs`)).body.items as Run[];
  const detail = async (triggerId: string) => TriggerDetail.parse((await api().get(`/v1/triggers/${triggerId}`)).body);

  async function schedule(body: Record<string, unknown>): Promise<string> {
    const res = await api().post(`/v1/projects/${projectId}/triggers`, {
      kind: 'schedule',
      name: 'every second',
      target: { kind: 'graph', graph_id: echoId, input: { n: 1 } },
      ...body,
    });
    expect([res.status, res.body.secret ?? null]).toEqual([201, null]);
    return res.body.trigger.id as string;
  }

  describe('schedules', () => {
    it('a 1-second interval starts runs; pause stops it; trigger-now starts one while paused', async () => {
      const id = await schedule({ schedule: { intervals: [{ every_seconds: 1 }] }, policies: { overlap: 'allow_all' } });
      const runs = await until(
        () => runsOf(id),
        (r) => r.filter((x) => x.status === 'completed').length >= 3,
      );
      expect(runs[0]).toMatchObject({ graph: { graph_id: echoId }, trigger: { trigger_id: id, kind: 'schedule' } });
      const first = (await api().get(`/v1/runs/${runs.at(-1)!.id}/events`)).body.items[0];
      expect(first).toMatchObject({ kind: 'run_created', actor: { type: 'service', id: `schedule:${id}` } });

      expect((await api().post(`/v1/triggers/${id}/pause`, { note: 'maintenance' })).body).toMatchObject({ paused: true, note: 'maintenance' });
      // Once paused and idle, the count of actions taken stays put across several would-be fire times.
      const paused = await until(
        () => detail(id),
        (d) => d.schedule_state!.running === 0,
      );
      await sleep(3_000);
      const later = await detail(id);
      expect(later.schedule_state!.actions_taken).toBe(paused.schedule_state!.actions_taken);
      const settled = (await runsOf(id)).length;
      expect(settled).toBe(paused.schedule_state!.actions_taken);

      const fired = await api().post(`/v1/triggers/${id}/fire`);
      expect(fired.status).toBe(202);
      await until(
        () => runsOf(id),
        (r) => r.length === settled + 1 && r.every((x) => x.status === 'completed'),
      );
      // Runs are filterable by trigger on the graph's run list too.
      const graphRuns = (await api().get(`/v1/graphs/${echoId}/runs?trigger_id=${id}`)).body.items as Run[];
      expect(graphRuns.length).toBe(settled + 1);
      await api().del(`/v1/triggers/${id}`);
    }, 120_000);

    it('overlap skip starts nothing while a run is still running', async () => {
      const id = await schedule({
        target: { kind: 'graph', graph_id: waitsId, input: {} },
        schedule: { intervals: [{ every_seconds: 1 }] },
        policies: { overlap: 'skip' },
      });
      const [holding] = await until(
        () => runsOf(id),
        (r) => r.length === 1 && r[0]!.status === 'running',
      );
      const skipped = await until(
        () => detail(id),
        (d) => d.schedule_state!.skipped_overlap >= 3,
      );
      expect(await api().post(`/v1/triggers/${id}/fire`)).toMatchObject({ status: 202 });
      await until(
        () => detail(id),
        (d) => d.schedule_state!.skipped_overlap > skipped.schedule_state!.skipped_overlap,
      );
      expect((await runsOf(id)).map((r) => r.id)).toEqual([holding!.id]);
      await api().del(`/v1/triggers/${id}`);
      await api().post(`/v1/runs/${holding!.id}/cancel`);
    }, 120_000);

    it('catch-up: fires taken while the worker is down are buffered and run when it returns', async () => {
      await stack.worker.stop();
      try {
        const start = Date.now();
        const id = await schedule({
          schedule: { intervals: [{ every_seconds: 2 }], end_at: new Date(start + 5_000).toISOString() },
          policies: { overlap: 'buffer_all', catchup_window_ms: 600_000 },
        });
        // Temporal takes the fires on time; with no worker, nothing runs them (no run exists yet).
        const taken = await until(
          () => detail(id),
          (d) => d.schedule_state!.next_fires.length === 0 && d.schedule_state!.actions_taken + d.schedule_state!.buffered >= 2,
          30_000,
        );
        expect(await runsOf(id)).toEqual([]);
        restarted = await startTestWorker(stack.databaseUrl, { taskQueue: stack.taskQueue });
        const fires = taken.schedule_state!.actions_taken + taken.schedule_state!.buffered;
        const runs = await until(
          () => runsOf(id),
          (r) => r.length === fires && r.every((x) => x.status === 'completed'),
          90_000,
        );
        expect(runs.length).toBeGreaterThanOrEqual(2);
      } finally {
        // The suite's other tests need a worker on the queue.
        restarted ??= await startTestWorker(stack.databaseUrl, { taskQueue: stack.taskQueue });
      }
    }, 180_000);

    it('a time-zone schedule keeps its local time across daylight-saving changes (from Temporal’s description)', async () => {
      // Europe/London moves to BST on 2027-03-28: 09:00 local is 09:00Z before and 08:00Z after.
      const london = await schedule({
        name: 'London mornings',
        schedule: { cron: ['0 9 * * *'], timezone: 'Europe/London', start_at: '2027-03-26T00:00:00Z' },
      });
      const d = await detail(london);
      expect(d.schedule_state!.next_fires.slice(0, 4)).toEqual([
        '2027-03-26T09:00:00.000Z',
        '2027-03-27T09:00:00.000Z',
        '2027-03-28T08:00:00.000Z',
        '2027-03-29T08:00:00.000Z',
      ]);
      expect(d.schedule_state!.descriptions).toEqual(['At 09:00']);
      // New York springs forward on 2027-03-14 (02:00 → 03:00): 02:30 does not exist that day, and falls back on
      // 2027-11-07 (01:00–02:00 twice): documented in docs/TRIGGERS.md from what Temporal answers here.
      const ny = await api().post(`/v1/projects/${projectId}/triggers/preview`, {
        schedule: { ...NO_SCHEDULE, cron: ['30 2 * * *'], timezone: 'America/New_York', start_at: '2027-03-12T00:00:00Z' },
      });
      expect(ny.status).toBe(200);
      expect(ny.body.next_fires.slice(0, 4)).toEqual([
        '2027-03-12T07:30:00.000Z',
        '2027-03-13T07:30:00.000Z',
        '2027-03-15T06:30:00.000Z',
        '2027-03-16T06:30:00.000Z',
      ]);
      const fallBack = await api().post(`/v1/projects/${projectId}/triggers/preview`, {
        schedule: { ...NO_SCHEDULE, cron: ['30 1 * * *'], timezone: 'America/New_York', start_at: '2027-11-06T00:00:00Z' },
      });
      expect(fallBack.body.next_fires.slice(0, 4)).toEqual([
        '2027-11-06T05:30:00.000Z',
        // 01:30 happens twice on 2027-11-07 (EDT, then EST): Temporal fires at both instants.
        '2027-11-07T05:30:00.000Z',
        '2027-11-07T06:30:00.000Z',
        '2027-11-08T06:30:00.000Z',
      ]);
      await api().del(`/v1/triggers/${london}`);
    }, 60_000);

    it('pause on failure: a failing run pauses the schedule in Temporal, and the trigger shows it', async () => {
      const id = await schedule({
        // The rendered input does not match the graph's input schema: every fire fails.
        target: { kind: 'graph', graph_id: echoId, input: { n: 'not a number' } },
        schedule: { intervals: [{ every_seconds: 1 }] },
        policies: { overlap: 'skip', pause_on_failure: true },
      });
      const paused = await until(
        () => detail(id),
        (d) => d.paused,
        30_000,
      );
      expect(paused.schedule_state).toMatchObject({ paused: true, note: expect.stringMatching(/fail/i) });
      const listed = (await api().get(`/v1/projects/${projectId}/triggers`)).body.items.find((t: { id: string }) => t.id === id);
      expect(listed).toMatchObject({ paused: true });
      expect(await runsOf(id)).toEqual([]);
      await api().del(`/v1/triggers/${id}`);
    }, 60_000);

    it('refuses an unknown time zone and a cron Temporal cannot read, with the field, and creates nothing', async () => {
      const before = (await api().get(`/v1/projects/${projectId}/triggers`)).body.items.length as number;
      const tz = await api().post(`/v1/projects/${projectId}/triggers`, {
        kind: 'schedule',
        name: 'x',
        target: { kind: 'graph', graph_id: echoId, input: { n: 1 } },
        schedule: { cron: ['0 9 * * *'], timezone: 'Mars/Olympus' },
      });
      expect([tz.status, codeOf(tz.body), tz.body.error.detail[0].path]).toEqual([400, 'E_VALIDATION', 'schedule.timezone']);
      const cron = await api().post(`/v1/projects/${projectId}/triggers`, {
        kind: 'schedule',
        name: 'x',
        target: { kind: 'graph', graph_id: echoId, input: { n: 1 } },
        schedule: { cron: ['61 * * * *'] },
      });
      expect([cron.status, codeOf(cron.body)]).toEqual([400, 'E_VALIDATION']);
      expect((await api().get(`/v1/projects/${projectId}/triggers`)).body.items.length).toBe(before);
    });

    it('edits the spec in Temporal, backfills a past range, and deleting the graph removes its schedules', async () => {
      const g = (await api().post(`/v1/projects/${projectId}/graphs`, { spec: { ...ECHO, name: 'Short-lived' } })).body.graph.id as string;
      const id = await schedule({ target: { kind: 'graph', graph_id: g, input: { n: 2 } }, schedule: { cron: ['0 0 1 1 *'] } });
      const edited = await api().put(`/v1/triggers/${id}`, { schedule: { ...NO_SCHEDULE, cron: ['0 12 * * 1'] } });
      expect(edited.status).toBe(200);
      expect((await detail(id)).schedule_state!.descriptions).toEqual(['At 12:00, only on Monday']);
      const wrongKind = await api().put(`/v1/triggers/${id}`, { webhook: { max_body_bytes: 1000 } });
      expect([wrongKind.status, codeOf(wrongKind.body)]).toEqual([400, 'E_VALIDATION']);

      // Mondays at 12:00 UTC in the two weeks before 2026-11-17: two fires.
      const backfill = await api().post(`/v1/triggers/${id}/backfill`, { start_at: '2026-11-03T00:00:00Z', end_at: '2026-11-17T00:00:00Z' });
      expect(backfill.status).toBe(202);
      const backfilled = await until(
        () => runsOf(id),
        (r) => r.length === 2 && r.every((x) => x.status === 'completed'),
      );

      expect((await api().del(`/v1/graphs/${g}`)).status).toBe(204);
      expect((await api().get(`/v1/triggers/${id}`)).status).toBe(404);
      const handle = stack.api.app.get(TemporalService).client.schedule.getHandle(`trigger-${id}`);
      expect(
        await handle.describe().then(
          () => 'exists',
          (e: Error) => e.name,
        ),
      ).toBe('ScheduleNotFoundError');
      // The runs it started stay readable.
      expect((await api().get(`/v1/runs/${backfilled[0]!.id}`)).status).toBe(200);
    }, 90_000);
  });

  describe('webhooks', () => {
    async function webhook(
      settings: Record<string, unknown> = {},
      target: Record<string, unknown> = { kind: 'graph', graph_id: echoId, input: '{{ payload }}' },
    ) {
      const res = await api().post(`/v1/projects/${projectId}/triggers`, { kind: 'webhook', name: 'inbound', target, webhook: settings });
      expect(res.status).toBe(201);
      expect(res.body.secret).toMatch(/^whsec_/);
      return { id: res.body.trigger.id as string, secret: res.body.secret as string, path: res.body.trigger.hook_path as string };
    }

    /** Delivers `body` (exact bytes) signed with `secret`, as a Standard Webhooks sender would. */
    async function deliver(
      path: string,
      secret: string,
      body: string,
      opts: { id?: string; at?: Date; signature?: string; query?: string } = {},
    ): Promise<{ status: number; body: any; headers: Headers }> {
      const msgId = opts.id ?? `msg_${randomUUID()}`;
      const at = opts.at ?? new Date();
      const signature = opts.signature ?? new Webhook(secret).sign(msgId, at, body);
      const res = await fetch(`${stack.api.url}${path}${opts.query ?? ''}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'webhook-id': msgId,
          'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
          'webhook-signature': signature,
        },
        body,
      });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : null, headers: res.headers };
    }
    const deliveries = async (id: string) => (await api().get(`/v1/triggers/${id}/deliveries`)).body.items as WebhookDelivery[];

    it('a valid signature starts a run of the graph with the payload; the log records it', async () => {
      const hook = await webhook();
      expect(hook.path).toBe(`/v1/hooks/${hook.id}`);
      const res = await deliver(hook.path, hook.secret, JSON.stringify({ n: 41 }));
      expect(res.status).toBe(202);
      expect(res.body).toEqual({ run_id: expect.any(String), duplicate: false });
      const run = await until(
        async () => (await api().get(`/v1/runs/${res.body.run_id}`)).body as Run,
        (r) => r.status === 'completed',
      );
      expect(run).toMatchObject({ graph: { graph_id: echoId }, trigger: { trigger_id: hook.id, kind: 'webhook' } });
      const created = (await api().get(`/v1/runs/${run.id}/events`)).body.items[0];
      expect(created).toMatchObject({ kind: 'run_created', actor: { type: 'service', id: `webhook:${hook.id}` } });
      expect(await deliveries(hook.id)).toMatchObject([{ status: 'accepted', http_status: 202, run_id: run.id, reason: null }]);
    }, 60_000);

    it('wrong signature, stale timestamp, oversized body and bad schema: 401/401/413/422, no run, reasons logged', async () => {
      const hook = await webhook({
        max_body_bytes: 1024,
        payload_schema: { type: 'object', required: ['n'], properties: { n: { type: 'number' } } },
      });
      const other = new Webhook(`whsec_${Buffer.from(randomUUID()).toString('base64')}`).sign('msg_x', new Date(), '{"n":1}');
      const wrong = await deliver(hook.path, hook.secret, '{"n":1}', { id: 'msg_x', signature: other });
      expect([wrong.status, codeOf(wrong.body)]).toEqual([401, 'E_AUTH_REQUIRED']);
      const stale = await deliver(hook.path, hook.secret, '{"n":1}', { at: new Date(Date.now() - 10 * 60_000) });
      expect([stale.status, stale.body.error.message]).toEqual([401, expect.stringMatching(/timestamp/)]);
      const big = await deliver(hook.path, hook.secret, JSON.stringify({ n: 1, pad: 'x'.repeat(2000) }));
      expect([big.status, codeOf(big.body)]).toEqual([413, 'E_PAYLOAD_TOO_LARGE']);
      const bad = await deliver(hook.path, hook.secret, JSON.stringify({ n: 'one' }));
      expect(bad.status).toBe(422);
      expect(bad.body.error.detail).toEqual(expect.arrayContaining([expect.objectContaining({ path: expect.stringContaining('n') })]));
      expect(await runsOf(hook.id)).toEqual([]);
      const log = await deliveries(hook.id);
      expect(log.map((d) => [d.status, d.reason, d.http_status, d.run_id])).toEqual([
        ['rejected', 'schema', 422, null],
        ['rejected', 'size', 413, null],
        ['rejected', 'timestamp', 401, null],
        ['rejected', 'signature', 401, null],
      ]);
      // Nothing of a rejected body is kept beyond its size and hash.
      expect(JSON.stringify(log)).not.toContain('one');
      expect(log[1]!.body_bytes).toBeGreaterThan(2000);
    }, 60_000);

    it('the same webhook-id twice starts one run and answers it both times', async () => {
      const hook = await webhook();
      const body = JSON.stringify({ n: 5 });
      const first = await deliver(hook.path, hook.secret, body, { id: 'msg_same' });
      const again = await deliver(hook.path, hook.secret, body, { id: 'msg_same' });
      expect(first.body).toEqual({ run_id: expect.any(String), duplicate: false });
      expect(again).toMatchObject({ status: 202, body: { run_id: first.body.run_id, duplicate: true } });
      await until(
        () => runsOf(hook.id),
        (r) => r.length === 1 && r[0]!.status === 'completed',
      );
      // Once ended, a third delivery still answers the same run.
      expect((await deliver(hook.path, hook.secret, body, { id: 'msg_same' })).body).toEqual({ run_id: first.body.run_id, duplicate: true });
      expect((await runsOf(hook.id)).length).toBe(1);
    }, 60_000);

    it('rotation with overlap accepts both secrets; without overlap only the new one', async () => {
      const hook = await webhook();
      const rotated = await api().post(`/v1/triggers/${hook.id}/rotate-secret`, { overlap_seconds: 3600 });
      expect(rotated.status).toBe(200);
      const fresh = rotated.body.secret as string;
      expect(fresh).not.toBe(hook.secret);
      expect((await deliver(hook.path, hook.secret, '{"n":1}')).status).toBe(202);
      expect((await deliver(hook.path, fresh, '{"n":2}')).status).toBe(202);
      const cut = (await api().post(`/v1/triggers/${hook.id}/rotate-secret`, { overlap_seconds: 0 })).body.secret as string;
      expect((await deliver(hook.path, fresh, '{"n":3}')).status).toBe(401);
      expect((await deliver(hook.path, cut, '{"n":4}')).status).toBe(202);
    }, 60_000);

    it('rate limit answers 429 with Retry-After; wait=true answers the output; paused answers 409', async () => {
      const hook = await webhook({ rate_limit_per_minute: 2 });
      const waited = await deliver(hook.path, hook.secret, '{"n":9}', { query: '?wait=true&timeout_ms=30000' });
      expect(waited).toMatchObject({ status: 200, body: { status: 'completed', output: { got: 9 } } });
      expect((await deliver(hook.path, hook.secret, '{"n":1}')).status).toBe(202);
      const limited = await deliver(hook.path, hook.secret, '{"n":1}');
      expect([limited.status, codeOf(limited.body)]).toEqual([429, 'E_RATE_LIMITED']);
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);

      const other = await webhook();
      await api().post(`/v1/triggers/${other.id}/pause`, { note: 'off' });
      expect((await deliver(other.path, other.secret, '{"n":1}')).status).toBe(409);
      expect((await api().post(`/v1/triggers/${other.id}/fire`)).status).toBe(409);
    }, 60_000);

    it('an unknown hook is 404; a body that is not JSON is refused; the secret is never readable again', async () => {
      expect((await deliver(`/v1/hooks/${randomUUID()}`, 'whsec_AAAA', '{}')).status).toBe(404);
      const hook = await webhook();
      const text = await fetch(`${stack.api.url}${hook.path}`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'hi' });
      expect([text.status, ((await text.json()) as { error: { message: string } }).error.message]).toEqual([400, 'Send the payload as application/json.']);
      const listed = JSON.stringify((await api().get(`/v1/projects/${projectId}/triggers`)).body);
      const got = JSON.stringify((await api().get(`/v1/triggers/${hook.id}`)).body);
      expect(listed + got).not.toContain(hook.secret.slice(6));
    });
  });

  describe('access', () => {
    it('operators manage triggers; viewers read; every change is audited; the public lane lists and fires with scope operate', async () => {
      const viewer = await api().newUser('viewer', [{ project_id: projectId, role: 'viewer' }]);
      expect((await viewer.get(`/v1/projects/${projectId}/triggers`)).status).toBe(200);
      const refused = await viewer.post(`/v1/projects/${projectId}/triggers`, {
        kind: 'webhook',
        name: 'x',
        target: { kind: 'graph', graph_id: echoId, input: {} },
      });
      expect(refused.status).toBe(403);

      const id = await schedule({ name: 'audited', schedule: { cron: ['0 0 1 1 *'] }, paused: true });
      await api().post(`/v1/triggers/${id}/unpause`, { note: 'go' });
      await api().post(`/v1/triggers/${id}/pause`, {});
      const audit = (await api().get('/v1/audit?limit=200')).body.items as Array<{ action: string; target: string }>;
      expect(audit.filter((a) => a.target?.includes(id) || a.target?.endsWith('/triggers')).map((a) => a.action)).toEqual(
        expect.arrayContaining(['trigger.createTrigger', 'trigger.unpauseTrigger', 'trigger.pauseTrigger']),
      );

      const readToken = (await api().post('/v1/tokens', { name: 'r', scopes: ['read'] })).body.secret as string;
      const operateToken = (await api().post('/v1/tokens', { name: 'o', scopes: ['read', 'operate'] })).body.secret as string;
      const listed = await api().anon('GET', `/v1/public/projects/${projectId}/triggers`, { headers: { authorization: `Bearer ${readToken}` } });
      expect(listed.status).toBe(200);
      expect(listed.body.items.map((t: { id: string }) => t.id)).toContain(id);
      const denied = await api().anon('POST', `/v1/public/triggers/${id}/fire`, { headers: { authorization: `Bearer ${readToken}` } });
      expect(denied.status).toBe(403);
      const fired = await api().anon('POST', `/v1/public/triggers/${id}/fire`, { headers: { authorization: `Bearer ${operateToken}` } });
      expect(fired.status).toBe(202);
      await until(
        () => runsOf(id),
        (r) => r.length === 1,
      );
    }, 60_000);
  });
});
