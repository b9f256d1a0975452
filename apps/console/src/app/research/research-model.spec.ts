import type { ResearchView } from '@omniai/contracts';
import {
  blankResearchDraft,
  checkPlan,
  citationChips,
  errorsOfIssues,
  highlightSplit,
  layoutResearchGraph,
  moved,
  reportFileName,
  reportHtml,
  spanMatchesQuote,
  startResearchRequest,
} from './research-model';

const SRC_A = 'aaaaaaaaaaaaaaaa';
const SRC_B = 'bbbbbbbbbbbbbbbb';
const SHA = 'a'.repeat(64);

function claim(id: string, source: string, verdict: 'supported' | 'partial' | 'unsupported' | null) {
  return {
    id,
    text: `claim ${id}`,
    sub_question: 1,
    evidence: [{ source_id: source, quote: 'q', start: 0, end: 1 }],
    check:
      verdict === null
        ? null
        : {
            claim_id: id,
            verdict,
            known_claim: true,
            source_fetched: true,
            quote_at_offsets: verdict !== 'unsupported',
            numbers_in_quote: true,
            judge: null,
            reason: verdict === 'unsupported' ? 'the quote is not at its offsets' : '',
          },
  };
}

const VIEW = {
  claims: [claim('c1-1', SRC_A, 'supported'), claim('c2-1', SRC_B, 'partial'), claim('c2-2', SRC_B, null)],
  report: {
    markdown: '',
    cited_markdown: '',
    artifact: { sha256: SHA, size_bytes: 1, media_type: 'text/markdown' },
    bibliography: [
      { n: 1, source_id: SRC_B, title: 'B', locator: 'doc:b.md', fetched_at: '2026-01-01T00:00:00.000Z', sha256: SHA },
      { n: 2, source_id: SRC_A, title: 'A', locator: 'doc:a.md', fetched_at: '2026-01-01T00:00:00.000Z', sha256: SHA },
    ],
    metrics: {} as never,
  },
} as unknown as Pick<ResearchView, 'claims' | 'report'>;

// As `@omniai/research` appends it (its UNVERIFIED_FLAG); the console cannot compile that library's sources.
const UNVERIFIED_FLAG = ' ⚠️ *(unverified: its citation failed the check)*';

describe('start form', () => {
  it('sends the defaults with plan review on and a token budget', () => {
    const d = { ...blankResearchDraft(), question: '  Why is the sky blue?  ' };
    expect(startResearchRequest(d)).toEqual({
      ok: true,
      body: {
        question: 'Why is the sky blue?',
        sources: { documents: true, mcp_tools: [] },
        depth: 2,
        max_sources: 12,
        plan_review: true,
        budget: { max_tokens: 200000, on_exceed: 'pause' },
      },
    });
  });

  it('checks what the API checks, field by field', () => {
    const d = { ...blankResearchDraft(), question: 'x'.repeat(2001), documents: false, depth: 4, maxSources: 0, maxTokens: '1.5', maxCostUsd: '-1' };
    const r = startResearchRequest(d);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(Object.keys(r.errors).sort()).toEqual(['depth', 'maxCostUsd', 'maxSources', 'maxTokens', 'question', 'sources']);
  });

  it('adds the web backend and MCP tools, and no budget when both limits are empty', () => {
    const id = '0b9f6a43-5d2c-4f0e-9d5e-3c1e6f1f2a11';
    const r = startResearchRequest({ ...blankResearchDraft(), question: 'What?', webBackendId: id, mcpTools: 'a.search, b.search\na.search', maxTokens: '' });
    expect(r.ok && r.body.sources).toEqual({ documents: true, web: { backend_id: id }, mcp_tools: ['a.search', 'b.search'] });
    expect(r.ok && 'budget' in r.body).toBe(false);
  });

  it('puts the API envelope’s field issues on their fields', () => {
    const { errors, rest } = errorsOfIssues([
      { path: 'question', message: 'too long' },
      { path: 'sources.web.backend_id', message: 'no such backend' },
      { path: 'budget.max_tokens', message: 'too small' },
      { path: 'pins.model', message: 'unknown' },
    ]);
    expect(errors).toEqual({ question: 'too long', webBackendId: 'no such backend', maxTokens: 'too small' });
    expect(rest).toEqual([{ path: 'pins.model', message: 'unknown' }]);
  });
});

describe('plan review', () => {
  it('trims the edited sub-questions and refuses empty ones, none, or too many', () => {
    expect(checkPlan([' a ', 'b'])).toEqual({ ok: true, body: { sub_questions: ['a', 'b'] } });
    expect(checkPlan(['a', '  '])).toEqual({ ok: false, errors: { plan: undefined, items: { 1: 'Write the sub-question, or remove it.' } } });
    expect(checkPlan([]).ok).toBe(false);
    expect(checkPlan(Array.from({ length: 9 }, (_, i) => `q${i}`)).ok).toBe(false);
    expect(checkPlan(['x'.repeat(501)]).ok).toBe(false);
  });

  it('reorders within bounds', () => {
    expect(moved(['a', 'b', 'c'], 0, 1)).toEqual(['b', 'a', 'c']);
    expect(moved(['a', 'b', 'c'], 0, -1)).toEqual(['a', 'b', 'c']);
    expect(moved(['a', 'b', 'c'], 2, -2)).toEqual(['c', 'a', 'b']);
  });
});

