import { executeChild, isCancellation, patched, sleep, uuid4 } from '@temporalio/workflow';
import type {
  AgentRunInput,
  AgentRunResult,
  GraphNode,
  GraphRunInput,
  GraphRunResult,
  NodeValue,
  RecordedApprovalDecision,
  ResearchRequest,
  ResearchRunInput,
  ResearchRunResult,
  RunEvent,
  RunPins,
  TokenUsage,
} from '@omniai/contracts';
import { agentRunWorkflowId, argumentsPreview, GRAPH_GATE_TOOL_ID, GRAPH_LIMITS, RESEARCH_NODE_QUESTION, WORKFLOW_TYPES } from '@omniai/contracts/pure';
import { evaluate, type GraphScope, holds, nodeCallId, renderTemplate } from '@omniai/graphs';
import { generateReply } from '../agent-run/activities';
import { SERVICE } from '../agent-run/actors';
import { approvalDecided, type ApprovalStatus, waitForDecision } from '../agent-run/approvals';
import { runToolStep } from '../agent-run/tool-step';
import { graphActivities, prepareToolCallLocally } from './activities';
import type { RunContext } from './interpreter';
import type { GraphMapInput, GraphMapResult } from './map.workflow';
import { NodeError, nodeFailure } from './node-error';
import { fromNodeValue, toNodeValue } from './values';

/** How a node attempt ended well: the port it leaves by and its output. */
export interface NodeResult {
  port: string;
  output: unknown;
  cost_usd?: number;
  usage?: TokenUsage;
  childRunId?: string;
  /** The output as already stored (a map's joined results): recorded as it is. */
  stored?: NodeValue;
}

/** A map's results up to this size are read back into the run's scope for later expressions. */
const MAX_SCOPE_READBACK_BYTES = 512 * 1024;

/** A node's input after templates: what it works with, and what its `node_started` event records. */
export interface RenderedInput {
  value: Record<string, unknown>;
  stored?: NodeValue;
  /** Canonical hash of the recorded input (approval nodes: the reviewed arguments hash). */
  hash?: string;
}

const asText = (v: unknown): string => (typeof v === 'string' ? v : v === undefined || v === null ? '' : JSON.stringify(v));

/** Renders the node's templates against the scope (an expression over its limits throws: a node error). */
export async function renderNodeInput(run: RunContext, node: GraphNode, attempt: number, scope: GraphScope): Promise<RenderedInput> {
  void attempt;
  const runId = run.input.run_id;
  const recorded = async (value: Record<string, unknown>, shown: unknown = value): Promise<RenderedInput> => ({
    value,
    stored: await toNodeValue(runId, shown),
  });
  switch (node.kind) {
    case 'tool':
      return recorded({ tool: node.tool, arguments: renderTemplate(node.arguments, scope) });
    case 'model':
      return recorded({
        ...(node.system !== undefined ? { system: asText(renderTemplate(node.system, scope)) } : {}),
        prompt: asText(renderTemplate(node.prompt, scope)),
        ...(node.output_schema ? { output_schema: node.output_schema } : {}),
      });
    case 'agent':
      return recorded({ prompt: asText(renderTemplate(node.prompt, scope)) });
    case 'approval': {
      // The reviewed arguments: hashed (the approval is bound to them) and recorded in full on node_started.
      const value = {
        title: node.title,
        ...(node.instructions !== undefined ? { instructions: renderTemplate(node.instructions, scope) } : {}),
        ...(node.show !== undefined ? { show: renderTemplate(node.show, scope) } : {}),
        ...(node.form_schema ? { form_schema: node.form_schema } : {}),
      };
      const stored = await graphActivities.storeNodeValue({ run_id: runId, value });
      return { value, stored: stored.value, hash: stored.hash };
    }
    case 'map': {
      const items = evaluate(node.items, scope);
      if (!Array.isArray(items)) throw new NodeError('E_GRAPH_EXPRESSION', `the items of ${node.id} are not an array`);
      if (items.length > GRAPH_LIMITS.maxMapItems)
        throw new NodeError('E_GRAPH_EXPRESSION', `${node.id} has ${items.length} items; the limit is ${GRAPH_LIMITS.maxMapItems}`);
      return recorded({ items }, { items: items.length });
    }
    case 'wait':
      return recorded(node.until !== undefined ? { until: asText(renderTemplate(node.until, scope)) } : { duration_ms: node.duration_ms ?? 0 });
    case 'subgraph':
      return recorded({ graph_id: node.graph_id, version: node.version, input: renderTemplate(node.input, scope) });
    case 'research':
      return recorded({ question: researchQuestion(node.id, renderTemplate(node.question, scope)) });
    case 'output':
      return recorded({ value: renderTemplate(node.value, scope) });
    case 'branch':
    case 'parallel':
      return { value: {} };
  }
}

