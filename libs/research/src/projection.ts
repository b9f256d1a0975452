import type {
  CitationCheck,
  Claim,
  ResearchGraph,
  ResearchGraphNodeState,
  ResearchPlan,
  ResearchReport,
  ResearchRequest,
  ResearchSource,
  ResearchStage,
  ResearchView,
  RunEvent,
} from '@omniai/contracts';
import { RESEARCH_GATE_TOOL_ID, RESEARCH_NODES } from '@omniai/contracts/pure';
import { citedClaimIds } from './markdown';
import type { ResearchSteps } from './steps';

/** A research run as `GET /v1/runs/:runId/research` shows it, without the run row and the request (the caller has both). */
export type ResearchProjection = Omit<ResearchView, 'run' | 'request'>;

/** A research step, named by its node id (`RESEARCH_NODES`). */
export type ResearchStepRef =
  | { step: 'plan' | 'plan_review' | 'select' | 'synthesize' | 'finalize' }
  | { step: 'search'; sub_question: number }
  | { step: 'read' | 'extract'; source_id: string }
  | { step: 'verify' | 'revise'; round: number };

const SINGLE_STEPS = { plan: 'plan', review: 'plan_review', select: 'select', synthesize: 'synthesize', finalize: 'finalize' } as const;
const SOURCE_STEPS = ['read', 'extract'] as const;

/** The research step a node id names, or null when it is none (ids are built by `RESEARCH_NODES`, parsed back here). */
export function researchStep(nodeId: string): ResearchStepRef | null {
  for (const [key, step] of Object.entries(SINGLE_STEPS)) {
    if (RESEARCH_NODES[key as keyof typeof SINGLE_STEPS] === nodeId) return { step };
  }
  const suffix = /_([0-9a-f]{16}|[1-9][0-9]{0,3})$/.exec(nodeId)?.[1];
  if (suffix === undefined) return null;
  for (const step of SOURCE_STEPS) if (RESEARCH_NODES[step](suffix) === nodeId) return { step, source_id: suffix };
  const n = Number(suffix);
  if (RESEARCH_NODES.search(n) === nodeId) return { step: 'search', sub_question: n };
  for (const step of ['verify', 'revise'] as const) if (RESEARCH_NODES[step](n) === nodeId) return { step, round: n };
  return null;
}

/** One step's latest attempt, folded from its node events. */
interface StepState {
  status: 'running' | 'done' | 'failed' | 'skipped';
  input: unknown;
  /** The completed output (undefined when not completed, or stored as an artifact the caller did not resolve). */
  output: unknown;
  error: { code: string; message: string } | null;
}

/** A NodeValue's inline value; an artifact reference counts as missing (the caller resolves artifacts first). */
function inline(value: unknown): unknown {
  return typeof value === 'object' && value !== null && 'inline' in value ? (value as { inline: unknown }).inline : undefined;
}

const STAGES: readonly ResearchStage[] = ['planning', 'plan_review', 'searching', 'reading', 'synthesizing', 'verifying', 'done'];

const STEP_STAGE: Readonly<Record<ResearchStepRef['step'], ResearchStage>> = {
  plan: 'planning',
  plan_review: 'plan_review',
  search: 'searching',
  select: 'searching',
  read: 'reading',
  extract: 'reading',
  synthesize: 'synthesizing',
  verify: 'verifying',
  revise: 'verifying',
  finalize: 'verifying',
};

/** The stage an event of a step shows: the step's own, except that a finished select starts reading and a finished finalize ends. */
function stageOf(ref: ResearchStepRef, completed: boolean): ResearchStage {
  if (completed && ref.step === 'select') return 'reading';
  if (completed && ref.step === 'finalize') return 'done';
  return STEP_STAGE[ref.step];
}

const later = (a: ResearchStage, b: ResearchStage): ResearchStage => (STAGES.indexOf(b) > STAGES.indexOf(a) ? b : a);

/** Everything the fold keeps: each step's state, the plan review's approvals, the furthest stage, how the run ended. */
interface Fold {
  steps: Map<string, StepState>;
  openReviews: Set<string>;
  stage: ResearchStage;
  ended: { state: 'done' | 'failed'; detail: string | null } | null;
}

