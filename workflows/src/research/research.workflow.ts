import { ApplicationFailure, CancellationScope, condition, executeChild, isCancellation } from '@temporalio/workflow';
import type {
  Actor,
  CitationCheck,
  Claim,
  ErrorCode,
  NodeValue,
  ResearchPlan,
  ResearchReport,
  ResearchRequest,
  ResearchRunInput,
  ResearchRunResult,
  RunEvent,
  SearchHit,
  SourceSnapshot,
  TokenUsage,
} from '@omniai/contracts';
import {
  agentRunWorkflowId,
  argumentsPreview,
  CITATION_MARKER_SOURCE,
  PROVIDER_ERROR_CODES,
  RESEARCH_GATE_TOOL_ID,
  RESEARCH_LIMITS,
  RESEARCH_NODE_KINDS,
  RESEARCH_NODES,
} from '@omniai/contracts/pure';
import type { SearchFailure, SelectedSource } from '@omniai/research';
import type { ResearchPromptInput } from '../activity-interfaces';
import { committedAppender, generateReply } from '../agent-run/activities';
import { runCreator, SERVICE } from '../agent-run/actors';
import { type ApprovalBook, approvalDecided, listenForDecisions, waitForDecision } from '../agent-run/approvals';
import { BudgetGuard } from '../agent-run/budget-guard';
import { BUDGET_EXCEEDED, providerFailure } from '../agent-run/failures';
import { RejectedSignals } from '../agent-run/signal-payloads';
import { graphActivities } from '../graph-run/activities';
import { type OrderedAppend, orderedAppend } from '../graph-run/graph-run.workflow';
import { type RunBudgetChecks, serialBudget } from '../graph-run/interpreter';
import { nodeFailure } from '../graph-run/node-error';
import { toNodeValue } from '../graph-run/values';
import { RunLog } from '../run-log';
import { networkActivities, parseModelOutput, researchActivities } from './activities';
import { selectSources } from './select';

// VERSIONING: this workflow is replayed by every research run in flight. A change to the order of its commands
// (activities, child workflows, timers, events) must be guarded with `patched('<change>')`; the committed history in
// research/histories/ is replayed by apps/worker/src/replay and fails first when a change forgets that.

/** How long the plan waits for a reviewer before the run ends (E_APPROVAL_TIMEOUT). */
const PLAN_REVIEW_TIMEOUT_S = 86_400;

/** A research step failed in a way the run cannot go past (recorded as its node's `node_failed`). */
class StepFailed extends Error {
  constructor(
    readonly nodeId: string,
    readonly code: string,
    readonly detail: string,
  ) {
    super(`${nodeId} failed: ${code}: ${detail}`);
    this.name = 'StepFailed';
  }
}

/** A step's own failure (before it is recorded). */
class StepError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'StepError';
  }
}

/** Input of one sub-question's search (a child workflow per sub-question). */
export interface ResearchSearchInput {
  run_id: string;
  project_id: string;
  request: ResearchRequest;
  query: string;
  limit: number;
  requested_by: Actor;
}

export interface ResearchSearchResult {
  hits: SearchHit[];
  failures: SearchFailure[];
}

/** The kinds of source a run searches: `documents`, `web`, and each MCP tool id. */
export function searchVias(request: ResearchRequest): string[] {
  return [...(request.sources.documents ? ['documents'] : []), ...(request.sources.web ? ['web'] : []), ...request.sources.mcp_tools];
}

/**
 * One sub-question's search, over every source kind of the run at once; a backend that fails is reported, the others'
 * hits still count. A child workflow per sub-question, so the searches of a plan run side by side with their own
 * retries and show as their own workflows in Temporal's UI.
 */
export async function researchSearchWorkflow(input: ResearchSearchInput): Promise<ResearchSearchResult> {
  const results = await Promise.all(
    searchVias(input.request).map((via) =>
      networkActivities.researchSearch({
        run_id: input.run_id,
        project_id: input.project_id,
        request: input.request,
        via,
        query: input.query,
        limit: input.limit,
        requested_by: input.requested_by,
      }),
    ),
  );
  return { hits: results.flatMap((r) => r.hits), failures: results.flatMap((r) => (r.failure ? [r.failure] : [])) };
}

