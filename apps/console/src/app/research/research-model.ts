import { Graph as DagreGraph, layout as dagreLayout } from '@dagrejs/dagre';
import type { CitationVerdict, FieldIssue, ResearchGraph, ResearchView, StartResearchRequest } from '@omniai/contracts';
import { CITATION_MARKER_SOURCE, RESEARCH_LIMITS } from '@omniai/contracts/pure';
import { Marked, type TokenizerAndRendererExtension, type Tokens } from 'marked';
import type { Checked } from '../core/form-state';

/**
 * The research pages' model, pure (no Angular, no DOM): the start form's draft and its request, the plan review's
 * edits, the citation chips of a report, the quote highlight and the research graph's layout. The jest specs beside it
 * cover these without a browser.
 */

// ---- start form ----

export interface ResearchDraft {
  question: string;
  documents: boolean;
  /** A web search backend's id, or '' for none. */
  webBackendId: string;
  /** MCP search tool ids, one per line or comma-separated. */
  mcpTools: string;
  depth: number;
  maxSources: number;
  planReview: boolean;
  /** Budget fields as typed ('' for no limit). */
  maxTokens: string;
  maxCostUsd: string;
  onExceed: 'end' | 'pause';
}

export type ResearchField = 'question' | 'sources' | 'webBackendId' | 'mcpTools' | 'depth' | 'maxSources' | 'maxTokens' | 'maxCostUsd';
export type ResearchErrors = Partial<Record<ResearchField, string>>;

export function blankResearchDraft(): ResearchDraft {
  return {
    question: '',
    documents: true,
    webBackendId: '',
    mcpTools: '',
    depth: 2,
    maxSources: RESEARCH_LIMITS.defaultMaxSources,
    planReview: true,
    maxTokens: '200000',
    maxCostUsd: '',
    onExceed: 'pause',
  };
}

const MAX_MCP_TOOLS = 5;

export function mcpToolIds(text: string): string[] {
  return [
    ...new Set(
      text
        .split(/[\s,]+/)
        .map((s) => s.trim())
        .filter(Boolean),
    ),
  ];
}

/** The draft as a `StartResearchRequest`, or the field errors the API would answer (the same limits). */
export function startResearchRequest(d: ResearchDraft): Checked<StartResearchRequest, ResearchErrors> {
  const errors: ResearchErrors = {};
  const question = d.question.trim();
  if (question.length < 3) errors.question = 'Ask a question of at least 3 characters.';
  else if (question.length > RESEARCH_LIMITS.questionChars) errors.question = `At most ${RESEARCH_LIMITS.questionChars.toLocaleString('en-US')} characters.`;
  const mcp = mcpToolIds(d.mcpTools);
  if (mcp.length > MAX_MCP_TOOLS) errors.mcpTools = `At most ${MAX_MCP_TOOLS} MCP tools.`;
  else if (mcp.some((t) => t.length > 200)) errors.mcpTools = 'A tool id has at most 200 characters.';
  if (!d.documents && !d.webBackendId && mcp.length === 0) errors.sources = 'Choose at least one source: the project’s documents, the web or an MCP tool.';
  if (!Number.isInteger(d.depth) || d.depth < 1 || d.depth > 3) errors.depth = 'Depth is 1, 2 or 3.';
  if (!Number.isInteger(d.maxSources) || d.maxSources < 1 || d.maxSources > RESEARCH_LIMITS.maxSources)
    errors.maxSources = `Between 1 and ${RESEARCH_LIMITS.maxSources}.`;
  const maxTokens = d.maxTokens.trim() === '' ? undefined : Number(d.maxTokens);
  if (maxTokens !== undefined && (!Number.isInteger(maxTokens) || maxTokens <= 0))
    errors.maxTokens = 'A whole number of tokens above 0, or empty for no limit.';
  const maxCost = d.maxCostUsd.trim() === '' ? undefined : Number(d.maxCostUsd);
  if (maxCost !== undefined && (!Number.isFinite(maxCost) || maxCost <= 0)) errors.maxCostUsd = 'An amount in USD above 0, or empty for no limit.';
  if (Object.keys(errors).length) return { ok: false, errors };
  const budget = maxTokens !== undefined || maxCost !== undefined ? { max_tokens: maxTokens, max_cost_usd: maxCost, on_exceed: d.onExceed } : undefined;
  return {
    ok: true,
    body: {
      question,
      sources: { documents: d.documents, ...(d.webBackendId ? { web: { backend_id: d.webBackendId } } : {}), mcp_tools: mcp },
      depth: d.depth,
      max_sources: d.maxSources,
      plan_review: d.planReview,
      ...(budget ? { budget: Object.fromEntries(Object.entries(budget).filter(([, v]) => v !== undefined)) } : {}),
    },
  };
}