function foldNodeEvent(fold: Fold, event: Extract<RunEvent, { kind: `node_${string}` }>): void {
  const ref = researchStep(event.payload.node_id);
  if (!ref) return;
  const id = event.payload.node_id;
  const prior = fold.steps.get(id);
  switch (event.kind) {
    case 'node_started':
      // A new attempt: what the previous one produced no longer counts (its error stays until this one ends).
      fold.steps.set(id, { status: 'running', input: inline(event.payload.input), output: undefined, error: prior?.error ?? null });
      break;
    case 'node_completed':
      fold.steps.set(id, { status: 'done', input: prior?.input, output: inline(event.payload.output), error: null });
      break;
    case 'node_failed': {
      const error = { code: event.payload.code, message: event.payload.message };
      fold.steps.set(id, { status: event.payload.will_retry ? 'running' : 'failed', input: prior?.input, output: undefined, error });
      break;
    }
    case 'node_skipped':
      fold.steps.set(id, { status: 'skipped', input: prior?.input, output: undefined, error: prior?.error ?? null });
      break;
  }
  fold.stage = later(fold.stage, stageOf(ref, event.kind === 'node_completed'));
}

function foldEvents(events: readonly RunEvent[]): Fold {
  const fold: Fold = { steps: new Map(), openReviews: new Set(), stage: 'planning', ended: null };
  for (const event of [...events].sort((a, b) => a.seq - b.seq)) {
    switch (event.kind) {
      case 'node_started':
      case 'node_completed':
      case 'node_failed':
      case 'node_skipped':
        foldNodeEvent(fold, event);
        break;
      case 'system_event': {
        const p = event.payload;
        if (p.type === 'approval_requested' && p.data.tool_id === RESEARCH_GATE_TOOL_ID) {
          fold.openReviews.add(p.data.approval_id);
          fold.stage = later(fold.stage, 'plan_review');
        } else if (p.type === 'approval_decided') fold.openReviews.delete(p.data.approval_id);
        break;
      }
      case 'run_completed':
        fold.ended = { state: 'done', detail: null };
        break;
      case 'run_failed':
        fold.ended = { state: 'failed', detail: event.payload.message };
        break;
      case 'run_cancelled':
        fold.ended = { state: 'failed', detail: `cancelled: ${event.payload.reason}` };
        break;
      default:
        break;
    }
  }
  if (fold.ended) fold.stage = 'done';
  return fold;
}

const isRecord = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

/** What each step's output must at least look like to be read (the workflow writes `ResearchSteps`; anything else is missing). */
const OUTPUT_SHAPES: { [K in keyof ResearchSteps]?: (x: Record<string, unknown>) => boolean } = {
  plan: (x) => Array.isArray(x.sub_questions) && x.sub_questions.every((q) => typeof q === 'string'),
  plan_review: (x) => Array.isArray(x.sub_questions) && x.sub_questions.every((q) => typeof q === 'string'),
  search: (x) => Array.isArray(x.hits) && Array.isArray(x.failures),
  select: (x) => Array.isArray(x.selected) && Array.isArray(x.skipped),
  read: (x) => isRecord(x.snapshot),
  extract: (x) => Array.isArray(x.claims),
  verify: (x) => Array.isArray(x.checks),
  finalize: (x) => typeof x.markdown === 'string' && typeof x.cited_markdown === 'string' && Array.isArray(x.bibliography) && isRecord(x.metrics),
};

/** A completed step's output, when it has the shape its step records. */
function outputOf<K extends keyof ResearchSteps>(fold: Fold, step: K, nodeId: string): ResearchSteps[K]['output'] | null {
  const s = fold.steps.get(nodeId);
  if (s?.status !== 'done' || !isRecord(s.output)) return null;
  const shape = OUTPUT_SHAPES[step];
  return shape && !shape(s.output) ? null : (s.output as ResearchSteps[K]['output']);
}

/** The plan the run follows: the reviewer's when the review is done, else the model's proposal. */
function planOf(fold: Fold): ResearchPlan | null {
  return outputOf(fold, 'plan_review', RESEARCH_NODES.review) ?? outputOf(fold, 'plan', RESEARCH_NODES.plan);
}

const SKIPPED = 'skipped';