/** Runs `fn` over the items, at most `limit` at once, answering in item order. */
async function bounded<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  let inflight = 0;
  return Promise.all(
    items.map(async (item, i) => {
      await condition(() => inflight < limit);
      inflight += 1;
      try {
        return await fn(item, i);
      } finally {
        inflight -= 1;
      }
    }),
  );
}

const CITATION = () => new RegExp(CITATION_MARKER_SOURCE, 'g');
const citedIds = (markdown: string): Set<string> => new Set([...markdown.matchAll(CITATION())].map((m) => m[1]!));

/**
 * A revision is taken only when it keeps every citation that passed and cites none that failed: a model asked to
 * drop bad citations must not drop good ones or invent others (an unusable answer leaves the mechanical removal).
 */
export function acceptableRevision(revised: string, checks: readonly CitationCheck[]): boolean {
  if (revised.trim() === '') return false;
  const cited = citedIds(revised);
  const failed = new Set(checks.filter((c) => c.verdict === 'unsupported').map((c) => c.claim_id));
  const passed = checks.filter((c) => !failed.has(c.claim_id)).map((c) => c.claim_id);
  return passed.every((id) => cited.has(id)) && ![...cited].some((id) => failed.has(id));
}

/** A model reply's value and what it cost. */
interface Answer {
  value: unknown;
  usage: TokenUsage;
  cost: number;
}

/** One research run, step by step; each step is a `node_*` pair of events (docs/RESEARCH.md). */
class Research {
  private readonly usage: TokenUsage = { input_tokens: 0, output_tokens: 0 };
  private cost = 0;
  private readonly workflowId: string;
  private readonly realModel: boolean;

  constructor(
    private readonly input: ResearchRunInput,
    private readonly log: RunLog,
    private readonly append: OrderedAppend,
    private readonly approvals: ApprovalBook,
    private readonly budget: RunBudgetChecks,
  ) {
    this.workflowId = agentRunWorkflowId(input.run_id);
    // The offline scripted model has no judgement of its own: the entailment judge needs a real one.
    this.realModel = input.pins.provider !== 'offline';
  }

  get totalUsage(): TokenUsage {
    return { ...this.usage };
  }

  /** Records a step: `node_started`, then `node_completed` with its output, or `node_failed` (then throws StepFailed). */
  private async step<T>(
    nodeId: string,
    kind: string,
    input: unknown,
    body: (started: RunEvent) => Promise<{ output: T; usage?: TokenUsage; cost?: number }>,
    storedInput?: NodeValue,
  ): Promise<T> {
    const t0 = Date.now();
    const recordedInput = storedInput ?? (await toNodeValue(this.input.run_id, input));
    const started = this.log.event('node_started', { node_id: nodeId, attempt: 1, node_kind: kind, input: recordedInput }, SERVICE);
    await this.append(started);
    let result: { output: T; usage?: TokenUsage; cost?: number };
    try {
      result = await body(started);
    } catch (err) {
      if (isCancellation(err) || (err instanceof ApplicationFailure && err.type === BUDGET_EXCEEDED)) throw err;
      const f = err instanceof StepError ? { code: err.code, message: err.message } : nodeFailure(err);
      await this.append(
        this.log.event(
          'node_failed',
          { node_id: nodeId, attempt: 1, code: f.code, message: f.message.slice(0, 1000), will_retry: false, duration_ms: Date.now() - t0 },
          SERVICE,
          started,
        ),
      );
      throw new StepFailed(nodeId, f.code, f.message);
    }
    const output = await toNodeValue(this.input.run_id, result.output);
    await this.append(
      this.log.event(
        'node_completed',
        {
          node_id: nodeId,
          attempt: 1,
          port: 'out',
          output,
          duration_ms: Date.now() - t0,
          ...(result.usage ? { usage: result.usage } : {}),
          ...(result.cost !== undefined ? { cost_usd: result.cost } : {}),
        },
        SERVICE,
        started,
      ),
    );
    return result.output;
  }