/** A research node's rendered question as the run takes it: text (a number or boolean as its text), trimmed, within limits. */
function researchQuestion(nodeId: string, rendered: unknown): string {
  if (rendered === null || rendered === undefined || typeof rendered === 'object')
    throw new NodeError(
      'E_GRAPH_EXPRESSION',
      `${nodeId}: the question rendered to ${rendered === undefined ? 'nothing' : JSON.stringify(rendered).slice(0, 100)}, not text`,
    );
  const question = String(rendered).trim();
  const { min, max } = RESEARCH_NODE_QUESTION;
  if (question.length < min || question.length > max)
    throw new NodeError('E_VALIDATION', `${nodeId}: the question must be ${min} to ${max} characters; it rendered to ${question.length}`);
  return question;
}

/** Runs one attempt of a node of any kind. */
export async function executeNode(
  run: RunContext,
  node: GraphNode,
  attempt: number,
  input: RenderedInput,
  scope: GraphScope,
  started: RunEvent,
): Promise<NodeResult> {
  const v = input.value;
  switch (node.kind) {
    case 'tool':
      return toolNode(run, node.id, attempt, node.tool.id, v['arguments'], started);
    case 'model':
      return modelNode(run, node, attempt, v as { system?: string; prompt: string; output_schema?: Record<string, unknown> }, started);
    case 'agent':
      return agentNode(run, node, v['prompt'] as string, started);
    case 'approval':
      return approvalNode(run, node, attempt, input, started);
    case 'branch': {
      const chosen = node.cases.find((c) => holds(c.when, scope));
      return { port: chosen?.id ?? 'else', output: { case: chosen?.id ?? 'else' } };
    }
    case 'parallel':
      return { port: 'out', output: null };
    case 'map':
      return mapNode(run, node, attempt, v['items'] as unknown[], scope);
    case 'wait': {
      const until = v['until'];
      const ms = typeof until === 'string' ? Date.parse(until) - Date.now() : (v['duration_ms'] as number);
      if (Number.isNaN(ms)) throw new NodeError('E_VALIDATION', `${node.id}: "${String(until).slice(0, 100)}" is not an ISO 8601 time`);
      const waited = Math.max(0, ms);
      if (waited > 0) await sleep(waited);
      return { port: 'out', output: { waited_ms: waited } };
    }
    case 'subgraph':
      return subgraphNode(run, node, v['input']);
    case 'research':
      return researchNode(run, node, v['question'] as string, started);
    case 'output': {
      const value = v['value'];
      const schema = run.input.spec.output_schema;
      if (schema) {
        const valid = await graphActivities.validateValue({ value, schema });
        if (!valid.ok) throw new NodeError('E_GRAPH_OUTPUT_INVALID', `the graph's output does not match its output schema: ${valid.message}`);
      }
      return { port: 'out', output: value };
    }
  }
}

/** A tool node: exactly the chat tool path (vetting, policy, approval, sandbox), recorded under the node's call id. */
async function toolNode(run: RunContext, nodeId: string, attempt: number, toolId: string, args: unknown, started: RunEvent): Promise<NodeResult> {
  const done = await runToolStep(
    {
      input: run.input,
      log: run.log,
      append: run.append,
      approvals: run.approvals,
      runTool: run.runTool,
      prepare: prepareToolCallLocally,
      deferOutcome: (e) => run.append.defer(e),
    },
    { id: nodeCallId(nodeId, attempt), tool_id: toolId, arguments: JSON.stringify(args ?? {}) },
    started,
    `${run.input.run_id}.${nodeId}.${attempt}`,
  );
  if (done.kind === 'tool_result') return { port: 'out', output: await fromNodeValue(done.payload.result as NodeValue) };
  if (done.kind === 'tool_error') throw new NodeError(done.payload.code, done.payload.message);
  throw new NodeError('E_TOOL_FAILED', `${toolId} ended without a result`);
}

/** Model pins of a node: the run's, with the node's overrides; a model node offers no tools. */
function nodePins(base: RunPins, node: { pins?: { provider?: string; model?: string; params?: RunPins['params'] } }): RunPins {
  return {
    ...base,
    ...(node.pins?.provider ? { provider: node.pins.provider } : {}),
    ...(node.pins?.model ? { model: node.pins.model } : {}),
    params: { ...base.params, ...(node.pins?.params ?? {}) },
  };
}

