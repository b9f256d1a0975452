import { Client } from 'pg';
import { ErrorEnvelope, Run, RunEvent } from '@omniai/contracts';
import { resumeRunSignal } from '@omniai/workflow-api';
import { TemporalService } from '../src/temporal/temporal.service';
import { openSse, type SseFrame } from './support/sse-client';
import { runDriver, shapeOf, signalRejections } from './support/run-driver';
import { startTestApi, TEST_ADMIN, type TestApi } from './support/test-api';
import { startTestStack, type TestStack } from './support/test-stack';

const slow = { params: { delay_ms: 40, reply_words: 40 } };

describe('run backbone: project → thread → run over the real stack', () => {
  let stack: TestStack;
  let api: TestApi;
  let threadId: string;
  let projectId: string;

  /** Starts a run in the thread with these pins (and e.g. a `budget`). */
  const startRun = async (message: string, pins: object = {}, more: object = {}) => {
    const res = await api.post(`/v1/threads/${threadId}/runs`, { message, pins, ...more });
    expect(res.status).toBe(201);
    return Run.parse(res.body);
  };
  const { events: eventsOf, waitFor: waitForStatus } = runDriver(
    () => api,
    () => threadId,
  );
  const persisted = (frames: SseFrame[]) => frames.filter((f) => f.event === 'run_event').map((f) => RunEvent.parse(f.data));

  beforeAll(async () => {
    stack = await startTestStack('runs', { env: { OMNI_SSE_HEARTBEAT_MS: '300' } });
    api = stack.api;
    const project = await api.post('/v1/projects', { name: 'Backbone', description: 'integration test' });
    expect(project.status).toBe(201);
    projectId = project.body.id;
    const thread = await api.post(`/v1/projects/${projectId}/threads`, { title: 'First thread' });
    expect(thread.status).toBe(201);
    threadId = thread.body.id;
  });

  afterAll(() => stack.stop());

  it('lists what it created', async () => {
    expect((await api.get('/v1/projects')).body.items.map((p: { id: string }) => p.id)).toContain(projectId);
    expect((await api.get(`/v1/projects/${projectId}/threads`)).body.items).toHaveLength(1);
  });

  it('streams a run in seq order with ephemeral deltas, heartbeats, and the same events as GET …/events', async () => {
    const run = await startRun('Hello, durable world', slow);
    expect(run).toMatchObject({ status: 'queued', thread_id: threadId, project_id: projectId, workflow_id: `run-${run.id}` });
    const stream = await openSse(`${api.url}/v1/runs/${run.id}/stream`, { cookie: api.cookie });
    expect(stream.status).toBe(200);
    await stream.waitFor((f) => f.event === 'end');
    await stream.closed;

    const events = persisted(stream.frames);
    expect(events.map((e) => e.seq)).toEqual([1, 2, 3, 4]);
    expect(events.map((e) => e.kind)).toEqual(['run_created', 'user_message', 'assistant_message', 'run_completed']);
    expect(stream.frames.filter((f) => f.event === 'run_event').map((f) => f.id)).toEqual(['1', '2', '3', '4']);
    const deltas = stream.frames.filter((f) => f.event === 'assistant_message_delta');
    expect(deltas.length).toBeGreaterThan(10);
    expect(deltas.every((d) => d.id === undefined && (d.data as { ephemeral: boolean }).ephemeral === true)).toBe(true);
    const streamedText = deltas.map((d) => (d.data as { payload: { delta: string } }).payload.delta).join('');
    const assistant = events[2]!;
    expect(assistant.kind === 'assistant_message' && 'text' in assistant.payload.content && assistant.payload.content.text).toBe(streamedText);
    expect(stream.comments).toContain('heartbeat');

    const page = await api.get(`/v1/runs/${run.id}/events`);
    expect(page.body.items).toEqual(events);
    expect(page.body).toMatchObject({ next_from_seq: 5, has_more: false });
    const done = await waitForStatus(run.id, ['completed']);
    expect(done).toMatchObject({ last_seq: 4, output_tokens: 41 });
    expect(done.started_at && done.ended_at).toBeTruthy();
  });

  it('serves the stream from another API instance than the one that started the run (LISTEN/NOTIFY fan-out)', async () => {
    const other = await startTestApi({ DATABASE_URL: stack.databaseUrl, OMNI_TASK_QUEUE: stack.taskQueue });
    try {
      const run = await startRun('fan out', slow);
      const [a, b] = await Promise.all([
        openSse(`${api.url}/v1/runs/${run.id}/stream`, { cookie: api.cookie }),
        openSse(`${other.url}/v1/runs/${run.id}/stream`, { cookie: other.cookie }),
      ]);
      await Promise.all([a.waitFor((f) => f.event === 'end'), b.waitFor((f) => f.event === 'end')]);
      expect(persisted(b.frames).map((e) => e.seq)).toEqual([1, 2, 3, 4]);
      expect(persisted(b.frames)).toEqual(persisted(a.frames));
      expect(b.frames.filter((f) => f.event === 'assistant_message_delta').length).toBeGreaterThan(10);
    } finally {
      await other.close();
    }
  });

  it('resumes from Last-Event-ID or from_seq without gaps or duplicates', async () => {
    const run = await startRun('resume me', { params: { delay_ms: 30, reply_words: 60 } });
    const first = await openSse(`${api.url}/v1/runs/${run.id}/stream`, { cookie: api.cookie });
    await first.waitFor((f) => f.id === '2');
    first.close();
    const lastSeen = Math.max(...first.frames.filter((f) => f.id).map((f) => Number(f.id)));

    const resumed = await openSse(`${api.url}/v1/runs/${run.id}/stream`, { cookie: api.cookie, 'last-event-id': String(lastSeen) });
    await resumed.waitFor((f) => f.event === 'end');
    const all = [...persisted(first.frames), ...persisted(resumed.frames)].map((e) => e.seq);
    expect(all).toEqual([1, 2, 3, 4]);

    const fromQuery = await openSse(`${api.url}/v1/runs/${run.id}/stream?from_seq=3`, { cookie: api.cookie });
    await fromQuery.waitFor((f) => f.event === 'end');
    expect(persisted(fromQuery.frames).map((e) => e.seq)).toEqual([3, 4]);
    const page = await api.get(`/v1/runs/${run.id}/events?from_seq=2&limit=2`);
    expect(page.body.items.map((e: RunEvent) => e.seq)).toEqual([2, 3]);
    expect(page.body).toMatchObject({ next_from_seq: 4, has_more: true });
  });

  it('cancels a streaming run within a second or so, keeping exactly one partial assistant message', async () => {
    const run = await startRun('cancel me', { params: { delay_ms: 100, reply_words: 400 } });
    const stream = await openSse(`${api.url}/v1/runs/${run.id}/stream`, { cookie: api.cookie });
    await stream.waitFor((f) => f.event === 'assistant_message_delta' && (f.data as { payload: { index: number } }).payload.index >= 3);
    const t0 = Date.now();
    const res = await api.post(`/v1/runs/${run.id}/cancel`);
    expect(res.status).toBe(202);
    await stream.waitFor((f) => f.event === 'end');
    const stoppedMs = Date.now() - t0;
    console.log(`cancel → run_cancelled on the stream: ${stoppedMs} ms`);
    expect(stoppedMs).toBeLessThan(5_000); // functional bound; the figure itself is reported, not asserted tightly
    const events = persisted(stream.frames);
    expect(events.map((e) => e.kind)).toEqual(['run_created', 'user_message', 'assistant_message', 'run_cancelled']);
    const partial = events[2]!;
    const streamed = stream.frames
      .filter((f) => f.event === 'assistant_message_delta')
      .map((f) => (f.data as { payload: { delta: string } }).payload.delta)
      .join('');
    expect(partial.kind === 'assistant_message' && partial.payload.finish_reason).toBe('cancelled');
    const text = partial.kind === 'assistant_message' && 'text' in partial.payload.content ? partial.payload.content.text : '';
    expect(text.length).toBeGreaterThan(0);
    expect(streamed.startsWith(text) || text.startsWith(streamed)).toBe(true);
    expect(events[3]!.kind === 'run_cancelled' && events[3]!.payload.partial_output).toBe(true);
    expect((await waitForStatus(run.id, ['cancelled'])).status).toBe('cancelled');
    expect((await api.post(`/v1/runs/${run.id}/cancel`)).body.error.code).toBe('E_CONFLICT');
  });

  it('retries a run as a new run with the same pinned inputs, linked to the first', async () => {
    const original = await startRun('retry me', { params: { delay_ms: 0, reply_words: 5 }, seed: 7 });
    await waitForStatus(original.id, ['completed']);
    const res = await api.post(`/v1/runs/${original.id}/retry`);
    expect(res.status).toBe(201);
    const retry = Run.parse(res.body);
    expect(retry.id).not.toBe(original.id);
    expect(retry.retry_of).toBe(original.id);
    expect(retry.pins).toEqual(original.pins);
    await waitForStatus(retry.id, ['completed']);
    const a = await eventsOf(original.id);
    const b = await eventsOf(retry.id);
    expect(b[0]!.kind === 'run_created' && b[0]!.payload.retry_of).toBe(original.id);
    expect(b[1]!.payload).toEqual({ ...a[1]!.payload, message_id: `run-${retry.id}/user` }); // same input
    expect(b[2]!.kind === 'assistant_message' && b[2]!.payload.content).toEqual(a[2]!.kind === 'assistant_message' && a[2]!.payload.content); // same pins, same reply
  });

  it('keeps large input and output out of history and events (claim-check)', async () => {
    const big = 'x'.repeat(20_000);
    const run = await startRun(big, { params: { delay_ms: 0, reply_words: 3000 } });
    await waitForStatus(run.id, ['completed']);
    const events = await eventsOf(run.id);
    const user = events[1]!;
    const assistant = events[2]!;
    expect(user.kind === 'user_message' && 'artifact' in user.payload.content && user.payload.content.artifact.size_bytes).toBe(20_000);
    expect(assistant.kind === 'assistant_message' && 'artifact' in assistant.payload.content).toBe(true);
    expect(JSON.stringify(events).length).toBeLessThan(8_000);
    // The Temporal history carries references too: far smaller than the 20 KB in plus the ~20 KB reply out.
    const history = await api.app.get(TemporalService).client.workflow.getHandle(run.workflow_id).fetchHistory();
    expect(JSON.stringify(history).length).toBeLessThan(16_000);
  });

  it('fails a run pinned to an unconfigured provider with E_PROVIDER_* and a user-safe message in the timeline', async () => {
    const run = await startRun('who answers?', { provider: 'openai', model: 'gpt-4o' });
    const done = await waitForStatus(run.id, ['failed']);
    expect(done.error).toEqual({ code: 'E_PROVIDER_BAD_REQUEST', message: expect.stringContaining('No provider "openai" is configured') });
    const events = await eventsOf(run.id);
    expect(events.map((e) => e.kind)).toEqual(['run_created', 'user_message', 'run_failed']);
    // Not retryable: the model activity ran once.
    const history = await api.app.get(TemporalService).client.workflow.getHandle(run.workflow_id).fetchHistory();
    expect(history.events!.filter((e) => e.activityTaskStartedEventAttributes).map((e) => e.activityTaskStartedEventAttributes!.attempt)).toEqual([1]);
  });

  it('costs each model call from the editable price table and rolls it up per run', async () => {
    const put = await api.put('/v1/prices', {
      items: [{ provider: 'offline', model: 'offline-scripted-1', input_per_mtok_usd: 1500, output_per_mtok_usd: 6000 }],
    });
    expect(put.status).toBe(200);
    try {
      const run = await startRun('price me', { params: { delay_ms: 0, reply_words: 9 } });
      const done = await waitForStatus(run.id, ['completed']);
      const events = await eventsOf(run.id);
      const reply = events.find((e) => e.kind === 'assistant_message');
      const usage = reply?.kind === 'assistant_message' ? reply.payload.usage : { input_tokens: 0, output_tokens: 0 };
      const expected = (usage.input_tokens * 1500 + usage.output_tokens * 6000) / 1e6;
      expect(reply?.kind === 'assistant_message' && reply.payload.cost_usd).toBeCloseTo(expected, 6);
      expect(done.cost_usd).toBeCloseTo(expected, 6);
      expect(expected).toBeGreaterThan(0);
    } finally {
      await api.put('/v1/prices', { items: [{ provider: 'offline', model: 'offline-scripted-1', input_per_mtok_usd: 0, output_per_mtok_usd: 0 }] });
    }
    expect((await api.put('/v1/prices', { items: [] })).status).toBe(400);
  });

  it('enforces a token budget inside the workflow: budget_exceeded, then run_failed E_BUDGET_EXCEEDED', async () => {
    const res = await api.post(`/v1/threads/${threadId}/runs`, {
      message: 'too long',
      pins: { params: { delay_ms: 0, reply_words: 40 } },
      budget: { max_tokens: 10 },
    });
    const run = Run.parse(res.body);
    expect(run.budget).toEqual({ max_tokens: 10 });
    const done = await waitForStatus(run.id, ['failed']);
    expect(done.error?.code).toBe('E_BUDGET_EXCEEDED');
    const events = await eventsOf(run.id);
    expect(events.map((e) => e.kind)).toEqual(['run_created', 'user_message', 'assistant_message', 'system_event', 'run_failed']);
    expect(events[3]!.kind === 'system_event' && events[3]!.payload).toMatchObject({ type: 'budget_exceeded', data: { limit: 'tokens', max: 10 } });
    // A retry runs under the same limits.
    const retry = Run.parse((await api.post(`/v1/runs/${run.id}/retry`)).body);
    expect(retry.budget).toEqual({ max_tokens: 10 });
    expect((await waitForStatus(retry.id, ['failed'])).error?.code).toBe('E_BUDGET_EXCEEDED');
  });

  it('enforces a wall-time budget by cancelling the model call in flight', async () => {
    const t0 = Date.now();
    const run = await startRun('slow', { params: { delay_ms: 100, reply_words: 200 } }, { budget: { max_wall_ms: 1500 } });
    const done = await waitForStatus(run.id, ['failed']);
    expect(Date.now() - t0).toBeLessThan(15_000);
    expect(done.error?.code).toBe('E_BUDGET_EXCEEDED');
    const events = await eventsOf(run.id);
    expect(events.map((e) => e.kind)).toEqual(['run_created', 'user_message', 'system_event', 'run_failed']);
    expect(events[2]!.kind === 'system_event' && events[2]!.payload.data).toMatchObject({ limit: 'wall_time', max: 1500 });
    const rejected = await api.post(`/v1/threads/${threadId}/runs`, { message: 'x', budget: { max_tokens: -1 } });
    expect(rejected.status).toBe(400);
  });

  it('pauses on an exhausted budget when asked to, and resumes with the limit lifted', async () => {
    const run = await startRun('pause me', { params: { delay_ms: 0, reply_words: 40 } }, { budget: { max_tokens: 10, on_exceed: 'pause' } });
    await waitForStatus(run.id, ['paused']);
    let events = await eventsOf(run.id);
    expect(shapeOf(events)).toEqual(['run_created', 'user_message', 'assistant_message', 'budget_exceeded', 'paused']);
    expect(events[3]!.kind === 'system_event' && events[3]!.payload.data).toMatchObject({ limit: 'tokens', max: 10, action: 'pause' });
    // Only a paused run can be resumed; a malformed budget is refused before anything is signalled.
    expect((await api.post(`/v1/runs/${run.id}/resume`, { budget: { max_tokens: 0 } })).status).toBe(400);
    // A resume signal sent past the API is a doorbell with nothing recorded behind it, a malformed one is refused:
    // both are recorded as rejected and the run stays paused (D37).
    const handle = api.app.get(TemporalService).client.workflow.getHandle(run.workflow_id);
    await handle.signal(resumeRunSignal, { resumed_by: { type: 'user', id: 'mallory@nowhere' }, budget: { max_tokens: 1_000_000 } });
    await handle.signal(resumeRunSignal, {} as never);
    expect(await signalRejections(() => eventsOf(run.id), 2)).toEqual(
      expect.arrayContaining([
        { signal: 'resumeRun', reason: 'unrecorded', approval_id: null, problem: null },
        { signal: 'resumeRun', reason: 'malformed', approval_id: null, problem: 'bad resumed_by' },
      ]),
    );
    expect((await api.get(`/v1/runs/${run.id}`)).body.status).toBe('paused');
    const resumed = await api.post(`/v1/runs/${run.id}/resume`, { reason: 'worth it' });
    expect(resumed.status).toBe(202);
    await waitForStatus(run.id, ['completed']);
    events = await eventsOf(run.id);
    expect(shapeOf(events).slice(5)).toEqual(['signal_rejected', 'signal_rejected', 'resumed', 'run_completed']);
    const resumedEvent = events[7]!;
    expect(resumedEvent.actor).toEqual({ type: 'user', id: TEST_ADMIN.email });
    expect(resumedEvent.kind === 'system_event' && resumedEvent.payload).toMatchObject({
      message: `Resumed by ${TEST_ADMIN.email}: worth it`,
      data: { budget: { on_exceed: 'pause' } },
    });
    expect(events.filter((e) => e.kind === 'assistant_message')).toHaveLength(1);
    const again = await api.post(`/v1/runs/${run.id}/resume`, {});
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('E_CONFLICT');
  });

  it('pauses on wall time between steps, takes a new budget on resume, and can be cancelled while paused', async () => {
    const slowRun = await startRun('slow pause', { params: { delay_ms: 100, reply_words: 15 } }, { budget: { max_wall_ms: 300, on_exceed: 'pause' } });
    await waitForStatus(slowRun.id, ['paused']);
    let events = await eventsOf(slowRun.id);
    // The step in flight finished (a whole reply, not cancelled) before the run paused.
    expect(events[2]!.kind === 'assistant_message' && events[2]!.payload.finish_reason).toBe('stop');
    expect(events[3]!.kind === 'system_event' && events[3]!.payload.data).toMatchObject({ limit: 'wall_time', max: 300, action: 'pause' });
    expect((await api.post(`/v1/runs/${slowRun.id}/resume`, { budget: { max_wall_ms: 600_000, max_tokens: 100_000 } })).status).toBe(202);
    await waitForStatus(slowRun.id, ['completed']);
    events = await eventsOf(slowRun.id);
    expect(events[5]!.kind === 'system_event' && events[5]!.payload.data).toMatchObject({ budget: { max_wall_ms: 600_000, max_tokens: 100_000 } });

    const parked = await startRun('park', { params: { delay_ms: 0, reply_words: 40 } }, { budget: { max_tokens: 5, on_exceed: 'pause' } });
    await waitForStatus(parked.id, ['paused']);
    expect((await api.post(`/v1/runs/${parked.id}/cancel`)).status).toBe(202);
    await waitForStatus(parked.id, ['cancelled']);
    events = await eventsOf(parked.id);
    expect(shapeOf(events)).toEqual(['run_created', 'user_message', 'assistant_message', 'budget_exceeded', 'paused', 'run_cancelled']);
    expect(events[5]!.kind === 'run_cancelled' && events[5]!.payload.partial_output).toBe(false);
  });

  it('pushes run status changes on the project stream', async () => {
    const stream = await openSse(`${api.url}/v1/projects/${projectId}/stream`, { cookie: api.cookie });
    const run = await startRun('status please', { params: { delay_ms: 0, reply_words: 3 } });
    await stream.waitFor(
      (f) =>
        f.event === 'run_status' && (f.data as { run_id: string; status: string }).run_id === run.id && (f.data as { status: string }).status === 'completed',
    );
    const mine = stream.frames.filter((f) => (f.data as { run_id: string }).run_id === run.id).map((f) => (f.data as { status: string }).status);
    expect(mine).toEqual(['running', 'completed']);
    stream.close();
  });

  it('refuses UPDATE, DELETE and TRUNCATE on run_events at the database level', async () => {
    const c = new Client({ connectionString: stack.databaseUrl });
    await c.connect();
    try {
      await expect(c.query(`update run_events set kind = 'x'`)).rejects.toThrow(/append-only: UPDATE refused/);
      await expect(c.query(`delete from run_events`)).rejects.toThrow(/append-only: DELETE refused/);
      await expect(c.query(`truncate run_events`)).rejects.toThrow(/append-only: TRUNCATE refused/);
      expect(Number((await c.query('select count(*) from run_events')).rows[0].count)).toBeGreaterThan(0);
    } finally {
      await c.end();
    }
  });

  describe('bad input gets a clear error and loses nothing', () => {
    const envelope = (body: unknown) => ErrorEnvelope.parse(body).error;

    it('400 E_VALIDATION lists the failing fields', async () => {
      const res = await api.post('/v1/projects', { name: '', extra: 1 });
      expect(res.status).toBe(400);
      const err = envelope(res.body);
      expect(err.code).toBe('E_VALIDATION');
      expect((err.detail as Array<{ path: string }>).map((d) => d.path).sort()).toEqual(['(root)', 'name']);
      expect((await api.post(`/v1/threads/${threadId}/runs`, { message: '' })).status).toBe(400);
      expect((await api.get(`/v1/runs/${threadId}/events?limit=100000`)).status).toBe(400);
      expect(envelope((await api.get('/v1/runs/not-a-uuid')).body).code).toBe('E_VALIDATION');
    });

    it('404 E_NOT_FOUND for unknown ids', async () => {
      const unknown = '00000000-0000-4000-8000-000000000000';
      for (const path of [`/v1/runs/${unknown}`, `/v1/runs/${unknown}/events`, `/v1/projects/${unknown}/threads`, `/v1/threads/${unknown}/runs`]) {
        const res = await api.get(path);
        expect([path, res.status, envelope(res.body).code]).toEqual([path, 404, 'E_NOT_FOUND']);
      }
      expect((await api.post(`/v1/threads/${unknown}/runs`, { message: 'hi' })).status).toBe(404);
      const stream = await api.call('GET', `/v1/runs/${unknown}/stream`);
      expect(stream.status).toBe(404);
    });

    it('413 for an oversize body, 400 for malformed JSON, never a 500', async () => {
      const auth = { cookie: api.cookie, 'x-csrf-token': api.csrf, 'content-type': 'application/json' };
      const huge = await fetch(`${api.url}/v1/projects`, { method: 'POST', headers: auth, body: JSON.stringify({ name: 'x'.repeat(2_000_000) }) });
      expect(huge.status).toBe(413);
      expect(envelope(await huge.json()).code).toBe('E_PAYLOAD_TOO_LARGE');
      const bad = await fetch(`${api.url}/v1/projects`, { method: 'POST', headers: auth, body: '{"name": ' });
      expect(bad.status).toBe(400);
      expect(envelope(await bad.json()).code).toBe('E_VALIDATION');
      const badLastId = await api.call('GET', `/v1/runs/${threadId}/stream`, undefined, { 'last-event-id': 'abc' });
      expect(badLastId.status).toBe(400);
    });
  });
});
