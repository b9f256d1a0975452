import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { researchRequest, ResearchKit, RESEARCH_PINS, SAMPLE_QUESTION } from './research-kit';

const ROOT = join(__dirname, '..', '..', '..', '..');

/** The built worker as a real OS process (what `npm start` runs), so that it can be SIGKILLed. */
function spawnWorker(env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, [join(ROOT, 'apps/worker/dist/main.js')], { env: { ...process.env, ...env }, stdio: 'ignore' });
}

// Issue 16: "A worker killed mid-research resumes; each source was fetched once; verify-run reports no difference."
describe('durability: SIGKILL the worker in the middle of a research run', () => {
  const taskQueue = `research-durability-${randomUUID()}`;
  let kit: ResearchKit;
  let env: Record<string, string>;
  const workers: ChildProcess[] = [];

  beforeAll(async () => {
    kit = await ResearchKit.withoutWorker('researchdurable', taskQueue);
    env = {
      DATABASE_URL: kit.graph.databaseUrl,
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

  it('resumes on a new worker and completes; each source was fetched once; verify-run finds no difference', async () => {
    workers.push(spawnWorker(env));
    const request = researchRequest(SAMPLE_QUESTION);
    // The offline model types its answers out slowly here, so that the kill lands while claims are being extracted.
    const { runId, handle } = await kit.start(request, { ...RESEARCH_PINS, params: { delay_ms: 40 } });
    const read = async () => (await kit.sources.list(runId)).filter((s) => s.outcome?.ok).length;
    await kit.graph.until('every source read', async () => ((await read()) === 4 ? true : undefined), 120_000);
    expect((await kit.graph.runs.getRun(runId))!.status).toBe('running');
    workers[0]!.kill('SIGKILL');
    await new Promise((r) => workers[0]!.once('exit', r));

    workers.push(spawnWorker(env));
    const result = await handle.result();
    expect(result.status).toBe('completed');
    expect((await kit.graph.runs.getRun(runId))!.status).toBe('completed');

    const rows = await kit.sources.list(runId);
    expect(rows.map((r) => ({ locator: r.locator, fetches: r.fetches })).sort((a, b) => a.locator.localeCompare(b.locator))).toEqual(
      ['approvals', 'durable-runs', 'research', 'sandbox'].map((n) => ({ locator: `doc:research-corpus/${n}.md`, fetches: 1 })),
    );
    const view = await kit.view(runId, request);
    expect(view.report!.metrics.verified_ratio).toBe(1);
    // Each source's read step is recorded once: the replay did not read again.
    const events = await kit.events(runId);
    expect(events.filter((e) => e.kind === 'node_started' && e.payload.node_id.startsWith('read_'))).toHaveLength(4);

    const verify = spawnSync(process.execPath, [join(ROOT, 'tools/omni.mjs'), 'verify-run', runId], { env: { ...process.env, ...env }, encoding: 'utf8' });
    if (verify.status !== 0) console.log(verify.stdout, verify.stderr);
    expect(verify.stdout).toContain(`history rebuilds ${events.length} events, Postgres has ${events.length}`);
    expect(verify.stdout).toContain('no difference between history and projection');
    expect(verify.status).toBe(0);
  }, 300_000);
});