  /** One model call of a step: the prompt built by an activity, the answer parsed against the step's schema. */
  private async ask(nodeId: string, prompt: ResearchPromptInput, started: RunEvent): Promise<Answer> {
    await this.budget.checkBeforeStep(started);
    const p = await researchActivities.researchPrompt({ run_id: this.input.run_id, prompt });
    const reply = await generateReply({
      run_id: this.input.run_id,
      message_id: `${this.workflowId}/research/${nodeId}`,
      message: p.message,
      pins: { ...this.input.pins, tools: [] },
      standalone: { system: p.system, ...(p.output_schema ? { output_schema: p.output_schema } : {}) },
    });
    const cost = reply.cost_usd ?? 0;
    this.usage.input_tokens += reply.usage.input_tokens;
    this.usage.output_tokens += reply.usage.output_tokens;
    this.cost += cost;
    await this.budget.checkAfterUsage(reply.usage.input_tokens + reply.usage.output_tokens, cost, started);
    const parsed = await parseModelOutput({ content: reply.content, ...(p.output_schema ? { schema: p.output_schema } : {}) });
    if (!parsed.ok) throw new StepError('E_RESEARCH_STEP_FAILED', `the model's answer does not have the expected shape: ${parsed.message}`);
    return { value: parsed.value, usage: reply.usage, cost };
  }

  async execute(): Promise<ResearchReport> {
    const started = Date.now();
    const { request } = this.input;
    let plan = await this.plan();
    if (request.plan_review || request.sources.web) plan = await this.review(plan);

    const perVia = RESEARCH_LIMITS.resultsPerDepth[request.depth - 1] ?? 3;
    const found = await bounded(plan.sub_questions, RESEARCH_LIMITS.searchFanOut, async (query, i) => ({
      sub_question: i + 1,
      hits: await this.search(i + 1, query, perVia),
    }));
    const { selected } = await this.step(
      RESEARCH_NODES.select,
      RESEARCH_NODE_KINDS.select,
      { found: found.reduce((n, f) => n + f.hits.length, 0) },
      async () => ({
        output: selectSources(found, request.max_sources),
      }),
    );
    const distinct = new Set(found.flatMap((f) => f.hits.map((h) => h.source_id))).size;

    const read = await bounded(selected, RESEARCH_LIMITS.readConcurrency, (source) => this.readAndExtract(plan, source));
    const claims = read.flatMap((r) => r.claims);
    const sourcesRead = read.filter((r) => r.snapshot !== null).length;

    let markdown = claims.length > 0 ? await this.synthesize(plan, claims) : '';
    let checks: CitationCheck[] = [];
    let rounds = 0;
    for (let round = 1; ; round++) {
      checks = await this.verify(round, markdown, claims);
      const failing = checks.filter((c) => c.verdict === 'unsupported');
      if (failing.length === 0 || round > RESEARCH_LIMITS.critiqueRounds) break;
      rounds = round;
      const revised = await this.revise(round, markdown, claims, checks);
      if (!revised) break;
      markdown = revised;
    }
    return this.step(RESEARCH_NODES.finalize, RESEARCH_NODE_KINDS.finalize, { rounds }, async () => ({
      output: await researchActivities.finalizeReport({
        run_id: this.input.run_id,
        question: request.question,
        markdown,
        claims,
        checks,
        metrics: {
          sources_found: distinct,
          sources_read: sourcesRead,
          sources_failed: read.length - sourcesRead,
          claims: claims.length,
          critique_rounds: rounds,
          tokens: this.usage.input_tokens + this.usage.output_tokens,
          cost_usd: Math.round(this.cost * 1e6) / 1e6,
          wall_ms: Date.now() - started,
        },
      }),
    }));
  }

