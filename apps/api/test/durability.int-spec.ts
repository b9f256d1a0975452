import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { Run, RunEvent } from '@omniai/contracts';
import { createTestDatabase } from '@omniai/store/testing';
import { openSse } from './support/sse-client';
import { startTestApi, type TestApi } from './support/test-api';

const ROOT = join(__dirname, '..', '..', '..');

/** The built worker as a real OS process (what `npm start` runs), so it can be SIGKILLed. */
function spawnWorker(env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, [join(ROOT, 'apps/worker/dist/main.js')], { env: { ...process.env, ...env }, stdio: 'ignore' });
}

describe('durability: SIGKILL the worker in the middle of a run', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let api: TestApi;
  const taskQueue = `durability-${randomUUID()}`;
  let env: Record<string, string>;
  const workers: ChildProcess[] = [];

  beforeAll(async () => {
    db = await createTestDatabase('durable');
    api = await startTestApi({ DATABASE_URL: db.url, OMNI_TASK_QUEUE: taskQueue });
    env = {
      DATABASE_URL: db.url,
      TEMPORAL_ADDRESS: process.env['OMNI_TEST_TEMPORAL_ADDRESS']!,
      OMNI_TASK_QUEUE: taskQueue,
      OMNI_SECRETS_KEY: process.env['OMNI_TEST_SECRETS_KEY']!,
      OMNI_PAYLOAD_KEYS: process.env['OMNI_TEST_PAYLOAD_KEYS']!,
    };
  });

  afterAll(async () => {
    workers.forEach((w) => w.kill('SIGKILL'));
    await api.close();
    await db.drop();
  });

  it('completes the run after a restart, with seq 1..N and history equal to the projection', async () => {
    workers.push(spawnWorker(env));
    const project = (await api.post('/v1/projects', { name: 'Durability' })).body;
    const thread = (await api.post(`/v1/projects/${project.id}/threads`, {})).body;
    const run = Run.parse(
      (await api.post(`/v1/threads/${thread.id}/runs`, { message: 'survive a crash', pins: { params: { delay_ms: 60, reply_words: 80 } } })).body,
    );

    const stream = await openSse(`${api.url}/v1/runs/${run.id}/stream`, { cookie: api.cookie });
    await stream.waitFor((f) => f.event === 'assistant_message_delta' && (f.data as { payload: { index: number } }).payload.index >= 10, 60_000);
    workers[0]!.kill('SIGKILL');
    await new Promise((r) => workers[0]!.once('exit', r));

    workers.push(spawnWorker(env));
    await stream.waitFor((f) => f.event === 'end', 90_000);

    const events = (await api.get(`/v1/runs/${run.id}/events`)).body.items.map((e: unknown) => RunEvent.parse(e));
    expect(events.map((e: RunEvent) => e.seq)).toEqual([1, 2, 3, 4]);
    expect(events.map((e: RunEvent) => e.kind)).toEqual(['run_created', 'user_message', 'assistant_message', 'run_completed']);
    expect(new Set(events.map((e: RunEvent) => e.event_id)).size).toBe(4);
    expect((await api.get(`/v1/runs/${run.id}`)).body.status).toBe('completed');

    // The resumed model call picked up after the last heartbeat: every delta index arrived at least once.
    const indexes = new Set(
      stream.frames.filter((f) => f.event === 'assistant_message_delta').map((f) => (f.data as { payload: { index: number } }).payload.index),
    );
    expect(indexes.size).toBe(81);

    const verify = spawnSync(process.execPath, [join(ROOT, 'tools/omni.mjs'), 'verify-run', run.id], { env: { ...process.env, ...env }, encoding: 'utf8' });
    expect(verify.stdout).toContain('history rebuilds 4 events, Postgres has 4');
    expect(verify.stdout).toContain('no difference between history and projection');
    expect(verify.status).toBe(0);
  });
});
