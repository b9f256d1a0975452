import { createHash, randomUUID } from 'node:crypto';
import {
  ErrorEnvelope,
  GRAPH_GATE_TOOL_ID,
  GraphDetail,
  GraphDiff,
  GraphTemplate,
  GraphValidation,
  GraphVersion,
  GraphVersionSummary,
  Run,
  type RunEvent,
  RunNodes,
  SavedGraph,
  SavedGraphVersion,
  WORKFLOW_TYPES,
} from '@omniai/contracts';
import { RunStore } from '@omniai/store';
import { TemporalService } from '../src/temporal/temporal.service';
import type { ApiClient, TestApi } from './support/test-api';
import { startTestStack, type TestStack } from './support/test-stack';

// The graph API (issue 14, D49). What a started run then does is the engine's (graphRunWorkflow, its own suites):
// these tests check what the API answers, stores and starts, and stop each run's workflow before acting as the engine.

const FORM_SCHEMA = { type: 'object', required: ['priority'], properties: { priority: { enum: ['low', 'high'] } }, additionalProperties: false };

/** A ticket is read, classified, gated by a reviewer filling in a form, and answered. */
const ticketSpec = (prompt = 'Classify this ticket: {{ input.ticket }}') => ({
  schema: 'omni.graph/v1',
  name: 'Ticket triage',
  description: 'Classify, review, answer.',
  input_schema: { type: 'object', required: ['ticket'], properties: { ticket: { type: 'string', minLength: 1 }, lang: { enum: ['en', 'fr'] } } },
  nodes: [
    { id: 'read', kind: 'tool', tool: { id: 'files.read' }, arguments: { path: '{{ input.ticket }}' } },
    { id: 'classify', kind: 'model', prompt },
    { id: 'gate', kind: 'approval', title: 'Check the class', show: '{{ nodes.classify.output }}', form_schema: FORM_SCHEMA },
    { id: 'done', kind: 'output', value: { class: '{{ nodes.classify.output }}', review: '{{ nodes.gate.output }}' } },
  ],
  edges: [
    { from: 'read', to: 'classify' },
    { from: 'classify', to: 'gate' },
    { from: 'gate', to: 'done' },
  ],
});

const codeOf = (body: unknown) => ErrorEnvelope.parse(body).error.code;

