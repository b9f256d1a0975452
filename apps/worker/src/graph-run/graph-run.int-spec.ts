import { WorkflowFailedError } from '@temporalio/client';
import { RunEvent } from '@omniai/contracts';
import { verifyRun } from '../verify/verify-run';
import { sourceBundlerOptions, testDataConverter } from '../testing';
import { GraphKit, nodeEvents, READ_POLICY, shape } from './graph-test-kit';

// graphRunWorkflow on the real Temporal dev server (TestWorkflowEnvironment client), a real worker with every
// activity, real Postgres. One test per node kind, then the failure paths: error edge, retry, timeout, cancel, a
// denied tool, approvals approved / denied / timed out, an expression over its limits.

const graph = (nodes: unknown[], edges: unknown[] = [], more: object = {}) => ({ schema: 'omni.graph/v1', name: 'test graph', nodes, edges, ...more });
const search = (id: string, query: unknown = 'durable', more: object = {}) => ({
  id,
  kind: 'tool',
  tool: { id: 'documents.search' },
  arguments: { query },
  ...more,
});
const output = (id: string, value: unknown) => ({ id, kind: 'output', value });
const edge = (from: string, to: string, port?: string, condition?: unknown) => ({ from, to, ...(port ? { port } : {}), ...(condition ? { condition } : {}) });