  /** Decomposes the question into sub-questions (cut to the limit, blanks and repeats dropped). */
  private async plan(): Promise<ResearchPlan> {
    const question = this.input.request.question;
    return this.step(RESEARCH_NODES.plan, RESEARCH_NODE_KINDS.plan, { question }, async (started) => {
      const answer = await this.ask(RESEARCH_NODES.plan, { step: 'plan', question }, started);
      const raw = (answer.value as { sub_questions?: unknown }).sub_questions;
      const subs = [
        ...new Set(
          (Array.isArray(raw) ? raw : [])
            .filter((q): q is string => typeof q === 'string')
            .map((q) => q.trim().slice(0, RESEARCH_LIMITS.subQuestionChars))
            .filter((q) => q !== ''),
        ),
      ].slice(0, RESEARCH_LIMITS.subQuestions);
      if (subs.length === 0) throw new StepError('E_RESEARCH_STEP_FAILED', 'the plan has no sub-question');
      return { output: { sub_questions: subs }, usage: answer.usage, cost: answer.cost };
    });
  }

  /**
   * The reviewer's turn: the proposed plan waits in the approvals inbox (`research.plan_review`); an approval may carry
   * the edited plan (checked by the API), which is what runs. A denial or no decision in time ends the run.
   */
  private async review(proposed: ResearchPlan): Promise<ResearchPlan> {
    const reviewed = { question: this.input.request.question, sub_questions: proposed.sub_questions };
    const stored = await graphActivities.storeNodeValue({ run_id: this.input.run_id, value: reviewed });
    const approvalId = `${this.input.run_id}.${RESEARCH_NODES.review}.1`;
    return this.step(
      RESEARCH_NODES.review,
      RESEARCH_NODE_KINDS.review,
      reviewed,
      async (started) => {
        const requested = this.log.event(
          'system_event',
          {
            type: 'approval_requested',
            message: `The research plan (${proposed.sub_questions.length} sub-questions) waits for a reviewer.`,
            data: {
              approval_id: approvalId,
              call_id: `${RESEARCH_NODES.review}#1`,
              tool_id: RESEARCH_GATE_TOOL_ID,
              tool_version: '1',
              manifest_hash: stored.hash,
              arguments_hash: stored.hash,
              arguments_redacted: argumentsPreview(reviewed),
              risk: null,
              reason_code: 'research_plan_review',
              requested_by: this.input.requested_by,
              expires_at: new Date(Date.now() + PLAN_REVIEW_TIMEOUT_S * 1000).toISOString(),
            },
          },
          SERVICE,
          started,
        );
        this.approvals.expect(approvalId, stored.hash);
        await this.append(requested);
        const { status, decision } = await waitForDecision(this.approvals, approvalId, PLAN_REVIEW_TIMEOUT_S, () =>
          this.approvals.rejected.record(this.log, this.append, requested),
        );
        await this.append(
          this.log.event('system_event', approvalDecided(approvalId, status, decision, PLAN_REVIEW_TIMEOUT_S), decision?.decided_by ?? SERVICE, requested),
        );
        if (status === 'expired') throw new StepError('E_APPROVAL_TIMEOUT', `nobody reviewed the plan within ${PLAN_REVIEW_TIMEOUT_S} s`);
        if (status === 'denied') {
          const reason = decision?.reason ? `: ${decision.reason}` : '';
          throw new StepError('E_POLICY_DENIED', `the plan was denied by ${decision?.decided_by.id ?? 'a reviewer'}${reason}`);
        }
        const form = (decision as { form?: unknown } | undefined)?.form as { sub_questions?: string[] } | undefined;
        return { output: form?.sub_questions?.length ? { sub_questions: form.sub_questions } : proposed };
      },
      stored.value,
    );
  }

  /** One sub-question's search (a child workflow); a failed search yields no hits, never fails the run. */
  private async search(index: number, query: string, limit: number): Promise<SearchHit[]> {
    try {
      const result = await this.step(RESEARCH_NODES.search(index), RESEARCH_NODE_KINDS.search, { sub_question: index, query }, async () => {
        const output = await executeChild(researchSearchWorkflow, {
          workflowId: `${this.workflowId}/search/${index}`,
          args: [
            { run_id: this.input.run_id, project_id: this.input.project_id, request: this.input.request, query, limit, requested_by: this.input.requested_by },
          ],
        });
        return { output };
      });
      return result.hits;
    } catch (err) {
      if (err instanceof StepFailed) return [];
      throw err;
    }
  }

