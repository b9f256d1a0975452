import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
// The stack exactly as `npm start` runs it: the worker is a real process that can be killed, and start.mjs restarts it.
import { spawnStack, stackEnv } from '../testing/stack-process.mjs';
import { callOk, signIn } from '../testing/api-session.mjs';

const docker = new Docker();

let admin: Awaited<ReturnType<typeof signIn>>;
const json = (method: string, path: string, body?: unknown): Promise<any> => callOk(admin, method, path, body);

async function until<T>(what: string, probe: () => Promise<T | null | undefined | false>, timeoutMs = 90_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('a worker killed during a sandboxed tool call (npm start stack)', () => {
  const fixtures = mkdtempSync(join(tmpdir(), 'omni-crash-fixtures-'));
  let stack: ReturnType<typeof spawnStack>;
  let dataDir: string;

  beforeAll(async () => {
    writeFileSync(
      join(fixtures, '00-crash.json'),
      JSON.stringify({
        fixtures: [
          {
            match: 'sleepy computation',
            reply: 'Working on it.',
            tool_calls: [{ id: 'c1', name: 'python.compute', arguments: { code: 'import time\ntime.sleep(6)\nprint("survived")' } }],
            after_tools: 'It survived.',
          },
        ],
      }),
    );
    const env = await stackEnv({ OMNI_SCRIPTED_FIXTURES_DIR: fixtures, OMNI_LOG_LEVEL: 'warn' });
    dataDir = env.OMNI_DATA_DIR;
    stack = spawnStack(env);
    await stack.ready;
    admin = await signIn(stack.apiUrl);
  }, 240_000);

  afterAll(async () => {
    await stack?.interrupt();
    rmSync(fixtures, { recursive: true, force: true });
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('retries the call with the same idempotency key, removes the orphaned container, and the run completes', async () => {
    await json('PUT', `/v1/policy`, {
      grants: [{ level: 'workspace', subject: '*', scopes: ['python_exec'], require_approval: false }],
      kill_switch_external_writes: false,
    });
    const project = await json('POST', `/v1/projects`, { name: 'Crash' });
    const thread = await json('POST', `/v1/projects/${project.id}/threads`, {});
    const run = await json('POST', `/v1/threads/${thread.id}/runs`, { message: 'sleepy computation', pins: { params: { delay_ms: 0 } } });

    // The call's container is running: kill the worker process that owns it.
    const first = await until('the sandbox container', async () => (await docker.listContainers({ filters: { label: [`ai.omni.run_id=${run.id}`] } }))[0]);
    const key = first.Labels['ai.omni.idempotency_key'];
    // The run and the seq of its tool_call event (D41): run_created, user_message, assistant_message, tool_call.
    expect(key).toBe(`${run.id}/seq-4`);
    const workerPid = stack.descendants().find((pid: number) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('apps/worker/dist/main.js');
      } catch {
        return false;
      }
    });
    expect(workerPid).toBeDefined();
    process.kill(workerPid!, 'SIGKILL');

    // start.mjs restarts the worker; at start it reaps containers whose owner process is gone.
    await until(
      'the orphan to be removed',
      async () =>
        await docker
          .getContainer(first.Id)
          .inspect()
          .then(
            () => false,
            () => true,
          ),
    );
    // Temporal notices the missing heartbeats and retries the call on the new worker, under the same key.
    const second = await until('the retried container', async () =>
      (await docker.listContainers({ filters: { label: [`ai.omni.idempotency_key=${key}`] } })).find((c) => c.Id !== first.Id),
    );
    expect(second.Labels['ai.omni.idempotency_key']).toBe(key);
    await until('the run to complete', async () => (await json('GET', `/v1/runs/${run.id}`)).status === 'completed');
    const events = (await json('GET', `/v1/runs/${run.id}/events`)).items as Array<{ kind: string; payload: any }>;
    const results = events.filter((e) => e.kind === 'tool_result');
    expect(results).toHaveLength(1);
    expect(results[0]!.payload.result.inline.stdout).toBe('survived\n');
    expect(events.filter((e) => e.kind === 'tool_error')).toHaveLength(0);
    expect(await docker.listContainers({ all: true, filters: { label: [`ai.omni.run_id=${run.id}`] } })).toHaveLength(0);
    // Which process removed the orphan is not asserted: the restarted worker's reaper, the retry's sweep of its own
    // idempotency key, or another worker starting on this host (a concurrent test) all may, and all are correct.
  }, 180_000);
});