describe('graphRunWorkflow on the real dev server', () => {
  let kit: GraphKit;

  beforeAll(async () => {
    kit = await GraphKit.start('graphs', [{ match: '[json-bad]', reply: 'not json at all' }]);
  }, 120_000);

  afterAll(() => kit?.stop());

  /** Waits for the run's result and returns it with the run's events (contract-checked). */
  const finish = async (started: Awaited<ReturnType<GraphKit['start']>>) => {
    const result = await started.handle.result();
    const events = (await kit.events(started.runId)).map((e) => RunEvent.parse(e));
    return { result, events };
  };
  /** Waits for a run that fails; its events and the run row. */
  const failing = async (started: Awaited<ReturnType<GraphKit['start']>>) => {
    await expect(started.handle.result()).rejects.toBeInstanceOf(WorkflowFailedError);
    const events = await kit.events(started.runId);
    return { events, run: (await kit.runs.getRun(started.runId))!, last: events.at(-1)! };
  };

  it('tool node: the chat tool path under the node call id, its result as the node output and the run result', async () => {
    const started = await kit.start(
      graph([search('find', '{{ input.q }}'), output('done', { hits: '{{ nodes.find.output.results }}' })], [edge('find', 'done')]),
      { q: 'plan' },
    );
    const { result, events } = await finish(started);
    expect(shape(events)).toEqual([
      'run_created',
      'node_started:find',
      'tool_call',
      'tool_result',
      'node_completed:find',
      'node_started:done',
      'node_completed:done',
      'run_completed',
    ]);
    const call = events.find((e) => e.kind === 'tool_call')!;
    expect(call.kind === 'tool_call' && call.payload).toMatchObject({
      call_id: 'find#1',
      tool_id: 'documents.search',
      arguments: { inline: { query: 'plan' } },
    });
    const startedFind = nodeEvents(events, 'find')[0]!;
    expect(startedFind.kind === 'node_started' && startedFind.payload.input).toEqual({
      inline: { tool: { id: 'documents.search' }, arguments: { query: 'plan' } },
    });
    expect(result).toMatchObject({ status: 'completed', output: { inline: { hits: [] } } });
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    expect((await kit.runs.getRun(started.runId))!.status).toBe('completed');
    const verified = await verifyRun(
      { client: kit.env.client, runs: kit.runs, dataConverter: testDataConverter(), bundlerOptions: sourceBundlerOptions as never },
      started.runId,
    );
    expect(verified.differences).toEqual([]);
    expect(verified.fromHistory).toBe(events.length);
  });

  it('a large output is stored as an artifact: node_completed carries its reference and a preview, the run records the reference', async () => {
    const big = 'x'.repeat(10_000);
    const started = await kit.start(graph([output('done', { text: '{{ input.big }}' })]), { big });
    const { result, events } = await finish(started);
    const completed = nodeEvents(events, 'done').find((e) => e.kind === 'node_completed')!;
    const stored = completed.kind === 'node_completed' ? completed.payload.output : null;
    expect(stored).toEqual({ artifact: expect.objectContaining({ media_type: 'application/json' }), preview: expect.stringMatching(/^\{"text":"xxx/) });
    expect(result.output).toEqual(stored);
    const sha = stored && 'artifact' in stored ? stored.artifact.sha256 : '';
    const refs = await kit.ds.query(`select 1 from artifact_refs where artifact_hash = $1 and run_id = $2`, [sha, started.runId]);
    expect(refs).toHaveLength(1);
  });

  it('model node: text without a schema; with output_schema the offline model answers schema-valid JSON', async () => {
    const schema = {
      type: 'object',
      properties: { label: { type: 'string', enum: ['bug', 'question'] }, score: { type: 'integer', minimum: 3 } },
      required: ['label', 'score'],
    };
    const { result, events } = await finish(
      await kit.start(
        graph(
          [
            { id: 'say', kind: 'model', prompt: 'Say something about {{ input.topic }}' },
            { id: 'classify', kind: 'model', system: 'You classify tickets.', prompt: 'Ticket: {{ input.topic }}', output_schema: schema },
            output('done', { text: '{{ nodes.say.output }}', label: '{{ nodes.classify.output.label }}', score: '{{ nodes.classify.output.score }}' }),
          ],
          [edge('say', 'classify'), edge('classify', 'done')],
        ),
        { topic: 'graphs' },
      ),
    );
    expect(result.output).toMatchObject({ inline: { label: 'bug', score: 3 } });
    expect((result.output as { inline: { text: string } }).inline.text).toContain('(offline model)');
    const completed = nodeEvents(events, 'classify').find((e) => e.kind === 'node_completed')!;
    expect(completed.kind === 'node_completed' && completed.payload.usage?.output_tokens).toBeGreaterThan(0);
  });

  it('model node: a reply that is not valid against output_schema is a node error that fails the run naming the node', async () => {
    const { events, run } = await failing(
      await kit.start(graph([{ id: 'classify', kind: 'model', prompt: '[json-bad] {{ input }}', output_schema: { type: 'object', required: ['label'] } }])),
    );
    const failed = nodeEvents(events, 'classify').find((e) => e.kind === 'node_failed')!;
    expect(failed.kind === 'node_failed' && failed.payload).toMatchObject({ code: 'E_GRAPH_OUTPUT_INVALID', will_retry: false });
    expect(run.error).toMatchObject({ code: 'E_GRAPH_NODE_FAILED' });
    expect(run.error!.message).toContain('classify');
  });

  it('agent node: a child agentRunWorkflow with its own run row, linked by parent run and node, no thread', async () => {
    const started = await kit.start(
      graph(
        [{ id: 'brief', kind: 'agent', prompt: 'Write a brief on {{ input.topic }}' }, output('done', '{{ nodes.brief.output }}')],
        [edge('brief', 'done')],
      ),
      {
        topic: 'durability',
      },
    );
    const { result, events } = await finish(started);
    const children = await kit.graphRuns.childRuns(started.runId);
    expect(children).toEqual([expect.objectContaining({ node_id: 'brief', kind: 'chat', status: 'completed' })]);
    const child = (await kit.runs.getRun(children[0]!.id))!;
    expect(child).toMatchObject({ thread_id: null, parent: { run_id: started.runId, node_id: 'brief' } });
    const completed = nodeEvents(events, 'brief').find((e) => e.kind === 'node_completed')!;
    expect(completed.kind === 'node_completed' && completed.payload.child_run_id).toBe(child.id);
    expect(String((result.output as { inline: unknown }).inline)).toContain('Write a brief on durability');
    expect(shape(await kit.events(child.id))).toEqual(['run_created', 'user_message', 'assistant_message', 'run_completed']);
  });

  it('branch node: the first case that holds takes its port; the other branch is skipped', async () => {
    const spec = graph(
      [{ id: 'route', kind: 'branch', cases: [{ id: 'big', when: { '>': [{ var: 'input.n' }, 5] } }] }, output('large', 'big'), output('small', 'small')],
      [edge('route', 'large', 'big'), edge('route', 'small', 'else')],
    );
    const big = await finish(await kit.start(spec, { n: 9 }));
    expect(big.result.output).toEqual({ inline: 'big' });
    expect(shape(big.events)).toContain('node_skipped:small:not_taken');
    const small = await finish(await kit.start(spec, { n: 1 }));
    expect(small.result.output).toEqual({ inline: 'small' });
    const route = nodeEvents(small.events, 'route').find((e) => e.kind === 'node_completed')!;
    expect(route.kind === 'node_completed' && route.payload.port).toBe('else');
  });

  it('edge conditions: an edge is taken only when its condition holds over the scope', async () => {
    const { result, events } = await finish(
      await kit.start(
        graph(
          [search('find'), output('hit', 'hit'), output('miss', 'miss')],
          [
            edge('find', 'hit', undefined, { '>': [{ var: 'nodes.find.output.results.length' }, 0] }),
            edge('find', 'miss', undefined, { '==': [{ var: 'nodes.find.output.results.length' }, 0] }),
          ],
        ),
      ),
    );
    expect(result.output).toEqual({ inline: 'miss' });
    expect(shape(events)).toContain('node_skipped:hit:not_taken');
  });

  it('parallel node: join `any` starts the join with the first branch and cancels the other (skipped, join_satisfied)', async () => {
    const began = Date.now();
    const { result, events } = await finish(
      await kit.start(
        graph(
          [
            { id: 'fan', kind: 'parallel', join: 'any', join_at: 'join' },
            { id: 'quick', kind: 'wait', duration_ms: 50 },
            { id: 'slow', kind: 'wait', duration_ms: 120_000 },
            output('join', 'joined'),
          ],
          [edge('fan', 'quick'), edge('fan', 'slow'), edge('quick', 'join'), edge('slow', 'join')],
        ),
      ),
    );
    expect(Date.now() - began).toBeLessThan(60_000);
    expect(result.output).toEqual({ inline: 'joined' });
    expect(shape(events)).toContain('node_skipped:slow:join_satisfied');
    expect(shape(events).filter((s) => s.startsWith('node_completed'))).toEqual(['node_completed:fan', 'node_completed:quick', 'node_completed:join']);
  });

  it('parallel node: join `first_n` starts the join after n branches', async () => {
    const { events } = await finish(
      await kit.start(
        graph(
          [
            { id: 'fan', kind: 'parallel', join: 'first_n', n: 2, join_at: 'join' },
            { id: 'a', kind: 'wait', duration_ms: 10 },
            { id: 'b', kind: 'wait', duration_ms: 300 },
            { id: 'c', kind: 'wait', duration_ms: 120_000 },
            output('join', 'two'),
          ],
          [edge('fan', 'a'), edge('fan', 'b'), edge('fan', 'c'), edge('a', 'join'), edge('b', 'join'), edge('c', 'join')],
        ),
      ),
    );
    const s = shape(events);
    expect(s).toContain('node_skipped:c:join_satisfied');
    expect(s.indexOf('node_completed:b')).toBeLessThan(s.indexOf('node_started:join'));
  });

  it('parallel node: join `all` waits for every branch', async () => {
    const { result, events } = await finish(
      await kit.start(
        graph(
          [
            { id: 'fan', kind: 'parallel', join_at: 'join' },
            search('a', 'alpha'),
            search('b', 'beta'),
            output('join', { a: '{{ nodes.a.status }}', b: '{{ nodes.b.status }}' }),
          ],
          [edge('fan', 'a'), edge('fan', 'b'), edge('a', 'join'), edge('b', 'join')],
        ),
      ),
    );
    expect(result.output).toEqual({ inline: { a: 'completed', b: 'completed' } });
    expect(shape(events).filter((s) => s.startsWith('node_skipped'))).toEqual([]);
  });

  it('map node: batches of child workflows, results in item order, each item tool run once under its idempotency key', async () => {
    const items = Array.from({ length: 7 }, (_, i) => `item-${i}`);
    const started = await kit.start(
      graph(
        [
          {
            id: 'each',
            kind: 'map',
            items: { var: 'input.items' },
            body: { kind: 'tool', tool: { id: 'documents.search' }, arguments: { query: '{{ item }}', limit: 1 } },
            batch_size: 3,
            concurrency: 2,
          },
          output('done', { count: { $logic: { reduce: [{ var: 'nodes.each.output' }, { '+': [{ var: 'accumulator' }, 1] }, 0] } } }),
        ],
        [edge('each', 'done')],
      ),
      { items },
    );
    const { result, events } = await finish(started);
    expect(result.output).toEqual({ inline: { count: 7 } });
    const completed = nodeEvents(events, 'each').find((e) => e.kind === 'node_completed')!;
    expect(completed.kind === 'node_completed' && completed.payload.output).toEqual({ inline: items.map(() => ({ results: [] })) });
    const executions = await kit.graphRuns.toolExecutions(started.runId);
    expect(executions.map((x) => x.idempotency_key)).toEqual(items.map((_, i) => `${started.runId}/each/${i}`).sort());
    expect(executions.every((x) => x.executions === 1 && x.ok === true)).toBe(true);
  });

  it('map node: a model body answers per item (schema-valid JSON offline)', async () => {
    const { result } = await finish(
      await kit.start(
        graph(
          [
            {
              id: 'each',
              kind: 'map',
              items: { var: 'input.items' },
              body: {
                kind: 'model',
                prompt: 'Rate {{ item }}',
                output_schema: { type: 'object', properties: { score: { type: 'integer', minimum: 1 } }, required: ['score'] },
              },
            },
            output('done', '{{ nodes.each.output }}'),
          ],
          [edge('each', 'done')],
        ),
        { items: ['a', 'b', 'c'] },
      ),
    );
    expect(result.output).toEqual({ inline: [{ score: 1 }, { score: 1 }, { score: 1 }] });
  });

  it('map node: cancelling the run cancels its coordinator and batches', async () => {
    const started = await kit.start(
      graph([
        {
          id: 'each',
          kind: 'map',
          items: { var: 'input.items' },
          body: {
            kind: 'subgraph',
            graph_id: (await kit.saveGraph(graph([{ id: 'slow', kind: 'wait', duration_ms: 120_000 }]))).graph_id,
            version: 1,
            input: {},
          },
          concurrency: 2,
          batch_size: 1,
        },
      ]),
      { items: [1, 2, 3] },
    );
    const children = await kit.until('two child runs', async () => {
      const rows = await kit.graphRuns.childRuns(started.runId);
      return rows.length >= 2 && rows.every((r) => r.status === 'running') ? rows : undefined;
    });
    await started.handle.cancel();
    await expect(started.handle.result()).rejects.toBeInstanceOf(WorkflowFailedError);
    expect(shape(await kit.events(started.runId)).at(-1)).toBe('run_cancelled');
    for (const child of children) {
      await kit.until(`child ${child.id} to end`, async () => ((await kit.runs.getRun(child.id))!.status === 'cancelled' ? true : undefined));
    }
    const coordinator = await kit.env.client.workflow.getHandle(`run-${started.runId}/map/each/1`).describe();
    expect(coordinator.status.name).toBe('CANCELLED');
  });

  it('map node: on_item_error continue keeps failed items as errors; fail fails the node', async () => {
    const spec = (mode: string) =>
      graph([
        {
          id: 'each',
          kind: 'map',
          items: { var: 'input.items' },
          body: { kind: 'tool', tool: { id: 'documents.search' }, arguments: { query: '{{ item }}' } },
          on_item_error: mode,
        },
      ]);
    const cont = await finish(await kit.start(spec('continue'), { items: ['ok', '  '] }));
    const done = nodeEvents(cont.events, 'each').find((e) => e.kind === 'node_completed')!;
    expect(done.kind === 'node_completed' && done.payload.output).toEqual({
      inline: [{ results: [] }, { error: { code: 'E_VALIDATION', message: expect.any(String) } }],
    });
    const { run } = await failing(await kit.start(spec('fail'), { items: ['ok', '  '] }));
    expect(run.error!.message).toContain('item 1 of each');
  });

  it('wait node: a durable timer for duration_ms, or until a rendered ISO time', async () => {
    const until = new Date(Date.now() + 1500).toISOString();
    const began = Date.now();
    const { result } = await finish(
      await kit.start(
        graph([{ id: 'pause', kind: 'wait', until: '{{ input.at }}' }, output('done', '{{ nodes.pause.output.waited_ms }}')], [edge('pause', 'done')]),
        { at: until },
      ),
    );
    expect(Date.now() - began).toBeGreaterThanOrEqual(1000);
    expect((result.output as { inline: number }).inline).toBeGreaterThan(0);
  });

  it('subgraph node: another graph at a pinned version as a child run with its parent', async () => {
    const child = await kit.saveGraph(graph([output('twice', { $logic: { '*': [{ var: 'input.n' }, 2] } })]));
    const started = await kit.start(
      graph(
        [{ id: 'sub', kind: 'subgraph', graph_id: child.graph_id, version: 1, input: { n: '{{ input.n }}' } }, output('done', '{{ nodes.sub.output }}')],
        [edge('sub', 'done')],
      ),
      { n: 21 },
    );
    const { result } = await finish(started);
    expect(result.output).toEqual({ inline: 42 });
    const [row] = await kit.graphRuns.childRuns(started.runId);
    expect(row).toMatchObject({ node_id: 'sub', kind: 'graph', status: 'completed' });
    expect((await kit.runs.getRun(row!.id))!.graph).toEqual({ graph_id: child.graph_id, version: 1, spec_hash: child.spec_hash });
  });

  it('output node: validated against the graph output_schema (a mismatch fails the run)', async () => {
    const { events, run } = await failing(await kit.start(graph([output('done', 'text')], [], { output_schema: { type: 'object' } })));
    expect(shape(events).at(-1)).toBe('run_failed');
    expect(nodeEvents(events, 'done').at(-1)).toMatchObject({ kind: 'node_failed', payload: { code: 'E_GRAPH_OUTPUT_INVALID' } });
    expect(run.status).toBe('failed');
  });

  it('error edge: a failed node leaves by `error` and the run goes on', async () => {
    const { result, events } = await finish(
      await kit.start(
        graph([search('find', '   '), output('recovered', { code: '{{ nodes.find.output.error.code }}' })], [edge('find', 'recovered', 'error')]),
      ),
    );
    expect(result.output).toEqual({ inline: { code: 'E_VALIDATION' } });
    expect(shape(events)).toEqual([
      'run_created',
      'node_started:find',
      'tool_call',
      'tool_error',
      'node_failed:find',
      'node_started:recovered',
      'node_completed:recovered',
      'run_completed',
    ]);
  });

  it('retry: attempts numbered in the events, will_retry until the last; then the run fails naming the node', async () => {
    const { events, run } = await failing(await kit.start(graph([search('find', '  ', { retry: { max_attempts: 3, initial_interval_ms: 100, backoff: 2 } })])));
    const failed = nodeEvents(events, 'find').filter((e) => e.kind === 'node_failed');
    expect(failed.map((e) => e.kind === 'node_failed' && [e.payload.attempt, e.payload.will_retry, e.payload.retry_in_ms ?? null])).toEqual([
      [1, true, 100],
      [2, true, 200],
      [3, false, null],
    ]);
    const calls = events.filter((e) => e.kind === 'tool_call').map((e) => e.kind === 'tool_call' && e.payload.call_id);
    expect(calls).toEqual(['find#1', 'find#2', 'find#3']);
    expect(run.error).toEqual({ code: 'E_GRAPH_NODE_FAILED', message: expect.stringContaining('Node find failed: E_VALIDATION') });
  });

  it('timeout: an attempt over timeout_ms fails with E_NODE_TIMEOUT', async () => {
    const { events, run } = await failing(await kit.start(graph([{ id: 'slow', kind: 'wait', duration_ms: 60_000, timeout_ms: 300 }])));
    expect(nodeEvents(events, 'slow').at(-1)).toMatchObject({ kind: 'node_failed', payload: { code: 'E_NODE_TIMEOUT' } });
    expect(run.error).toMatchObject({ code: 'E_NODE_TIMEOUT' });
  });

  it('cancel: the run ends cancelled, recorded like a chat run', async () => {
    const started = await kit.start(graph([{ id: 'slow', kind: 'wait', duration_ms: 120_000 }]));
    await kit.until('the wait to start', async () => ((await kit.events(started.runId)).some((e) => e.kind === 'node_started') ? true : undefined));
    await started.handle.cancel();
    await expect(started.handle.result()).rejects.toBeInstanceOf(WorkflowFailedError);
    const events = await kit.events(started.runId);
    expect(shape(events)).toEqual(['run_created', 'node_started:slow', 'run_cancelled']);
    expect((await kit.runs.getRun(started.runId))!.status).toBe('cancelled');
  });

  it('a tool the policy denies records policy_denied on the node: its error edge, else the run fails naming it', async () => {
    await kit.policy({ grants: [], kill_switch_external_writes: false });
    try {
      const caught = await finish(
        await kit.start(graph([search('find'), output('denied', '{{ nodes.find.output.error.code }}')], [edge('find', 'denied', 'error')])),
      );
      expect(caught.result.output).toEqual({ inline: 'E_POLICY_DENIED' });
      expect(shape(caught.events)).toEqual([
        'run_created',
        'node_started:find',
        'tool_call',
        'policy_denied',
        'tool_error',
        'node_failed:find',
        'node_started:denied',
        'node_completed:denied',
        'run_completed',
      ]);
      const { run } = await failing(await kit.start(graph([search('find')])));
      expect(run.error!.message).toContain('Node find failed: E_POLICY_DENIED');
    } finally {
      await kit.policy(READ_POLICY);
    }
  });

  const gate = (timeout_s = 3600) => ({ id: 'gate', kind: 'approval', title: 'Ship it?', show: { q: '{{ input.q }}' }, timeout_s });
  const gated = (timeout_s?: number, extra: unknown[] = [], extraEdges: unknown[] = []) =>
    graph([gate(timeout_s), output('yes', '{{ nodes.gate.output }}'), ...extra], [edge('gate', 'yes'), ...extraEdges]);

  it('approval approved: reviewed as graph.approval with call id gate#1 and the rendered input; leaves by out', async () => {
    const started = await kit.start(gated(), { q: 'ship?' });
    const approval = await kit.pendingApproval(started.runId);
    expect(approval).toMatchObject({ tool_id: 'graph.approval', call_id: 'gate#1' });
    const nodeStarted = nodeEvents(await kit.events(started.runId), 'gate')[0]!;
    expect(nodeStarted.kind === 'node_started' && nodeStarted.payload.input).toEqual({ inline: { title: 'Ship it?', show: { q: 'ship?' } } });
    await kit.decide(started.runId, 'approve');
    const { result, events } = await finish(started);
    expect(result.output).toEqual({ inline: { approved: true } });
    expect(shape(events)).toEqual([
      'run_created',
      'node_started:gate',
      'approval_requested',
      'approval_decided',
      'node_completed:gate',
      'node_started:yes',
      'node_completed:yes',
      'run_completed',
    ]);
  });

  it("approval with a form: the reviewer's form (recorded by the API) is the node's output", async () => {
    const spec = graph(
      [{ ...gate(), form_schema: { type: 'object', properties: { priority: { type: 'string' } } } }, output('yes', '{{ nodes.gate.output.priority }}')],
      [edge('gate', 'yes')],
    );
    const started = await kit.start(spec, { q: 'x' });
    await kit.decide(started.runId, 'approve', null, { priority: 'p1' });
    const { result } = await finish(started);
    expect(result.output).toEqual({ inline: 'p1' });
  });

  it('approval denied: leaves by `denied`', async () => {
    const started = await kit.start(gated(3600, [output('no', 'denied')], [edge('gate', 'no', 'denied')]), { q: 'x' });
    await kit.decide(started.runId, 'deny', 'not today');
    const { result, events } = await finish(started);
    expect(result.output).toEqual({ inline: 'denied' });
    expect(shape(events)).toContain('node_skipped:yes:not_taken');
  });

  it('approval denied without a `denied` edge: the node fails with E_POLICY_DENIED naming the reviewer, the run fails', async () => {
    const started = await kit.start(gated(), { q: 'x' });
    await kit.decide(started.runId, 'deny', 'not today');
    const { run, events } = await failing(started);
    expect(nodeEvents(events, 'gate').at(-1)).toMatchObject({ kind: 'node_failed', payload: { code: 'E_POLICY_DENIED' } });
    expect(run.error).toMatchObject({ code: 'E_GRAPH_NODE_FAILED' });
    expect(run.error!.message).toContain('not today');
    expect(shape(events)).not.toContain('node_completed:yes');
  });

  it('approval timeout: leaves by `timeout` when there is such an edge, else fails with E_APPROVAL_TIMEOUT', async () => {
    const withEdge = await finish(await kit.start(gated(1, [output('late', 'timed out')], [edge('gate', 'late', 'timeout')]), { q: 'x' }));
    expect(withEdge.result.output).toEqual({ inline: 'timed out' });
    const { run, events } = await failing(await kit.start(gated(1), { q: 'x' }));
    expect(nodeEvents(events, 'gate').at(-1)).toMatchObject({ kind: 'node_failed', payload: { code: 'E_APPROVAL_TIMEOUT' } });
    expect(run.error).toMatchObject({ code: 'E_APPROVAL_TIMEOUT' });
  });

  it('an expression over its limits is a clear node error, never a stuck workflow task', async () => {
    const deep = Array.from({ length: 40 }).reduce<unknown>((inner) => ({ '!': [inner] }), true);
    const { events, run } = await failing(await kit.start(graph([output('done', { $logic: deep })])));
    expect(nodeEvents(events, 'done').at(-1)).toMatchObject({ kind: 'node_failed', payload: { code: 'E_GRAPH_EXPRESSION' } });
    expect(run.error!.message).toContain('Node done failed: E_GRAPH_EXPRESSION');
  });

  /** Waits for the run's `paused` event, records a resume with a larger budget (as the API does) and rings the doorbell. */
  const resumeAfterPause = async (started: Awaited<ReturnType<GraphKit['start']>>) => {
    const paused = await kit.until('the pause', async () =>
      (await kit.events(started.runId)).find((e) => e.kind === 'system_event' && e.payload.type === 'paused'),
    );
    await kit.runs.recordResume(started.runId, paused.seq, {
      resumed_by: { type: 'user', id: 'ops@example.test' },
      budget: { max_steps: 10, on_exceed: 'pause' },
    });
    const { resumeRunSignal } = await import('@omniai/workflow-api');
    await started.handle.signal(resumeRunSignal, { resumed_by: { type: 'user', id: 'ops@example.test' } });
  };

  it('budget: steps over max_steps pause the run; a recorded resume lets it finish', async () => {
    const started = await kit.start(
      graph([search('a'), search('b'), output('done', 'ok')], [edge('a', 'b'), edge('b', 'done')]),
      {},
      { budget: { max_steps: 1, on_exceed: 'pause' } },
    );
    await resumeAfterPause(started);
    const { result, events } = await finish(started);
    expect(result.output).toEqual({ inline: 'ok' });
    expect(shape(events)).toEqual(expect.arrayContaining(['budget_exceeded', 'paused', 'resumed']));
  });

  it('budget: two branches over budget at once pause the run once; one resume lets both go on', async () => {
    const started = await kit.start(
      graph(
        [{ id: 'fan', kind: 'parallel', join_at: 'join' }, search('a'), search('b'), output('join', 'both')],
        [edge('fan', 'a'), edge('fan', 'b'), edge('a', 'join'), edge('b', 'join')],
      ),
      {},
      { budget: { max_steps: 1, on_exceed: 'pause' } },
    );
    await resumeAfterPause(started);
    const { result, events } = await finish(started);
    expect(result.output).toEqual({ inline: 'both' });
    expect(shape(events).filter((s) => s === 'paused' || s === 'resumed')).toEqual(['paused', 'resumed']);
  });
});