/** The form field an API field issue is about (by its path), or null for the form's error line. */
export function fieldOfIssue(path: string): ResearchField | null {
  if (path === 'question') return 'question';
  if (path.startsWith('sources.web')) return 'webBackendId';
  if (path.startsWith('sources.mcp_tools')) return 'mcpTools';
  if (path === 'sources' || path.startsWith('sources.')) return 'sources';
  if (path === 'depth') return 'depth';
  if (path === 'max_sources') return 'maxSources';
  if (path.startsWith('budget.max_tokens')) return 'maxTokens';
  if (path.startsWith('budget.max_cost_usd')) return 'maxCostUsd';
  return null;
}

/** The API's field issues as the form's field errors, and those no field shows. */
export function errorsOfIssues(issues: readonly FieldIssue[]): { errors: ResearchErrors; rest: FieldIssue[] } {
  const errors: ResearchErrors = {};
  const rest: FieldIssue[] = [];
  for (const i of issues) {
    const field = fieldOfIssue(i.path);
    if (field) errors[field] = errors[field] ? `${errors[field]}; ${i.message}` : i.message;
    else rest.push(i);
  }
  return { errors, rest };
}

// ---- plan review ----

/** The reviewer's edit of the plan, checked like the API checks it: 1–8 sub-questions of 1–500 characters. */
export function checkPlan(subQuestions: readonly string[]): Checked<{ sub_questions: string[] }, { plan?: string; items: Record<number, string> }> {
  const items: Record<number, string> = {};
  const kept = subQuestions.map((s) => s.trim());
  kept.forEach((s, i) => {
    if (!s) items[i] = 'Write the sub-question, or remove it.';
    else if (s.length > RESEARCH_LIMITS.subQuestionChars) items[i] = `At most ${RESEARCH_LIMITS.subQuestionChars} characters.`;
  });
  let plan: string | undefined;
  if (kept.length === 0) plan = 'Keep at least one sub-question.';
  else if (kept.length > RESEARCH_LIMITS.subQuestions) plan = `At most ${RESEARCH_LIMITS.subQuestions} sub-questions.`;
  if (plan || Object.keys(items).length) return { ok: false, errors: { plan, items } };
  return { ok: true, body: { sub_questions: kept } };
}

/** Moves item `from` by `delta` places (clamped); the list is not changed in place. */
export function moved<T>(list: readonly T[], from: number, delta: number): T[] {
  const to = Math.max(0, Math.min(list.length - 1, from + delta));
  const out = [...list];
  const [item] = out.splice(from, 1);
  if (item !== undefined) out.splice(to, 0, item);
  return out;
}

// ---- citations ----

export type ChipVerdict = CitationVerdict | 'unchecked';

/** What a citation marker shows: the bibliography number of its claim's source and the claim's verdict. */
export interface CitationChip {
  claimId: string;
  /** The bibliography `n` of the claim's (first) source; null when the source is not in the bibliography. */
  n: number | null;
  verdict: ChipVerdict;
  /** The claim's text (the chip's tooltip). */
  text: string;
}

/** Every claim of the view as a chip, by claim id. */
export function citationChips(view: Pick<ResearchView, 'claims' | 'report'>): Map<string, CitationChip> {
  const numbers = new Map((view.report?.bibliography ?? []).map((b) => [b.source_id, b.n]));
  return new Map(
    view.claims.map((c) => {
      const source = c.evidence[0]?.source_id;
      return [c.id, { claimId: c.id, n: source ? (numbers.get(source) ?? null) : null, verdict: c.check?.verdict ?? 'unchecked', text: c.text }];
    }),
  );
}

const VERDICT_LABEL: Record<ChipVerdict, string> = {
  supported: 'verified',
  partial: 'partly supported',
  unsupported: 'unsupported',
  unchecked: 'not checked',
};

export function verdictLabel(v: ChipVerdict): string {
  return VERDICT_LABEL[v];
}

const escapeAttr = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

/** A chip's HTML: a button the viewer listens to (by delegation) for its claim id. */
export function chipHtml(claimId: string, chip: CitationChip | undefined): string {
  const verdict: ChipVerdict | 'unknown' = chip?.verdict ?? 'unknown';
  const label = chip?.n ?? '?';
  const title = chip
    ? `[${label}] ${verdictLabel(chip.verdict)}: ${chip.text.length > 200 ? `${chip.text.slice(0, 199)}…` : chip.text}`
    : `Claim ${claimId} is not one of this run's claims`;
  return (
    `<button type="button" class="cite" data-testid="citation-chip" data-claim="${escapeAttr(claimId)}" data-verdict="${verdict}"` +
    ` title="${escapeAttr(title)}" aria-label="${escapeAttr(title)}">${label}</button>`
  );
}