async function modelNode(
  run: RunContext,
  node: Extract<GraphNode, { kind: 'model' }>,
  attempt: number,
  v: { system?: string; prompt: string; output_schema?: Record<string, unknown> },
  started: RunEvent,
): Promise<NodeResult> {
  const reply = await generateReply({
    run_id: run.input.run_id,
    message_id: `${run.workflowId}/node/${node.id}/${attempt}`,
    message: { text: v.prompt },
    pins: { ...nodePins(run.input.pins, node), tools: [] },
    standalone: { ...(v.system !== undefined ? { system: v.system } : {}), ...(v.output_schema ? { output_schema: v.output_schema } : {}) },
  });
  await run.budget.checkAfterUsage(reply.usage.input_tokens + reply.usage.output_tokens, reply.cost_usd ?? 0, started);
  let output: unknown;
  if (v.output_schema || !('text' in reply.content)) {
    const parsed = await graphActivities.parseModelOutput({ content: reply.content, ...(v.output_schema ? { schema: v.output_schema } : {}) });
    if (!parsed.ok) throw new NodeError('E_GRAPH_OUTPUT_INVALID', `${node.id}: the model's reply is not valid against the output schema: ${parsed.message}`);
    output = parsed.value;
  } else output = reply.content.text;
  return { port: 'out', output, usage: reply.usage, ...(reply.cost_usd !== undefined ? { cost_usd: reply.cost_usd } : {}) };
}

/** An agent node: a child `agentRunWorkflow`, a run of its own (no thread) linked to this run and node. */
async function agentNode(run: RunContext, node: Extract<GraphNode, { kind: 'agent' }>, prompt: string, started: RunEvent): Promise<NodeResult> {
  const childRunId = uuid4();
  const pinned = run.input.pins.tools ?? [];
  const tools = (node.tools ?? []).flatMap((ref) => pinned.filter((t) => t.id === ref.id && (!ref.version || t.version === ref.version)).slice(0, 1));
  const pins: RunPins = { ...nodePins(run.input.pins, node), tools };
  const input: AgentRunInput = {
    run_id: childRunId,
    project_id: run.input.project_id,
    thread_id: null,
    message: { text: prompt },
    pins,
    retry_of: null,
    requested_by: run.input.requested_by,
    ...(node.budget ? { budget: node.budget } : {}),
  };
  await graphActivities.createChildRun({
    run_id: childRunId,
    project_id: run.input.project_id,
    parent_run_id: run.input.run_id,
    parent_node_id: node.id,
    kind: 'chat',
    pins,
    input: input.message,
    budget: node.budget ?? null,
  });
  try {
    await executeChild<(i: AgentRunInput) => Promise<AgentRunResult>>(WORKFLOW_TYPES.agentRun, { workflowId: agentRunWorkflowId(childRunId), args: [input] });
  } catch (err) {
    if (isCancellation(err)) throw err;
    const f = nodeFailure(err);
    throw new NodeError(f.code, `the agent run ${childRunId} failed: ${f.message}`, childRunId);
  }
  const summary = await graphActivities.childRunSummary({ run_id: childRunId });
  await run.budget.checkAfterUsage(summary.usage.input_tokens + summary.usage.output_tokens, summary.cost_usd, started);
  return { port: 'out', output: summary.text, cost_usd: summary.cost_usd, usage: summary.usage, childRunId };
}

/** The offline model answers research steps at once (its chat default types a reply out at 25 ms a token). */
const OFFLINE_RESEARCH_PARAMS = { delay_ms: 0 };

/**
 * A research node: a child `researchWorkflow`, a run of its own (kind `research`, no thread, no graph) linked to this run
 * and node, as an agent node runs a child agent run. Its output is the report's Markdown with its metrics and
 * bibliography (read back from the child's `finalize` step), so later nodes can use `nodes.<id>.output.report_markdown`.
 *
 * VERSIONING: a new node kind needs no `patched()`: a history recorded before it existed has no research node in its
 * pinned spec, so it never reaches this code, and the commands of every other kind are unchanged.
 */
