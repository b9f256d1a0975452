import { BibliographyEntry, type CitationCheck, type Claim, type ResearchMetrics } from '@omniai/contracts';
import { UNVERIFIED_FLAG } from './citations';
import { citationMetrics, escapeMarkdownText, formatDuration, formatRatio, type ReportSource, renderReport, reportMetricsLine } from './report';

const A = 'aaaaaaaaaaaaaaaa';
const B = 'bbbbbbbbbbbbbbbb';
const C = 'cccccccccccccccc';
const sha = (c: string) => c.repeat(64);

const sources: ReportSource[] = [
  { source_id: A, title: 'Rivers of Europe', locator: 'https://example.org/rivers', snapshot: { fetched_at: '2026-12-01T10:00:00.000Z', sha256: sha('a') } },
  { source_id: B, title: 'Handbook', locator: 'doc:handbook/rivers.md', snapshot: { fetched_at: '2026-12-01T10:00:01.000Z', sha256: sha('b') } },
  { source_id: C, title: 'Never read', locator: 'https://example.org/404', snapshot: null },
];

const claim = (id: string, sourceId: string): Claim => ({
  id,
  text: 'x',
  sub_question: null,
  evidence: [{ source_id: sourceId, quote: 'x', start: 0, end: 1 }],
});
const claims = [claim('c1-1', A), claim('c1-2', A), claim('c2-1', B), claim('c3-1', C)];

const check = (claim_id: string, verdict: CitationCheck['verdict']): CitationCheck => ({
  claim_id,
  verdict,
  known_claim: true,
  source_fetched: true,
  quote_at_offsets: true,
  numbers_in_quote: true,
  judge: null,
  reason: '',
});

const metrics: ResearchMetrics = {
  sources_found: 7,
  sources_read: 5,
  sources_failed: 1,
  claims: 12,
  citations: 9,
  citations_verified: 8,
  verified_ratio: 8 / 9,
  unsupported_removed: 1,
  flagged: 1,
  critique_rounds: 1,
  tokens: 12345,
  cost_usd: 0.0123,
  wall_ms: 65_000,
};