  /** Reads one source (once per run) and extracts its claims; a source that fails is recorded and skipped. */
  private async readAndExtract(plan: ResearchPlan, source: SelectedSource): Promise<{ snapshot: SourceSnapshot | null; claims: Claim[] }> {
    let snapshot: SourceSnapshot;
    try {
      ({ snapshot } = await this.step(RESEARCH_NODES.read(source.source_id), RESEARCH_NODE_KINDS.read, { source }, async () => {
        const read = await networkActivities.readResearchSource({
          run_id: this.input.run_id,
          project_id: this.input.project_id,
          request: this.input.request,
          source,
        });
        if (!read.ok) throw new StepError(read.code, read.message);
        return { output: { snapshot: read.snapshot } };
      }));
    } catch (err) {
      if (err instanceof StepFailed) return { snapshot: null, claims: [] };
      throw err;
    }
    try {
      const extracted = await this.step(
        RESEARCH_NODES.extract(source.source_id),
        RESEARCH_NODE_KINDS.extract,
        { source_id: source.source_id, n: source.n },
        async (started) => {
          const answer = await this.ask(
            RESEARCH_NODES.extract(source.source_id),
            { step: 'extract', question: this.input.request.question, sub_questions: plan.sub_questions, source, snapshot },
            started,
          );
          const anchored = await researchActivities.anchorClaims({ source, snapshot, extracted: answer.value });
          return { output: anchored, usage: answer.usage, cost: answer.cost };
        },
      );
      return { snapshot, claims: extracted.claims };
    } catch (err) {
      if (err instanceof StepFailed) return { snapshot, claims: [] };
      throw err;
    }
  }

  /** The cited Markdown report over the claims. */
  private async synthesize(plan: ResearchPlan, claims: Claim[]): Promise<string> {
    const { markdown } = await this.step(RESEARCH_NODES.synthesize, RESEARCH_NODE_KINDS.synthesize, { claims: claims.length }, async (started) => {
      const answer = await this.ask(
        RESEARCH_NODES.synthesize,
        { step: 'synthesize', question: this.input.request.question, sub_questions: plan.sub_questions, claims },
        started,
      );
      return { output: { markdown: String(answer.value) }, usage: answer.usage, cost: answer.cost };
    });
    return markdown;
  }

  /**
   * Every citation checked mechanically; with a real model, each citation that passed is also judged for entailment
   * (a judge can only lower a verdict, never raise a mechanical failure).
   */
  private async verify(round: number, markdown: string, claims: Claim[]): Promise<CitationCheck[]> {
    const nodeId = RESEARCH_NODES.verify(round);
    const { checks } = await this.step(nodeId, RESEARCH_NODE_KINDS.verify, { round }, async (started) => {
      const mechanical = await researchActivities.verifyCitations({ run_id: this.input.run_id, markdown, claims });
      if (!this.realModel) return { output: { checks: mechanical } };
      const byId = new Map(claims.map((c) => [c.id, c]));
      let usage: TokenUsage = { input_tokens: 0, output_tokens: 0 };
      let cost = 0;
      const judged = await bounded(mechanical, RESEARCH_LIMITS.readConcurrency, async (check): Promise<CitationCheck> => {
        const claim = byId.get(check.claim_id);
        if (check.verdict !== 'supported' || !claim) return check;
        const answer = await this.ask(`${nodeId}/judge/${check.claim_id}`, { step: 'judge', claim }, started);
        usage = { input_tokens: usage.input_tokens + answer.usage.input_tokens, output_tokens: usage.output_tokens + answer.usage.output_tokens };
        cost += answer.cost;
        const judge = answer.value as { verdict: CitationCheck['verdict']; reason: string };
        const verdict: CitationCheck['verdict'] = judge.verdict === 'unsupported' ? 'unsupported' : judge.verdict === 'partial' ? 'partial' : 'supported';
        return {
          ...check,
          verdict,
          judge: { verdict: judge.verdict, reason: judge.reason.slice(0, 1000) },
          reason: verdict === 'unsupported' ? judge.reason.slice(0, 1000) : check.reason,
        };
      });
      return { output: { checks: judged }, usage, cost };
    });
    return checks;
  }

