import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { GraphKit, shape } from './graph-test-kit';

const ROOT = join(__dirname, '..', '..', '..', '..');
const ITEMS = 200;

/** The built worker as a real OS process (what `npm start` runs), so that it can be SIGKILLed. */
function spawnWorker(env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, [join(ROOT, 'apps/worker/dist/main.js')], { env: { ...process.env, ...env }, stdio: 'ignore' });
}

describe('durability: SIGKILL the worker in the middle of a map of 200 items', () => {
  const taskQueue = `graph-durability-${randomUUID()}`;
  let kit: GraphKit;
  let env: Record<string, string>;
  const workers: ChildProcess[] = [];

  beforeAll(async () => {
    kit = await GraphKit.withoutWorker('graphdurable', taskQueue);
    env = {
      DATABASE_URL: kit.databaseUrl,
      TEMPORAL_ADDRESS: process.env['OMNI_TEST_TEMPORAL_ADDRESS']!,
      OMNI_TASK_QUEUE: taskQueue,
      OMNI_SECRETS_KEY: process.env['OMNI_TEST_SECRETS_KEY']!,
      OMNI_PAYLOAD_KEYS: process.env['OMNI_TEST_PAYLOAD_KEYS']!,
    };
  }, 120_000);

  afterAll(async () => {
    workers.forEach((w) => w.kill('SIGKILL'));
    await kit?.stop();
  });

  it('completes after a new worker starts; each item ran its tool once; verify-run finds no difference', async () => {
    workers.push(spawnWorker(env));
    // The worker registers its built-in tools when it starts: the run is pinned to them.
    await kit.until(
      'the worker to register its tools',
      async () => ((await kit.ds.query(`select 1 from tool_manifests where tool_id = 'documents.search'`)).length ? true : undefined),
      90_000,
    );
    const items = Array.from({ length: ITEMS }, (_, i) => `item ${i}`);
    const started = await kit.start(
      {
        schema: 'omni.graph/v1',
        name: 'map of 200',
        nodes: [
          {
            id: 'each',
            kind: 'map',
            items: { var: 'input.items' },
            body: { kind: 'tool', tool: { id: 'documents.search' }, arguments: { query: '{{ item }}' } },
            batch_size: 50,
            concurrency: 4,
          },
          { id: 'done', kind: 'output', value: { count: { $logic: { reduce: [{ var: 'nodes.each.output' }, { '+': [{ var: 'accumulator' }, 1] }, 0] } } } },
        ],
        edges: [{ from: 'each', to: 'done' }],
      },
      { items },
    );
    const executed = async () =>
      Number((await kit.ds.query(`select count(*)::int as n from tool_executions where run_id = $1 and outcome is not null`, [started.runId]))[0].n);
    // Kill in the middle of the map: some items done, most still to run.
    await kit.until('a quarter of the items', async () => ((await executed()) >= ITEMS / 4 ? true : undefined), 120_000);
    workers[0]!.kill('SIGKILL');
    await new Promise((r) => workers[0]!.once('exit', r));
    const atKill = await executed();
    expect(atKill).toBeLessThan(ITEMS);

    workers.push(spawnWorker(env));
    const result = await started.handle.result();
    expect(result).toMatchObject({ status: 'completed', output: { inline: { count: ITEMS } } });
    expect((await kit.runs.getRun(started.runId))!.status).toBe('completed');

    const records = await kit.graphRuns.toolExecutions(started.runId);
    expect(records.map((r) => r.idempotency_key).sort()).toEqual(items.map((_, i) => `${started.runId}/each/${i}`).sort());
    // Each item's tool ran to an outcome exactly once, however many activity attempts the kill caused.
    expect(records.filter((r) => r.executions !== 1 || r.ok !== true)).toEqual([]);

    const events = await kit.events(started.runId);
    expect(shape(events)).toEqual(['run_created', 'node_started:each', 'node_completed:each', 'node_started:done', 'node_completed:done', 'run_completed']);

    const verify = spawnSync(process.execPath, [join(ROOT, 'tools/omni.mjs'), 'verify-run', started.runId], {
      env: { ...process.env, ...env },
      encoding: 'utf8',
    });
    expect(verify.stdout).toContain(`history rebuilds ${events.length} events, Postgres has ${events.length}`);
    expect(verify.stdout).toContain('no difference between history and projection');
    expect(verify.status).toBe(0);
  }, 300_000);
});