async function researchNode(run: RunContext, node: Extract<GraphNode, { kind: 'research' }>, question: string, started: RunEvent): Promise<NodeResult> {
  const childRunId = uuid4();
  const base = nodePins(run.input.pins, node);
  const offline = base.provider === 'offline';
  const pins: RunPins = {
    ...base,
    params: offline ? { ...base.params, ...OFFLINE_RESEARCH_PARAMS, ...(node.pins?.params ?? {}) } : base.params,
    prompt_version: 'research-v1',
    tools: [],
  };
  // Web sources and MCP search tools are not offered in graphs: a web source needs the plan review of the research page.
  const request: ResearchRequest = {
    question,
    sources: { documents: node.sources?.documents ?? true, mcp_tools: [] },
    depth: node.depth ?? 2,
    max_sources: node.max_sources ?? 12,
    plan_review: node.plan_review ?? false,
  };
  const input: ResearchRunInput = {
    run_id: childRunId,
    project_id: run.input.project_id,
    request,
    pins,
    retry_of: null,
    requested_by: run.input.requested_by,
    ...(node.budget ? { budget: node.budget } : {}),
    parent: { run_id: run.input.run_id, node_id: node.id },
  };
  await graphActivities.createChildRun({
    run_id: childRunId,
    project_id: run.input.project_id,
    parent_run_id: run.input.run_id,
    parent_node_id: node.id,
    kind: 'research',
    pins,
    input: request,
    budget: node.budget ?? null,
  });
  try {
    await executeChild<(i: ResearchRunInput) => Promise<ResearchRunResult>>(WORKFLOW_TYPES.researchRun, {
      workflowId: agentRunWorkflowId(childRunId),
      args: [input],
    });
  } catch (err) {
    if (isCancellation(err)) throw err;
    const f = nodeFailure(err);
    throw new NodeError(f.code, `the research run ${childRunId} failed: ${f.message}`, childRunId);
  }
  const report = await graphActivities.researchReport({ run_id: childRunId });
  const summary = await graphActivities.childRunSummary({ run_id: childRunId });
  await run.budget.checkAfterUsage(summary.usage.input_tokens + summary.usage.output_tokens, summary.cost_usd, started);
  return {
    port: 'out',
    output: { run_id: childRunId, report_markdown: report?.markdown ?? '', metrics: report?.metrics ?? null, bibliography: report?.bibliography ?? [] },
    cost_usd: summary.cost_usd,
    usage: summary.usage,
    childRunId,
  };
}

/**
 * An approval node: reviewed in the approvals inbox as the `graph.approval` pseudo tool (call id `<node>#<attempt>`,
 * reviewed arguments = the rendered input recorded on `node_started`), decided through the API like a tool call.
 */
async function approvalNode(
  run: RunContext,
  node: Extract<GraphNode, { kind: 'approval' }>,
  attempt: number,
  input: RenderedInput,
  started: RunEvent,
): Promise<NodeResult> {
  const { log, append, approvals } = run;
  const approvalId = `${run.input.run_id}.${node.id}.${attempt}`;
  const timeoutS = node.timeout_s ?? 86_400;
  const requested = log.event(
    'system_event',
    {
      type: 'approval_requested',
      message: `${node.title} waits for a reviewer.`,
      data: {
        approval_id: approvalId,
        call_id: nodeCallId(node.id, attempt),
        tool_id: GRAPH_GATE_TOOL_ID,
        tool_version: '1',
        manifest_hash: run.input.graph.spec_hash,
        arguments_hash: input.hash!,
        arguments_redacted: argumentsPreview(input.value),
        risk: null,
        reason_code: 'graph_approval',
        requested_by: run.input.requested_by,
        expires_at: new Date(Date.now() + timeoutS * 1000).toISOString(),
      },
    },
    SERVICE,
    started,
  );
  approvals.expect(approvalId, input.hash!);
  await append(requested);
  const { status, decision } = await waitForDecision(approvals, approvalId, timeoutS, () => approvals.rejected.record(log, append, requested));
  await append(
    log.event('system_event', approvalDecided(approvalId, status as ApprovalStatus, decision, timeoutS), decision?.decided_by ?? SERVICE, requested),
  );
  if (status === 'approved') return { port: 'out', output: (decision as RecordedApprovalDecision | undefined)?.form ?? { approved: true } };
  const hasEdge = (port: string) => run.input.spec.edges.some((e) => e.from === node.id && e.port === port);
  if (status === 'denied') {
    // Without a `denied` edge a denial is the node's failure (its error edge, or the run fails naming the node), as a
    // timeout without a `timeout` edge is: before this change the run went on with everything downstream skipped and
    // completed with no output, which read as success.
    if (patched('graph-approval-denied-fails') && !hasEdge('denied')) {
      const by = decision?.decided_by.id ?? 'a reviewer';
      throw new NodeError('E_POLICY_DENIED', `${node.id} was denied by ${by}${decision?.reason ? `: ${decision.reason}` : ''}`);
    }
    return { port: 'denied', output: { approved: false, reason: decision?.reason ?? null } };
  }
  if (!hasEdge('timeout')) throw new NodeError('E_APPROVAL_TIMEOUT', `nobody decided ${node.id} within ${timeoutS} s`);
  return { port: 'timeout', output: { timed_out: true } };
}

