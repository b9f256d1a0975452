import { RunEvent } from '@omniai/contracts';
import { ArtifactStore } from '@omniai/store';
import { ResearchKit, SAMPLE_QUESTION } from '../research-run/research-kit';
import { type GraphKit, nodeEvents, shape } from './graph-test-kit';

// A graph's research node on the real stack: a child researchWorkflow (a run of kind research, linked to the graph run
// and node) over the sample corpus with the offline scripted model, its report handed to the next node.
describe('graph research node', () => {
  let kit: ResearchKit;
  let graph: GraphKit;
  /** A stored value's JSON (an artifact-backed node output or run result). */
  const artifactJson = async (sha256: string): Promise<unknown> => JSON.parse((await new ArtifactStore(graph.ds).get(sha256))!.content.toString('utf8'));

  beforeAll(async () => {
    // The sample corpus is ingested into the kit's project (libs/research/corpus).
    kit = await ResearchKit.start('graph_research');
    graph = kit.graph;
  }, 120_000);
  afterAll(async () => kit?.stop());

  it('runs a child research run and hands its cited report to the output node', async () => {
    const started = await graph.start(
      {
        schema: 'omni.graph/v1',
        name: 'research then output',
        input_schema: { type: 'object', properties: { topic: { type: 'string' } }, required: ['topic'] },
        nodes: [
          { id: 'study', kind: 'research', question: '  {{ input.topic }}  ', depth: 2, max_sources: 12 },
          {
            id: 'done',
            kind: 'output',
            value: { report: '{{ nodes.study.output.report_markdown }}', metrics: '{{ nodes.study.output.metrics }}', run: '{{ nodes.study.output.run_id }}' },
          },
        ],
        edges: [{ from: 'study', to: 'done' }],
      },
      { topic: SAMPLE_QUESTION },
    );
    const result = await started.handle.result();
    expect(result.status).toBe('completed');
    const events = (await graph.events(started.runId)).map((e) => RunEvent.parse(e));
    expect(shape(events)).toEqual(['run_created', 'node_started:study', 'node_completed:study', 'node_started:done', 'node_completed:done', 'run_completed']);

    // The question as the node rendered it (trimmed), recorded on node_started.
    const study = nodeEvents(events, 'study');
    expect(study[0]!.kind === 'node_started' && study[0]!.payload.input).toEqual({ inline: { question: SAMPLE_QUESTION } });

    // The child: a research run of its own, linked to the graph run and node, asked exactly the rendered question.
    const children = await graph.graphRuns.childRuns(started.runId);
    expect(children).toHaveLength(1);
    const child = children[0]!;
    expect(child).toMatchObject({ node_id: 'study', kind: 'research', status: 'completed' });
    const row = (await graph.runs.getRun(child.id))!;
    expect(row).toMatchObject({ kind: 'research', thread_id: null, parent: { run_id: started.runId, node_id: 'study' } });
    const completed = study[1]!;
    expect(completed.kind === 'node_completed' && completed.payload.child_run_id).toBe(child.id);
    const childEvents = await graph.events(child.id);
    const created = childEvents[0]!;
    expect(created.kind === 'run_created' && created.payload).toMatchObject({
      research: { question: SAMPLE_QUESTION, sources: { documents: true, mcp_tools: [] }, depth: 2, max_sources: 12, plan_review: false },
      parent: { run_id: started.runId, node_id: 'study' },
    });
    expect(childEvents.at(-1)!.kind).toBe('run_completed');

    // The node's output: the report (with its sources), its metrics (every citation verified) and bibliography.
    const output = (await graph.graphRuns.nodeOutput(started.runId, 'study'))!;
    const value = ('inline' in output ? output.inline : await artifactJson(output.artifact.sha256)) as {
      run_id: string;
      report_markdown: string;
      metrics: { verified_ratio: number; citations: number; sources_read: number };
      bibliography: unknown[];
    };
    expect(value.run_id).toBe(child.id);
    expect(value.report_markdown).toContain('## Sources');
    expect(value.metrics.verified_ratio).toBe(1);
    expect(value.metrics.citations).toBeGreaterThanOrEqual(8);
    expect(value.metrics.sources_read).toBe(4);
    expect(value.bibliography).toHaveLength(4);

    // Downstream nodes see it: the graph's result carries the report and the metrics.
    const out = result.output!;
    const final = ('inline' in out ? out.inline : await artifactJson(out.artifact.sha256)) as {
      report: string;
      metrics: { verified_ratio: number };
      run: string;
    };
    expect(final.report).toBe(value.report_markdown);
    expect(final.metrics.verified_ratio).toBe(1);
    expect(final.run).toBe(child.id);
  }, 180_000);

  it('fails the node with E_VALIDATION when the question renders too short', async () => {
    const started = await graph.start(
      {
        schema: 'omni.graph/v1',
        name: 'short question',
        nodes: [
          { id: 'study', kind: 'research', question: '{{ input.topic }}' },
          { id: 'done', kind: 'output', value: '{{ nodes.study.output.report_markdown }}' },
        ],
        edges: [{ from: 'study', to: 'done' }],
      },
      { topic: ' ? ' },
    );
    await expect(started.handle.result()).rejects.toThrow();
    const events = await graph.events(started.runId);
    const failed = events.find((e) => e.kind === 'node_failed')!;
    expect(failed.kind === 'node_failed' && failed.payload).toMatchObject({ node_id: 'study', code: 'E_VALIDATION' });
    expect(await graph.graphRuns.childRuns(started.runId)).toEqual([]);
  }, 60_000);
});