/** The sources of the run: none before select; then each selected one with what its read did, and the skipped ones. */
function sourcesOf(fold: Fold): ResearchSource[] {
  const select = outputOf(fold, 'select', RESEARCH_NODES.select);
  if (!select) return [];
  const selected = [...select.selected].sort((a, b) => a.n - b.n);
  const read = selected.map((s): ResearchSource => {
    const base = { source_id: s.source_id, kind: s.kind, locator: s.locator, title: s.title, via: s.via, sub_questions: s.sub_questions };
    const step = fold.steps.get(RESEARCH_NODES.read(s.source_id));
    switch (step?.status) {
      case 'done':
        return { ...base, status: 'read', snapshot: outputOf(fold, 'read', RESEARCH_NODES.read(s.source_id))?.snapshot ?? null, error: null };
      case 'failed':
        return { ...base, status: 'failed', snapshot: null, error: step.error };
      case 'skipped':
        return { ...base, status: 'skipped', snapshot: null, error: { code: SKIPPED, message: 'the run ended before this source was read' } };
      default:
        return { ...base, status: 'selected', snapshot: null, error: null };
    }
  });
  const skipped = select.skipped.map((s): ResearchSource => ({
    source_id: s.source_id,
    kind: s.kind,
    locator: s.locator,
    title: s.title,
    via: s.via,
    sub_questions: s.sub_questions,
    status: 'skipped',
    snapshot: null,
    error: { code: SKIPPED, message: s.reason },
  }));
  return [...read, ...skipped];
}

/** `c12-3` → [12, 3], for ordering claims by source number, then rank. */
function claimOrder(id: string): [number, number] {
  const m = /^c(\d+)-(\d+)$/.exec(id);
  return m ? [Number(m[1]), Number(m[2])] : [Number.MAX_SAFE_INTEGER, 0];
}

/** Every claim extracted, by source number then rank (a step's node id names its source; each claim once). */
function claimsOf(fold: Fold): Claim[] {
  const claims = new Map<string, Claim>();
  for (const nodeId of fold.steps.keys()) {
    if (researchStep(nodeId)?.step !== 'extract') continue;
    for (const claim of outputOf(fold, 'extract', nodeId)?.claims ?? []) if (!claims.has(claim.id)) claims.set(claim.id, claim);
  }
  return [...claims.values()].sort((a, b) => {
    const [x, y] = [claimOrder(a.id), claimOrder(b.id)];
    return x[0] - y[0] || x[1] - y[1];
  });
}

/** Each claim's check from the last verify round that checked it. */
function checksOf(fold: Fold): Map<string, CitationCheck> {
  const rounds = [...fold.steps.keys()]
    .map((id) => ({ id, ref: researchStep(id) }))
    .filter((s): s is { id: string; ref: { step: 'verify'; round: number } } => s.ref?.step === 'verify')
    .sort((a, b) => a.ref.round - b.ref.round);
  const checks = new Map<string, CitationCheck>();
  for (const { id } of rounds) for (const check of outputOf(fold, 'verify', id)?.checks ?? []) checks.set(check.claim_id, check);
  return checks;
}

const LABEL_CHARS = 80;

/** A graph label: one line, at most 80 characters (cut with an ellipsis, never inside a surrogate pair). */
export function shortLabel(s: string): string {
  const chars = Array.from(s.replace(/\s+/g, ' ').trim());
  return chars.length <= LABEL_CHARS ? chars.join('') : `${chars.slice(0, LABEL_CHARS - 1).join('')}…`;
}

type GraphNode = ResearchGraph['nodes'][number];

const STEP_NODE_STATE: Readonly<Record<StepState['status'], ResearchGraphNodeState>> = {
  running: 'running',
  done: 'done',
  failed: 'failed',
  skipped: 'skipped',
};

function questionNode(request: ResearchRequest, fold: Fold, report: ResearchReport | null): GraphNode {
  const state = fold.ended?.state ?? (report ? 'done' : 'running');
  return { id: 'q', kind: 'question', label: shortLabel(request.question), state, detail: fold.ended?.detail ?? null };
}

function subQuestionNode(fold: Fold, question: string, i: number): GraphNode {
  const nodeId = RESEARCH_NODES.search(i);
  const step = fold.steps.get(nodeId);
  const out = outputOf(fold, 'search', nodeId);
  const found = out ? [`${out.hits.length} ${out.hits.length === 1 ? 'result' : 'results'}`, ...out.failures.map((f) => `${f.via}: ${f.message}`)] : [];
  const detail = step?.status === 'failed' ? (step.error?.message ?? null) : found.length ? found.join('; ') : null;
  return { id: `sq${i}`, kind: 'sub_question', label: shortLabel(question), state: step ? STEP_NODE_STATE[step.status] : 'pending', detail };
}

