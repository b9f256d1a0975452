import { RunEvent } from '@omniai/contracts';
import { GRAPH_TEMPLATES, projectNodeStates } from '@omniai/graphs';
import { DocumentStore } from '@omniai/store';
import { GraphKit } from './graph-test-kit';

// Every template the console offers runs offline to its end on the real worker: the offline model (with the
// templates' scripted fixtures), the built-in tools over the project's files, approvals decided as the API does.
describe('the graph templates run offline through graphRunWorkflow', () => {
  let kit: GraphKit;

  beforeAll(async () => {
    kit = await GraphKit.start('templates');
    await kit.policy({
      grants: [{ level: 'workspace', subject: '*', scopes: ['read_files', 'write_files'], require_approval: false }],
      kill_switch_external_writes: false,
    });
    const docs = new DocumentStore(kit.ds);
    await docs.ingest(kit.projectId, 'notes/approval.md', 'Approvals wait for a reviewer; an approval node is decided in the inbox.', 'text/markdown');
    await docs.ingest(kit.projectId, 'notes/runs.md', 'Every run keeps its history; approval decisions are recorded.', 'text/markdown');
  }, 120_000);

  afterAll(() => kit?.stop());

  it.each(GRAPH_TEMPLATES.map((t) => [t.id, t] as const))('%s completes, every node done or skipped', async (_id, template) => {
    const started = await kit.start(template.spec, template.sample_input);
    // Approve whatever waits for a reviewer (the approval node, a tool the policy sends to review) until the run ends.
    let ended = false;
    const result = started.handle.result().finally(() => (ended = true));
    while (!ended) {
      const [pending] = (await kit.ds.query(`select id from approvals where run_id = $1 and status = 'pending'`, [started.runId])) as unknown[];
      if (pending) await kit.decide(started.runId, 'approve');
      else await new Promise((r) => setTimeout(r, 200));
    }
    expect(await result).toMatchObject({ status: 'completed', output: expect.anything() });
    const events = (await kit.events(started.runId)).map((e) => RunEvent.parse(e));
    const states = projectNodeStates(template.spec, events);
    expect(states.filter((s) => s.status !== 'completed' && s.status !== 'skipped')).toEqual([]);
    expect(states.filter((s) => s.status === 'completed').length).toBeGreaterThan(1);
  });
});