/**
 * What a sentence whose citations all failed ends with: `UNVERIFIED_FLAG` of `@omniai/research`, recognized by its shape
 * (the console's compiler settings are stricter than that library's, so it cannot import it).
 */
const FLAG = /^⚠️?\s*\*\((unverified[^*]*?)\)\*/u;

/**
 * The report's Markdown (with `[[c3-2]]` markers) as HTML: GFM (tables) by marked, each marker a citation chip and
 * each "unverified" flag a marked span. The result is NOT sanitized: the viewer runs it through DOMPurify.
 */
export function reportHtml(citedMarkdown: string, chips: ReadonlyMap<string, CitationChip>): string {
  const citation: TokenizerAndRendererExtension = {
    name: 'citation',
    level: 'inline',
    start: (src) => src.indexOf('[['),
    tokenizer(src) {
      const m = new RegExp(`^${CITATION_MARKER_SOURCE}`).exec(src);
      return m ? { type: 'citation', raw: m[0], claimId: m[1] } : undefined;
    },
    renderer: (token) => chipHtml((token as Tokens.Generic)['claimId'] as string, chips.get((token as Tokens.Generic)['claimId'] as string)),
  };
  const flag: TokenizerAndRendererExtension = {
    name: 'unverified',
    level: 'inline',
    start: (src) => src.indexOf('⚠'),
    tokenizer(src) {
      const m = FLAG.exec(src);
      return m ? { type: 'unverified', raw: m[0], text: m[1] } : undefined;
    },
    renderer: (token) => `<span class="flag" data-testid="report-flag">⚠️ <em>(${escapeAttr((token as Tokens.Generic)['text'] as string)})</em></span>`,
  };
  const marked = new Marked({ gfm: true, async: false, extensions: [citation, flag] });
  return marked.parse(citedMarkdown) as string;
}

// ---- the quote in its source ----

/** The source text around the quoted span `text.slice(start, end)` (offsets clamped to the text). */
export function highlightSplit(text: string, start: number, end: number): { before: string; mark: string; after: string } {
  const s = Math.max(0, Math.min(text.length, start));
  const e = Math.max(s, Math.min(text.length, end));
  return { before: text.slice(0, s), mark: text.slice(s, e), after: text.slice(e) };
}

/** Whether the span holds the quote, whitespace-normalized (how the run's check compares them). */
export function spanMatchesQuote(span: string, quote: string): boolean {
  const norm = (s: string) => s.replace(/\s+/g, ' ').trim();
  return norm(span) === norm(quote);
}

// ---- the research graph ----

export type ResearchNode = ResearchGraph['nodes'][number];

const NODE_SIZE: Record<ResearchNode['kind'], { width: number; height: number }> = {
  question: { width: 240, height: 64 },
  sub_question: { width: 240, height: 58 },
  source: { width: 220, height: 52 },
  claim: { width: 220, height: 52 },
};

export function researchNodeSize(kind: ResearchNode['kind']): { width: number; height: number } {
  return { ...NODE_SIZE[kind] };
}

export interface PlacedNode extends ResearchNode {
  position: { x: number; y: number };
  width: number;
  height: number;
}

/** Positions every node left to right with dagre (question → sub-questions → sources → claims). */
export function layoutResearchGraph(graph: ResearchGraph): PlacedNode[] {
  const g = new DagreGraph({ multigraph: true });
  g.setGraph({ rankdir: 'LR', nodesep: 14, ranksep: 70, marginx: 20, marginy: 20 });
  g.setDefaultEdgeLabel(() => ({}));
  // A fresh label per node: dagre writes each node's position into its label object.
  for (const n of graph.nodes) g.setNode(n.id, { ...researchNodeSize(n.kind) });
  graph.edges.forEach((e, i) => {
    if (g.hasNode(e.from) && g.hasNode(e.to)) g.setEdge(e.from, e.to, {}, `e${i}`);
  });
  dagreLayout(g);
  return graph.nodes.map((n) => {
    const at = g.node(n.id);
    const size = researchNodeSize(n.kind);
    return { ...n, ...size, position: { x: Math.round(at.x - size.width / 2), y: Math.round(at.y - size.height / 2) } };
  });
}

/** The graph's states, for the legend: how many nodes are in each. */
export function stateCounts(graph: ResearchGraph): Map<string, number> {
  const out = new Map<string, number>();
  for (const n of graph.nodes) out.set(n.state, (out.get(n.state) ?? 0) + 1);
  return out;
}

/** A file name for the exported report: the question's first words, kebab-cased. */
export function reportFileName(question: string): string {
  const slug = question
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/, '');
  return `${slug || 'research'}.md`;
}