describe('workflow graphs over HTTP (real API, Postgres and Temporal)', () => {
  let stack: TestStack;
  let api: TestApi;
  let projectId: string;
  let otherProjectId: string;
  let graphId: string;
  const started: string[] = [];

  /** Stops a run's workflow (whoever runs it), so that the test can append events as the engine would. */
  const stopWorkflow = async (run: Run) => {
    await api.app
      .get(TemporalService)
      .client.workflow.getHandle(run.workflow_id)
      .terminate('test: acting as the engine')
      .catch(() => undefined);
  };
  /** Appends events after the run's last one, through the store's append (the projection path the engine uses). */
  const append = async (runId: string, ...events: Array<Pick<RunEvent, 'kind' | 'payload'>>) => {
    const store = api.app.get(RunStore);
    const last = (await store.getRun(runId))!.last_seq;
    await store.appendEvents(
      runId,
      events.map(
        (e, i) =>
          ({
            ...e,
            event_id: randomUUID(),
            run_id: runId,
            seq: last + i + 1,
            ts: new Date().toISOString(),
            actor: { type: 'service', id: 'graph-engine' },
            correlation_id: runId,
            causation_id: null,
            schema_version: 1,
          }) as RunEvent,
      ),
    );
  };
  const startRun = async (client: ApiClient, body: object, path = `/v1/graphs/${graphId}/runs`) => {
    const answer = await client.post(path, body);
    if (answer.status === 202) started.push(Run.parse(answer.body).workflow_id);
    return answer;
  };

  beforeAll(async () => {
    stack = await startTestStack('graphs');
    api = stack.api;
    projectId = (await api.post('/v1/projects', { name: 'Graphs' })).body.id;
    otherProjectId = (await api.post('/v1/projects', { name: 'Elsewhere' })).body.id;
  }, 300_000);

  afterAll(async () => {
    for (const id of started)
      await api.app
        .get(TemporalService)
        .client.workflow.getHandle(id)
        .terminate('test over')
        .catch(() => undefined);
    await stack.stop();
  });

  it('offers at least three templates and creates a graph at version 1 from one', async () => {
    const templates = await api.get(`/v1/projects/${projectId}/graph-templates`);
    expect(templates.status).toBe(200);
    const items = templates.body.items.map((t: unknown) => GraphTemplate.parse(t));
    expect(items.length).toBeGreaterThanOrEqual(3);

    const template = items[0]!;
    const checked = GraphValidation.parse((await api.post(`/v1/projects/${projectId}/graphs/validate`, { spec: template.spec })).body);
    expect(checked).toMatchObject({ valid: true, spec_hash: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(checked.issues.filter((i) => i.severity === 'error')).toEqual([]);

    const created = await api.post(`/v1/projects/${projectId}/graphs`, { spec: template.spec, note: 'from template' });
    expect(created.status).toBe(201);
    const saved = SavedGraph.parse(created.body);
    expect(saved.graph).toMatchObject({ project_id: projectId, name: template.spec.name, latest_version: 1, last_run: null, created_by: 'admin@omni.test' });
    expect(saved.version).toMatchObject({ version: 1, note: 'from template', spec_hash: checked.spec_hash });
    expect(saved.warnings.every((w) => w.severity === 'warning')).toBe(true);

    expect(GraphDetail.parse((await api.get(`/v1/graphs/${saved.graph.id}`)).body)).toEqual({ graph: saved.graph, version: saved.version });
    expect((await api.get(`/v1/projects/${projectId}/graphs`)).body.items.map((g: { id: string }) => g.id)).toContain(saved.graph.id);
  });

  it('validates without saving: node-level issues for a bad field, an unknown tool and a cycle', async () => {
    const before = (await api.get(`/v1/projects/${projectId}/graphs`)).body.items.length;
    const validate = async (spec: unknown) => {
      const answer = await api.post(`/v1/projects/${projectId}/graphs/validate`, { spec });
      expect(answer.status).toBe(200);
      return GraphValidation.parse(answer.body);
    };

    const badField = ticketSpec();
    (badField.nodes[2] as Record<string, unknown>)['timeout_s'] = -5;
    const field = await validate(badField);
    expect(field).toMatchObject({ valid: false, spec_hash: null });
    expect(field.issues).toContainEqual(expect.objectContaining({ severity: 'error', node_id: 'gate', path: 'nodes.2.timeout_s' }));

    const unknownTool = ticketSpec();
    (unknownTool.nodes[0] as { tool: { id: string } }).tool.id = 'no.such_tool';
    const tool = await validate(unknownTool);
    expect(tool.valid).toBe(false);
    expect(tool.issues).toContainEqual(expect.objectContaining({ severity: 'error', code: 'unknown_tool', node_id: 'read' }));

    const cyclic = ticketSpec();
    cyclic.edges.push({ from: 'gate', to: 'classify' });
    const cycle = await validate(cyclic);
    expect(cycle.issues).toContainEqual(expect.objectContaining({ severity: 'error', code: 'cycle' }));
    expect(cycle.issues.find((i) => i.code === 'cycle')!.node_id).not.toBeNull();

    // Saving it is refused with the same issues; nothing was saved by any of this.
    const refused = await api.post(`/v1/projects/${projectId}/graphs`, { spec: cyclic });
    expect(refused.status).toBe(400);
    expect(ErrorEnvelope.parse(refused.body).error).toMatchObject({
      code: 'E_GRAPH_INVALID',
      detail: { issues: expect.arrayContaining([expect.objectContaining({ code: 'cycle' })]) },
    });
    expect((await api.get(`/v1/projects/${projectId}/graphs`)).body.items.length).toBe(before);
    // A body that is not a ValidateGraphRequest is the request's error, not the spec's.
    expect(codeOf((await api.post(`/v1/projects/${projectId}/graphs/validate`, { spec: ticketSpec(), extra: 1 })).body)).toBe('E_VALIDATION');
  });

  it('answers a spec over a limit with 413 naming it (1 MB of spec; 501 nodes), bodies up to 4 MB reach the check', async () => {
    const huge = ticketSpec();
    (huge.nodes[3] as { value: unknown }).value = { text: 'x'.repeat(1_200_000) };
    for (const path of [`/v1/projects/${projectId}/graphs/validate`, `/v1/projects/${projectId}/graphs`]) {
      const answer = await api.post(path, { spec: huge });
      expect(answer.status).toBe(413);
      // Named: the server-wide 1 MiB body limit would have answered a bare 413 without detail.
      expect(ErrorEnvelope.parse(answer.body).error).toMatchObject({ code: 'E_PAYLOAD_TOO_LARGE', detail: { limit: 'maxSpecBytes', max: 1_000_000 } });
    }
    const many = ticketSpec();
    for (let i = 0; i < 497; i++) many.nodes.push({ id: `extra_${i}`, kind: 'output', value: i } as never);
    expect(many.nodes).toHaveLength(501);
    const nodes = await api.post(`/v1/projects/${projectId}/graphs/validate`, { spec: many });
    expect(nodes.status).toBe(413);
    expect(ErrorEnvelope.parse(nodes.body).error).toMatchObject({ code: 'E_PAYLOAD_TOO_LARGE', detail: { limit: 'maxNodes', max: 500 } });
    const beyond = await api.post(`/v1/projects/${projectId}/graphs/validate`, { spec: { name: 'x'.repeat(5 * 1024 * 1024) } });
    expect(beyond.status).toBe(413);
    expect(codeOf(beyond.body)).toBe('E_PAYLOAD_TOO_LARGE');
  });

  it('saves version 2 (an identical save adds nothing), lists versions newest first and diffs them', async () => {
    const created = SavedGraph.parse((await api.post(`/v1/projects/${projectId}/graphs`, { spec: ticketSpec() })).body);
    graphId = created.graph.id;
    const saved = await api.post(`/v1/graphs/${graphId}/versions`, { spec: ticketSpec('Label this ticket: {{ input.ticket }}'), note: 'reworded' });
    expect(saved.status).toBe(201);
    const v2 = SavedGraphVersion.parse(saved.body);
    expect(v2).toMatchObject({ graph_id: graphId, version: 2, note: 'reworded' });
    expect(v2.spec_hash).not.toBe(created.version.spec_hash);

    const again = await api.post(`/v1/graphs/${graphId}/versions`, { spec: ticketSpec('Label this ticket: {{ input.ticket }}'), note: 'double click' });
    expect(again.status).toBe(200);
    expect(SavedGraphVersion.parse(again.body)).toMatchObject({ version: 2, note: 'reworded' });

    const versions = (await api.get(`/v1/graphs/${graphId}/versions`)).body.items.map((v: unknown) => GraphVersionSummary.parse(v));
    expect(versions.map((v: GraphVersionSummary) => v.version)).toEqual([2, 1]);
    expect(GraphVersion.parse((await api.get(`/v1/graphs/${graphId}/versions/1`)).body).spec.nodes[1]).toMatchObject({
      prompt: 'Classify this ticket: {{ input.ticket }}',
    });
    expect((await api.get(`/v1/graphs/${graphId}/versions/3`)).status).toBe(404);
    expect((await api.get(`/v1/graphs/${graphId}/versions/zero`)).status).toBe(400);
    // The refused save of an invalid version changes nothing.
    expect((await api.post(`/v1/graphs/${graphId}/versions`, { spec: { ...ticketSpec(), nodes: [] } })).status).toBe(400);
    expect((await api.get(`/v1/graphs/${graphId}`)).body.graph.latest_version).toBe(2);

    const diff = GraphDiff.parse((await api.get(`/v1/graphs/${graphId}/diff?from=1&to=2`)).body);
    expect(diff).toMatchObject({ from: 1, to: 2, nodes: { added: [], removed: [], changed: [{ node_id: 'classify', fields: ['prompt'] }] } });
    expect((await api.get(`/v1/graphs/${graphId}/diff?from=1&to=9`)).status).toBe(404);
    expect((await api.get(`/v1/graphs/${graphId}/diff?from=1`)).status).toBe(400);
  });

  let run: Run;

  it('starts a run: a bad input is 422 with every failing field; a good one is a queued graph run pinned to the version, its workflow started', async () => {
    const bad = await startRun(api, { input: { ticket: 5 } });
    expect(bad.status).toBe(422);
    expect(ErrorEnvelope.parse(bad.body).error).toMatchObject({
      code: 'E_GRAPH_INPUT_INVALID',
      detail: [{ path: 'input.ticket', message: expect.stringContaining('string') }],
    });
    const missing = await startRun(api, { input: {} });
    expect(ErrorEnvelope.parse(missing.body).error).toMatchObject({ code: 'E_GRAPH_INPUT_INVALID', detail: [{ path: 'input' }] });
    // Two bad fields: both are listed (a form shows every one), the message names the first and the count.
    const twoBad = ErrorEnvelope.parse((await startRun(api, { input: { ticket: 5, lang: 'de' } })).body).error;
    expect(twoBad.code).toBe('E_GRAPH_INPUT_INVALID');
    const [first] = twoBad.detail as Array<{ path: string; message: string }>;
    expect(twoBad.message).toBe(`The input does not match its schema: ${first!.path}: ${first!.message} (2 fields fail).`);
    // In the schema's key order (the stored schema is canonical: keys sorted).
    expect(twoBad.detail).toEqual([
      { path: 'input.lang', message: 'must be equal to one of the allowed values' },
      { path: 'input.ticket', message: 'must be string' },
    ]);
    expect((await startRun(api, { input: { ticket: 'x' }, version: 7 })).status).toBe(404);

    const answer = await startRun(api, { input: { ticket: 'tickets/1.md' } });
    expect(answer.status).toBe(202);
    run = Run.parse(answer.body);
    const v2 = GraphVersion.parse((await api.get(`/v1/graphs/${graphId}/versions/2`)).body);
    expect(run).toMatchObject({
      project_id: projectId,
      kind: 'graph',
      thread_id: null,
      graph: { graph_id: graphId, version: 2, spec_hash: v2.spec_hash },
      retry_of: null,
    });
    // The run pins every tool the graph names at its exact version.
    const fileRead = (await api.get(`/v1/projects/${projectId}/tools`)).body.items.find((t: { id: string }) => t.id === 'files.read');
    expect(run.pins.tools).toEqual([{ id: 'files.read', version: fileRead.version, manifest_hash: fileRead.manifest_hash }]);

    const workflow = await api.app.get(TemporalService).client.workflow.getHandle(run.workflow_id).describe();
    expect(workflow).toMatchObject({ type: WORKFLOW_TYPES.graphRun, taskQueue: stack.taskQueue });

    const v1Run = Run.parse((await startRun(api, { input: { ticket: 'tickets/2.md' }, version: 1 })).body);
    expect(v1Run.graph).toMatchObject({ version: 1 });
    const listed = (await api.get(`/v1/graphs/${graphId}/runs`)).body.items.map((r: unknown) => Run.parse(r).id);
    expect(listed).toEqual([v1Run.id, run.id]);
    const graph = (await api.get(`/v1/projects/${projectId}/graphs`)).body.items.find((g: { id: string }) => g.id === graphId);
    expect(graph.last_run).toMatchObject({ id: v1Run.id });
  });

  it("projects the run's node states, one per node of the pinned spec; a chat run has none", async () => {
    const answer = await api.get(`/v1/runs/${run.id}/nodes`);
    expect(answer.status).toBe(200);
    const nodes = RunNodes.parse(answer.body);
    expect(nodes).toMatchObject({ run_id: run.id, graph_id: graphId, version: 2 });
    expect(nodes.nodes.map((n) => n.node_id).sort()).toEqual(['classify', 'done', 'gate', 'read']);

    const { threadId } = await stack.newThread('chat');
    const chat = Run.parse((await api.post(`/v1/threads/${threadId}/runs`, { message: 'hello', pins: { params: { delay_ms: 0 } } })).body);
    expect((await api.get(`/v1/runs/${chat.id}/nodes`)).status).toBe(404);
  });

  it("checks a reviewer's form against the approval node's form_schema before deciding", async () => {
    await stopWorkflow(run);
    const args = { title: 'Check the class', show: 'billing', form_schema: FORM_SCHEMA };
    const argumentsHash = createHash('sha256').update(JSON.stringify(args)).digest('hex');
    await append(run.id, {
      kind: 'system_event',
      payload: {
        type: 'approval_requested',
        message: 'Approval node gate waits for a reviewer.',
        data: {
          approval_id: `${run.id}.1`,
          call_id: 'gate#1',
          tool_id: GRAPH_GATE_TOOL_ID,
          tool_version: '1',
          manifest_hash: 'graph',
          arguments_hash: argumentsHash,
          arguments_redacted: args,
          risk: null,
          reason_code: 'graph_gate',
          requested_by: { type: 'user', id: 'someone@omni.test' },
          expires_at: new Date(Date.now() + 3_600_000).toISOString(),
        },
      },
    } as Pick<RunEvent, 'kind' | 'payload'>);
    const decide = (body: object) => api.post(`/v1/approvals/${run.id}.1/decide`, { arguments_hash: argumentsHash, ...body });
    // The approval row follows the appended event; under load it may land a moment later (a 404 until then).
    for (let i = 0; i < 100 && (await api.get(`/v1/approvals/${run.id}.1`)).status === 404; i += 1) await new Promise((r) => setTimeout(r, 100));

    const wrong = await decide({ decision: 'approve', form: { priority: 'urgent' } });
    expect(wrong.status).toBe(422);
    expect(ErrorEnvelope.parse(wrong.body).error).toMatchObject({ code: 'E_GRAPH_INPUT_INVALID', detail: [{ path: 'form.priority' }] });
    expect(ErrorEnvelope.parse((await decide({ decision: 'approve' })).body).error).toMatchObject({
      code: 'E_GRAPH_INPUT_INVALID',
      detail: [{ path: 'form' }],
    });
    expect((await api.get(`/v1/approvals/${run.id}.1`)).body).toMatchObject({ status: 'pending', decisions: [{ outcome: 'refused' }, { outcome: 'refused' }] });
    // A valid form passes the check; the decision then reaches for the run, whose workflow this test stopped.
    const valid = await decide({ decision: 'approve', form: { priority: 'high' } });
    expect(valid.status).toBe(409);
    expect((await api.get(`/v1/approvals/${run.id}.1`)).body.status).toBe('pending');
  });

  it('retries a graph run as a new graph run of the same version and input', async () => {
    // The run's workflow was stopped by the test before; an append of the engine still in flight then may take the seq
    // this one picks (the store ignores a second event at a seq): append again at the new end until it is recorded.
    for (let i = 0; i < 10 && (await api.get(`/v1/runs/${run.id}`)).body.status !== 'failed'; i++) {
      await append(run.id, { kind: 'run_failed', payload: { code: 'E_GRAPH_NODE_FAILED', message: 'node classify failed' } } as Pick<
        RunEvent,
        'kind' | 'payload'
      >);
      await new Promise((r) => setTimeout(r, 100));
    }
    expect((await api.get(`/v1/runs/${run.id}`)).body.status).toBe('failed');
    const answer = await api.post(`/v1/runs/${run.id}/retry`);
    expect(answer.status).toBe(201);
    const retry = Run.parse(answer.body);
    started.push(retry.workflow_id);
    expect(retry).toMatchObject({ kind: 'graph', retry_of: run.id, graph: run.graph, pins: run.pins, thread_id: null });
    const store = api.app.get(RunStore);
    expect((await store.pinnedGraphRun(retry.id))!.input).toEqual({ inline: { ticket: 'tickets/1.md' } });
    expect(await api.app.get(TemporalService).client.workflow.getHandle(retry.workflow_id).describe()).toMatchObject({ type: WORKFLOW_TYPES.graphRun });
  });

  it('serves the public lane to a token: start and list runs, read node states; a read-only token cannot start', async () => {
    const token = (await api.post('/v1/tokens', { name: 'graphs', scopes: ['read', 'operate'] })).body.secret as string;
    const bearer = { authorization: `Bearer ${token}` };
    const answer = await api.anon('POST', `/v1/public/graphs/${graphId}/runs`, { body: { input: { ticket: 'tickets/3.md' } }, headers: bearer });
    expect(answer.status).toBe(202);
    const publicRun = Run.parse(answer.body);
    started.push(publicRun.workflow_id);
    expect(publicRun).toMatchObject({ kind: 'graph', graph: { graph_id: graphId, version: 2 } });
    const listed = await api.anon('GET', `/v1/public/graphs/${graphId}/runs`, { headers: bearer });
    expect(listed.body.items[0].id).toBe(publicRun.id);
    const nodes = await api.anon('GET', `/v1/public/runs/${publicRun.id}/nodes`, { headers: bearer });
    expect(RunNodes.parse(nodes.body).nodes).toHaveLength(4);
    const bad = await api.anon('POST', `/v1/public/graphs/${graphId}/runs`, { body: { input: { ticket: '' } }, headers: bearer });
    expect(codeOf(bad.body)).toBe('E_GRAPH_INPUT_INVALID');
    // The session lane's graph routes do not take a token, nor the public lane a cookie.
    expect((await api.anon('GET', `/v1/graphs/${graphId}/runs`, { headers: bearer })).status).toBe(401);

    const readOnly = (await api.post('/v1/tokens', { name: 'ro', scopes: ['read'] })).body.secret as string;
    const refused = await api.anon('POST', `/v1/public/graphs/${graphId}/runs`, {
      body: { input: { ticket: 'x' } },
      headers: { authorization: `Bearer ${readOnly}` },
    });
    expect(refused.status).toBe(403);
  });

  it("keeps graphs to their project's members: others get 404, a viewer may read but not change or run", async () => {
    const outsider = await api.newUser('viewer', [{ project_id: otherProjectId, role: 'operator' }]);
    for (const [method, path, body] of [
      ['GET', `/v1/graphs/${graphId}`],
      ['GET', `/v1/graphs/${graphId}/versions`],
      ['GET', `/v1/graphs/${graphId}/versions/1`],
      ['GET', `/v1/graphs/${graphId}/diff?from=1&to=2`],
      ['GET', `/v1/graphs/${graphId}/runs`],
      ['POST', `/v1/graphs/${graphId}/runs`, { input: { ticket: 'x' } }],
      ['POST', `/v1/graphs/${graphId}/versions`, { spec: ticketSpec('mine') }],
      ['DELETE', `/v1/graphs/${graphId}`],
      ['GET', `/v1/runs/${run.id}/nodes`],
      ['GET', `/v1/projects/${projectId}/graphs`],
      ['POST', `/v1/projects/${projectId}/graphs`, { spec: ticketSpec() }],
      ['POST', `/v1/projects/${projectId}/graphs/validate`, { spec: ticketSpec() }],
    ] as Array<[string, string, object?]>) {
      const answer = await outsider.call(method, path, body);
      expect([method, path, answer.status]).toEqual([method, path, 404]);
    }
    // The outsider's own project does not see the graph either.
    expect((await outsider.get(`/v1/projects/${otherProjectId}/graphs`)).body.items).toEqual([]);

    const viewer = await api.newUser('viewer', [{ project_id: projectId, role: 'viewer' }]);
    expect((await viewer.get(`/v1/graphs/${graphId}`)).status).toBe(200);
    expect((await viewer.get(`/v1/runs/${run.id}/nodes`)).status).toBe(200);
    expect((await viewer.post(`/v1/graphs/${graphId}/runs`, { input: { ticket: 'x' } })).status).toBe(403);
    expect((await viewer.post(`/v1/graphs/${graphId}/versions`, { spec: ticketSpec('viewer') })).status).toBe(403);
    expect((await viewer.del(`/v1/graphs/${graphId}`)).status).toBe(403);
  });

  it('refuses to delete a graph while a run is active, then hides it; its runs stay readable', async () => {
    // A run that stays active: it waits a minute on a durable timer, until it is cancelled.
    const waiting = {
      schema: 'omni.graph/v1',
      name: 'Waits',
      nodes: [
        { id: 'pause', kind: 'wait', duration_ms: 60_000 },
        { id: 'done', kind: 'output', value: { waited: true } },
      ],
      edges: [{ from: 'pause', to: 'done' }],
    };
    const graph = SavedGraph.parse((await api.post(`/v1/projects/${projectId}/graphs`, { spec: waiting })).body).graph;
    const active = Run.parse((await startRun(api, { input: {} }, `/v1/graphs/${graph.id}/runs`)).body);
    const refused = await api.del(`/v1/graphs/${graph.id}`);
    expect(refused.status).toBe(409);
    expect(codeOf(refused.body)).toBe('E_CONFLICT');
    expect((await api.post(`/v1/runs/${active.id}/cancel`, {})).status).toBe(202);
    for (let i = 0; i < 200 && (await api.get(`/v1/runs/${active.id}`)).body.status !== 'cancelled'; i++) await new Promise((r) => setTimeout(r, 100));
    expect((await api.get(`/v1/runs/${active.id}`)).body.status).toBe('cancelled');
    expect((await api.del(`/v1/graphs/${graph.id}`)).status).toBe(204);
    expect((await api.get(`/v1/graphs/${graph.id}`)).status).toBe(404);
    expect((await api.get(`/v1/projects/${projectId}/graphs`)).body.items.map((g: { id: string }) => g.id)).not.toContain(graph.id);
    expect((await api.get(`/v1/runs/${active.id}/nodes`)).status).toBe(200);
    // A retry would start a run of a deleted graph: refused.
    expect((await api.post(`/v1/runs/${active.id}/retry`)).status).toBe(409);
  });
});