describe('renderReport', () => {
  const checks = [check('c2-1', 'supported'), check('c1-1', 'supported'), check('c1-2', 'partial'), check('c3-1', 'supported')];

  it('numbers sources in order of first citation, one number per source, collapsing duplicates in a run', () => {
    const { markdown, bibliography } = renderReport({
      question: 'How long is the Rhine?',
      cited_markdown: 'The handbook says so [[c2-1]]. It is long [[c1-1]][[c1-2]]. Again [[c1-1]] and [[c2-1]].',
      claims,
      sources,
      checks,
      metrics,
    });
    expect(markdown).toContain('The handbook says so [1]. It is long [2]. Again [2] and [1].');
    expect(bibliography.map((b) => BibliographyEntry.parse(b))).toEqual([
      { n: 1, source_id: B, title: 'Handbook', locator: 'doc:handbook/rivers.md', fetched_at: '2026-12-01T10:00:01.000Z', sha256: sha('b') },
      { n: 2, source_id: A, title: 'Rivers of Europe', locator: 'https://example.org/rivers', fetched_at: '2026-12-01T10:00:00.000Z', sha256: sha('a') },
    ]);
  });

  it('marks a source cited only by partly supported claims with a dagger', () => {
    const { markdown } = renderReport({ question: 'q?', cited_markdown: 'Partly [[c1-2]]. Fully [[c1-1]].', claims, sources, checks, metrics });
    expect(markdown).toContain('Partly [1]†. Fully [1].');
  });

  it('lays out title, metrics, body and sources', () => {
    const { markdown } = renderReport({ question: 'How long is the Rhine?', cited_markdown: '\nIt is long [[c1-1]].\n', claims, sources, checks, metrics });
    expect(markdown).toBe(
      [
        '# How long is the Rhine?',
        '',
        '| Sources read | Claims | Citations | Verified | Unsupported removed | Flagged | Tokens | Cost | Wall time |',
        '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
        '| 5 of 7 found | 12 | 9 | 88% (8 of 9) | 1 | 1 | 12,345 | $0.0123 | 1 min 5 s |',
        '',
        'It is long [1].',
        '',
        '## Sources',
        '',
        `1. [Rivers of Europe](https://example.org/rivers) — fetched 2026-12-01T10:00:00.000Z, sha256 ${'a'.repeat(12)}`,
        '',
      ].join('\n'),
    );
  });

  it('shows a project document by its path, not as a link', () => {
    const { markdown } = renderReport({ question: 'q?', cited_markdown: 'Doc [[c2-1]].', claims, sources, checks, metrics });
    expect(markdown).toContain(`1. Handbook — handbook/rivers.md, fetched 2026-12-01T10:00:01.000Z, sha256 ${'b'.repeat(12)}`);
  });

  it('never renders a citation it cannot back: unsupported, unchecked or of an unread source', () => {
    const { markdown, bibliography } = renderReport({
      question: 'q?',
      cited_markdown: 'Unread [[c3-1]]. Unchecked [[c9-9]]. Failed [[c2-1]]. Good [[c1-1]].',
      claims,
      sources,
      checks: [check('c3-1', 'supported'), check('c2-1', 'unsupported'), check('c1-1', 'supported')],
      metrics,
    });
    expect(markdown).toContain(`Unread${UNVERIFIED_FLAG}. Unchecked${UNVERIFIED_FLAG}. Failed${UNVERIFIED_FLAG}. Good [1].`);
    expect(bibliography.map((b) => b.source_id)).toEqual([A]);
  });

  it('says so when nothing is cited', () => {
    expect(renderReport({ question: 'q?', cited_markdown: 'Nothing.', claims, sources, checks, metrics }).markdown).toContain(
      '## Sources\n\n*No source is cited.*\n',
    );
  });

  it('escapes titles, locators and the question so that they cannot inject links or HTML', () => {
    const evil: ReportSource[] = [
      {
        source_id: A,
        title: 'Click [here](javascript:alert(1)) <img src=x onerror=alert(1)> ![i](x) &amp; www.evil.com',
        locator: 'https://example.org/a)(<x>',
        snapshot: { fetched_at: '2026-12-01T10:00:00.000Z', sha256: sha('a') },
      },
      { source_id: B, title: 'x', locator: 'javascript:alert(1)', snapshot: { fetched_at: '2026-12-01T10:00:00.000Z', sha256: sha('b') } },
    ];
    const { markdown } = renderReport({
      question: '# <script>alert(1)</script>\n[x](http://evil)',
      cited_markdown: 'A [[c1-1]] B [[c2-1]]',
      claims,
      sources: evil,
      checks,
      metrics,
    });
    expect(markdown).toContain('# \\# \\<script\\>alert\\(1\\)\\</script\\> \\[x\\]\\(http\\://evil\\)\n');
    expect(markdown).toContain(
      '1. [Click \\[here\\]\\(javascript:alert\\(1\\)\\) \\<img src=x onerror=alert\\(1\\)\\> \\!\\[i\\]\\(x\\) \\&amp; www\\.evil.com](https://example.org/a%29%28%3Cx%3E) — fetched',
    );
    expect(markdown).toContain('2. x — javascript:alert\\(1\\), fetched');
    // A locator with a space is not a link destination: shown as text.
    const spaced = renderReport({
      question: 'q',
      cited_markdown: 'A [[c1-1]]',
      claims,
      sources: [{ ...evil[0]!, title: 't', locator: 'https://x.org/a b' }],
      checks,
      metrics,
    });
    expect(spaced.markdown).toContain('1. t — https\\://x.org/a b, fetched');
    // Every `<`, `(`, `[` that came from a source is escaped: none can open a tag, a link or an image.
    expect(markdown).not.toMatch(/(?<!\\)<(img|script)|(?<!\\)\]\(javascript|(?<!\\)!\[/);
  });
});

describe('escapeMarkdownText', () => {
  it('keeps plain text readable', () => {
    expect(escapeMarkdownText('  The Rhine:\n a river, 1,230 km. ')).toBe('The Rhine: a river, 1,230 km.');
  });
});

describe('metrics formatting', () => {
  it('prints one line for the console', () => {
    expect(reportMetricsLine(metrics)).toBe(
      '5 sources read · 12 claims · 9 citations, 88% verified · 1 unsupported removed · 1 flagged · 12,345 tokens · $0.0123 · 1 min 5 s',
    );
  });

  it('rounds the ratio down, so that 100% means every citation', () => {
    expect(formatRatio(1)).toBe('100%');
    expect(formatRatio(0.999)).toBe('99%');
    expect(formatRatio(0.29)).toBe('29%');
  });

  it.each([
    [850, '850 ms'],
    [12_340, '12.3 s'],
    [65_000, '1 min 5 s'],
    [3_720_000, '1 h 2 min'],
  ])('formats %d ms as %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});

describe('citationMetrics', () => {
  it('counts the last round’s checks, supported ones as verified, and sums removals and flags over the rounds', () => {
    const last = [check('c1-1', 'supported'), check('c1-2', 'partial'), check('c2-1', 'unsupported'), check('c3-1', 'supported')];
    expect(
      citationMetrics(last, [
        { removed: 2, flagged: 1 },
        { removed: 1, flagged: 1 },
      ]),
    ).toEqual({ citations: 4, citations_verified: 2, verified_ratio: 0.5, unsupported_removed: 3, flagged: 2 });
    expect(citationMetrics([], [])).toEqual({ citations: 0, citations_verified: 0, verified_ratio: 1, unsupported_removed: 0, flagged: 0 });
  });
});