/** A source's node: pending until its read starts, running while it is read and its claims extracted. */
function sourceNode(fold: Fold, source: ResearchSource): GraphNode {
  const node = { id: `s${source.source_id}`, kind: 'source' as const, label: shortLabel(source.title || source.locator), detail: source.locator };
  const read = fold.steps.get(RESEARCH_NODES.read(source.source_id));
  const extract = fold.steps.get(RESEARCH_NODES.extract(source.source_id));
  switch (source.status) {
    case 'skipped':
      return { ...node, state: 'skipped', detail: source.error?.message ?? null };
    case 'failed':
      return { ...node, state: 'failed', detail: source.error?.message ?? null };
    case 'selected':
      return { ...node, state: read ? 'running' : 'pending', detail: read?.error?.message ?? source.locator };
    case 'read':
      if (extract?.status === 'running') return { ...node, state: 'running' };
      if (extract?.status === 'failed') return { ...node, state: 'failed', detail: `no claims: ${extract.error?.message ?? 'extraction failed'}` };
      return { ...node, state: 'done' };
  }
}

/**
 * A claim's state: its check's verdict, `done` before any check; once the report is final, a claim it does not cite
 * is `uncited` (or `unsupported` when a check removed it).
 */
function claimState(claim: Claim, check: CitationCheck | null, finallyCited: ReadonlySet<string> | null): ResearchGraphNodeState {
  if (finallyCited && !finallyCited.has(claim.id)) return check?.verdict === 'unsupported' ? 'unsupported' : 'uncited';
  return check?.verdict ?? 'done';
}

function graphOf(request: ResearchRequest, fold: Fold, view: Pick<ResearchProjection, 'plan' | 'sources' | 'claims' | 'report'>): ResearchGraph {
  const nodes: GraphNode[] = [questionNode(request, fold, view.report)];
  const edges: ResearchGraph['edges'] = [];
  const subQuestions = view.plan?.sub_questions ?? [];
  subQuestions.forEach((q, k) => {
    nodes.push(subQuestionNode(fold, q, k + 1));
    edges.push({ from: 'q', to: `sq${k + 1}` });
  });
  for (const source of view.sources) {
    nodes.push(sourceNode(fold, source));
    for (const i of source.sub_questions) if (i <= subQuestions.length) edges.push({ from: `sq${i}`, to: `s${source.source_id}` });
  }
  const sourceIds = new Set(view.sources.map((s) => s.source_id));
  const finallyCited = view.report ? new Set(citedClaimIds(view.report.cited_markdown)) : null;
  for (const claim of view.claims) {
    nodes.push({
      id: claim.id,
      kind: 'claim',
      label: shortLabel(claim.text),
      state: claimState(claim, claim.check, finallyCited),
      detail: claim.check?.reason || null,
    });
    for (const sourceId of new Set(claim.evidence.map((e) => e.source_id))) if (sourceIds.has(sourceId)) edges.push({ from: `s${sourceId}`, to: claim.id });
  }
  return { nodes, edges };
}

/**
 * A research run folded from its events (any order: sorted by seq): the stage it reached, the plan it follows, the
 * plan review it waits for, its sources, claims (each with the check of the last verify round that covered it), the
 * final report, and the research graph (question → sub-questions → sources → claims, with states). Node values must be
 * resolved by the caller: an artifact reference where a step's output should be counts as missing.
 */
export function projectResearch(request: ResearchRequest, events: readonly RunEvent[]): ResearchProjection {
  const fold = foldEvents(events);
  const pending = fold.ended ? undefined : [...fold.openReviews].at(-1);
  const plan = planOf(fold);
  const sources = sourcesOf(fold);
  const checks = checksOf(fold);
  const claims = claimsOf(fold).map((c) => ({ ...c, check: checks.get(c.id) ?? null }));
  const report = outputOf(fold, 'finalize', RESEARCH_NODES.finalize);
  const stage = pending === undefined ? fold.stage : 'plan_review';
  return {
    stage,
    plan,
    pending_review: pending === undefined ? null : { approval_id: pending },
    sources,
    claims,
    report,
    graph: graphOf(request, fold, { plan, sources, claims, report }),
  };
}