/** A subgraph node: another graph at a pinned version, as a child `graphRunWorkflow` with a run of its own. */
async function subgraphNode(run: RunContext, node: Extract<GraphNode, { kind: 'subgraph' }>, childInput: unknown): Promise<NodeResult> {
  return runSubgraph(run.input, node.id, node, childInput);
}

/** The parts of a run a child graph run inherits. */
export type ParentRun = Pick<GraphRunInput, 'run_id' | 'project_id' | 'pins' | 'requested_by'>;

/** Runs another graph (a subgraph node, or a map item whose body is a subgraph) as a linked child run. */
export async function runSubgraph(parent: ParentRun, nodeId: string, ref: { graph_id: string; version: number }, childInput: unknown): Promise<NodeResult> {
  const loaded = await graphActivities.loadGraphVersion({ project_id: parent.project_id, graph_id: ref.graph_id, version: ref.version });
  if (!loaded) throw new NodeError('E_NOT_FOUND', `${nodeId}: graph ${ref.graph_id} has no version ${ref.version} in this project`);
  const childRunId = uuid4();
  const input: GraphRunInput = {
    run_id: childRunId,
    project_id: parent.project_id,
    graph: { graph_id: ref.graph_id, version: ref.version, spec_hash: loaded.spec_hash },
    spec: loaded.spec,
    input: await toNodeValue(parent.run_id, childInput),
    pins: { ...parent.pins, tools: loaded.tools },
    retry_of: null,
    requested_by: parent.requested_by,
    parent: { run_id: parent.run_id, node_id: nodeId },
  };
  await graphActivities.createChildRun({
    run_id: childRunId,
    project_id: parent.project_id,
    parent_run_id: parent.run_id,
    parent_node_id: nodeId,
    kind: 'graph',
    pins: input.pins,
    input: input.input,
    budget: null,
    graph: input.graph,
  });
  let result: GraphRunResult;
  try {
    result = await executeChild<(i: GraphRunInput) => Promise<GraphRunResult>>(WORKFLOW_TYPES.graphRun, {
      workflowId: agentRunWorkflowId(childRunId),
      args: [input],
    });
  } catch (err) {
    if (isCancellation(err)) throw err;
    const f = nodeFailure(err);
    throw new NodeError(f.code, `the subgraph run ${childRunId} failed: ${f.message}`, childRunId);
  }
  const summary = await graphActivities.childRunSummary({ run_id: childRunId });
  return { port: 'out', output: result.output ? await fromNodeValue(result.output) : null, cost_usd: summary.cost_usd, usage: summary.usage, childRunId };
}

/**
 * A map node: a coordinator child workflow runs the items in batch child workflows (bounded concurrency) and continues
 * as new every few batches, so 10,000 items stay far within history limits; the output is the results in item order.
 */
async function mapNode(run: RunContext, node: Extract<GraphNode, { kind: 'map' }>, attempt: number, items: unknown[], scope: GraphScope): Promise<NodeResult> {
  const runId = run.input.run_id;
  const stored = await graphActivities.storeNodeValue({ run_id: runId, value: items });
  const scopeStored = await graphActivities.storeNodeValue({ run_id: runId, value: { input: scope.input, nodes: scope.nodes } });
  const mapInput: GraphMapInput = {
    run_id: runId,
    project_id: run.input.project_id,
    node_id: node.id,
    body: node.body,
    items: stored.value,
    count: items.length,
    scope: scopeStored.value,
    batch_size: node.batch_size ?? 50,
    concurrency: node.concurrency ?? 4,
    on_item_error: node.on_item_error ?? 'fail',
    pins: run.input.pins,
    requested_by: run.input.requested_by,
    map_id: `${run.workflowId}/map/${node.id}/${attempt}`,
    next_batch: 0,
    parts: [],
  };
  const result = await executeChild<(i: GraphMapInput) => Promise<GraphMapResult>>('graphMapWorkflow', {
    workflowId: mapInput.map_id,
    args: [mapInput],
  });
  if (!result.ok) throw new NodeError(result.failure.code, `item ${result.failure.index} of ${node.id} failed: ${result.failure.message}`);
  // Results already stored as one artifact are not stored again; later expressions see them when they are of a size a
  // workflow history can carry (else a reference with the count).
  const out = result.output;
  const output =
    'inline' in out
      ? out.inline
      : out.artifact.size_bytes <= MAX_SCOPE_READBACK_BYTES
        ? await fromNodeValue(out)
        : { artifact: out.artifact, count: items.length };
  return { port: 'out', output, stored: out };
}