  /** Asks the model to rewrite the report without the failing citations; null when the rewrite is not usable. */
  private async revise(round: number, markdown: string, claims: Claim[], checks: CitationCheck[]): Promise<string | null> {
    const failing = checks.filter((c) => c.verdict === 'unsupported');
    try {
      const revised = await this.step(
        RESEARCH_NODES.revise(round),
        RESEARCH_NODE_KINDS.revise,
        { round, failing: failing.map((c) => c.claim_id) },
        async (started) => {
          const answer = await this.ask(
            RESEARCH_NODES.revise(round),
            { step: 'revise', question: this.input.request.question, markdown, claims, failing },
            started,
          );
          const text = String(answer.value);
          return { output: { markdown: text, accepted: acceptableRevision(text, checks) }, usage: answer.usage, cost: answer.cost };
        },
      );
      return revised.accepted ? revised.markdown : null;
    } catch (err) {
      if (err instanceof StepFailed) return null;
      throw err;
    }
  }
}

// Codes a step failure may end the run with; anything else ends it as E_RESEARCH_STEP_FAILED naming the step.
const RUN_CODES: ReadonlySet<string> = new Set<string>(['E_APPROVAL_TIMEOUT', 'E_POLICY_DENIED', 'E_RESEARCH_STEP_FAILED', ...PROVIDER_ERROR_CODES]);

/**
 * A research run (docs/RESEARCH.md): plan → (review) → search → select → read and extract → synthesize → verify and
 * revise → finalize, each step a `node_*` pair in the run's log; the same lifecycle as every run (budgets with pause
 * and resume, approvals through the inbox, cancel). Sources are read once per run (idempotent by source id).
 */
export async function researchWorkflow(input: ResearchRunInput): Promise<ResearchRunResult> {
  const log = new RunLog(input.run_id);
  // A regular activity appends (D55): steps run concurrently, and an append from a workflow task a crash loses would
  // leave Postgres with events history does not hold.
  const append = orderedAppend(committedAppender(input.run_id));
  const started = Date.now();
  const created = log.event(
    'run_created',
    {
      project_id: input.project_id,
      thread_id: null,
      pins: input.pins,
      retry_of: input.retry_of,
      research: input.request,
      ...(input.parent ? { parent: input.parent } : {}),
    },
    runCreator({}),
  );
  const rejected = new RejectedSignals(true);
  const approvals = listenForDecisions(true, rejected);
  const budget = serialBudget(new BudgetGuard(input.budget, started, log, append, { doorbell: true, rejected }));
  const research = new Research(input, log, append, approvals, budget);
  try {
    await append(created);
    const report = await research.execute();
    await append(...rejected.drain(log), log.event('run_completed', { duration_ms: Date.now() - started, usage: research.totalUsage }, SERVICE));
    return { status: 'completed', last_seq: log.lastSeq, report: { sha256: report.artifact.sha256, markdown_preview: report.markdown.slice(0, 300) } };
  } catch (err) {
    if (err instanceof ApplicationFailure && err.type === BUDGET_EXCEEDED) throw err;
    if (isCancellation(err)) {
      await CancellationScope.nonCancellable(() => append(log.event('run_cancelled', { reason: 'cancelled by request', partial_output: false }, SERVICE)));
      throw err;
    }
    let code: ErrorCode;
    let message: string;
    if (err instanceof StepFailed) {
      code = (RUN_CODES.has(err.code) ? err.code : 'E_RESEARCH_STEP_FAILED') as ErrorCode;
      message = `${err.nodeId} failed: ${err.detail}`;
    } else {
      ({ code, message } = providerFailure(err));
    }
    await append(log.event('run_failed', { code, message: message.slice(0, 500) }, SERVICE));
    throw ApplicationFailure.nonRetryable(`run failed: ${message.slice(0, 200)}`, 'RunFailed');
  }
}