describe('citations', () => {
  it('numbers each claim like the bibliography numbers its source, with its verdict', () => {
    const chips = citationChips(VIEW);
    expect(chips.get('c1-1')).toEqual({ claimId: 'c1-1', n: 2, verdict: 'supported', text: 'claim c1-1' });
    expect(chips.get('c2-1')).toEqual({ claimId: 'c2-1', n: 1, verdict: 'partial', text: 'claim c2-1' });
    expect(chips.get('c2-2')).toEqual({ claimId: 'c2-2', n: 1, verdict: 'unchecked', text: 'claim c2-2' });
  });

  it('renders markers as chips, flags as marked spans and GFM tables, in Markdown', () => {
    const html = reportHtml(
      `# Report\n\nRayleigh scattering [[c1-1]]. Unknown [[c9-9]].\n\nA guess${UNVERIFIED_FLAG}.\n\n| a | b |\n|---|---|\n| 1 | 2 |\n`,
      citationChips(VIEW),
    );
    expect(html).toContain('<h1>Report</h1>');
    expect(html).toMatch(/<button type="button" class="cite" data-testid="citation-chip" data-claim="c1-1" data-verdict="supported"[^>]*>2<\/button>/);
    expect(html).toMatch(/data-claim="c9-9" data-verdict="unknown"[^>]*>\?<\/button>/);
    expect(html).toContain('<span class="flag" data-testid="report-flag">⚠️ <em>(unverified: its citation failed the check)</em></span>');
    expect(html).toContain('<table>');
    expect(html).not.toContain('[[');
  });
});

describe('quote highlight', () => {
  it('splits the source text around the span, clamping offsets', () => {
    expect(highlightSplit('The sky is blue today.', 4, 15)).toEqual({ before: 'The ', mark: 'sky is blue', after: ' today.' });
    expect(highlightSplit('abc', 2, 99)).toEqual({ before: 'ab', mark: 'c', after: '' });
    expect(highlightSplit('abc', 5, 1)).toEqual({ before: 'abc', mark: '', after: '' });
  });

  it('compares the span with the quote whitespace-normalized', () => {
    expect(spanMatchesQuote('sky\n  is blue', 'sky is blue')).toBe(true);
    expect(spanMatchesQuote('sky is green', 'sky is blue')).toBe(false);
  });
});

describe('research graph', () => {
  it('lays out question → sub-questions → sources → claims left to right', () => {
    const placed = layoutResearchGraph({
      nodes: [
        { id: 'q', kind: 'question', label: 'Q', state: 'done', detail: null },
        { id: 's1', kind: 'sub_question', label: 'S1', state: 'done', detail: null },
        { id: 'src', kind: 'source', label: 'A', state: 'done', detail: null },
        { id: 'c', kind: 'claim', label: 'C', state: 'supported', detail: null },
      ],
      edges: [
        { from: 'q', to: 's1' },
        { from: 's1', to: 'src' },
        { from: 'src', to: 'c' },
      ],
    });
    const x = placed.map((n) => n.position.x);
    expect([...x].sort((a, b) => a - b)).toEqual(x);
    expect(new Set(x).size).toBe(4);
  });

  it('stacks the nodes of one rank apart (each its own position)', () => {
    const n = (id: string, kind: 'question' | 'sub_question' | 'source') => ({ id, kind, label: id, state: 'done' as const, detail: null });
    const placed = layoutResearchGraph({
      nodes: [n('q', 'question'), n('sq1', 'sub_question'), n('sq2', 'sub_question'), n('sq3', 'sub_question'), n('sa', 'source'), n('sb', 'source')],
      edges: [
        { from: 'q', to: 'sq1' },
        { from: 'q', to: 'sq2' },
        { from: 'q', to: 'sq3' },
        { from: 'sq1', to: 'sa' },
        { from: 'sq2', to: 'sa' },
        { from: 'sq3', to: 'sb' },
      ],
    });
    const ys = (kind: string) => new Set(placed.filter((p) => p.kind === kind).map((p) => p.position.y));
    expect(ys('sub_question').size).toBe(3);
    expect(ys('source').size).toBe(2);
  });

  it('names the export after the question', () => {
    expect(reportFileName('What does Rayleigh scattering explain?')).toBe('what-does-rayleigh-scattering-explain.md');
    expect(reportFileName('???')).toBe('research.md');
  });
});
