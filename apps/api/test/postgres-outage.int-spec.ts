import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Run, RunEvent } from '@omniai/contracts';
import { startPostgresProcess } from '../../../tools/testing/postgres-child.mjs';
import { startTestApi, type TestApi } from './support/test-api';

const ROOT = join(__dirname, '..', '..', '..');

describe('fault: Postgres goes away in the middle of a run', () => {
  const dir = mkdtempSync(join(tmpdir(), 'omniai-outage-'));
  let port: number;
  let pg: Awaited<ReturnType<typeof startPostgresProcess>>;
  let api: TestApi;
  let worker: ChildProcess;

  beforeAll(async () => {
    chmodSync(dir, 0o755);
    port = await new Promise<number>((r) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => r(p));
      });
    });
    pg = await startPostgresProcess(join(dir, 'pg'), port);
    const taskQueue = `outage-${randomUUID()}`;
    const env = {
      DATABASE_URL: pg.url,
      TEMPORAL_ADDRESS: process.env['OMNI_TEST_TEMPORAL_ADDRESS']!,
      OMNI_TASK_QUEUE: taskQueue,
      OMNI_SECRETS_KEY: process.env['OMNI_TEST_SECRETS_KEY']!,
      OMNI_PAYLOAD_KEYS: process.env['OMNI_TEST_PAYLOAD_KEYS']!,
    };
    api = await startTestApi(env);
    worker = spawn(process.execPath, [join(ROOT, 'apps/worker/dist/main.js')], { env: { ...process.env, ...env }, stdio: 'ignore' });
  });

  afterAll(async () => {
    worker.kill('SIGKILL');
    await api.close();
    await pg.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers 503 E_DEPENDENCY_UNAVAILABLE while it is down, and the run completes once it is back', async () => {
    const project = (await api.post('/v1/projects', { name: 'Outage' })).body;
    const thread = (await api.post(`/v1/projects/${project.id}/threads`, {})).body;
    const run = Run.parse((await api.post(`/v1/threads/${thread.id}/runs`, { message: 'hold on', pins: { params: { delay_ms: 50, reply_words: 60 } } })).body);
    const deadline = Date.now() + 30_000;
    while ((await api.get(`/v1/runs/${run.id}`)).body.last_seq < 2) {
      if (Date.now() > deadline) throw new Error('the run never started');
      await new Promise((r) => setTimeout(r, 100));
    }

    await pg.stop();
    const down = await api.get(`/v1/runs/${run.id}`);
    expect(down.status).toBe(503);
    expect(down.body.error.code).toBe('E_DEPENDENCY_UNAVAILABLE');
    expect(JSON.stringify(down.body)).not.toMatch(/ECONNREFUSED|at /);
    expect(JSON.stringify(down.body)).not.toContain(decodeURIComponent(new URL(pg.url).password));
    await new Promise((r) => setTimeout(r, 5_000)); // the model call finishes; its appends fail and retry

    pg = await startPostgresProcess(join(dir, 'pg'), port);
    let final: Run | undefined;
    const until = Date.now() + 90_000;
    while (Date.now() < until) {
      const res = await api.get(`/v1/runs/${run.id}`);
      if (res.status === 200 && ['completed', 'failed', 'cancelled'].includes(res.body.status)) {
        final = Run.parse(res.body);
        break;
      }
      await new Promise((r) => setTimeout(r, 500));
    }
    expect(final?.status).toBe('completed');
    const events = (await api.get(`/v1/runs/${run.id}/events`)).body.items.map((e: unknown) => RunEvent.parse(e));
    expect(events.map((e: RunEvent) => [e.seq, e.kind])).toEqual([
      [1, 'run_created'],
      [2, 'user_message'],
      [3, 'assistant_message'],
      [4, 'run_completed'],
    ]);
  });
});
