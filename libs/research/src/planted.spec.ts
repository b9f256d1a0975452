// Acceptance test of issue 16: a report with planted bad citations. Every bad one is caught by the right mechanical
// check, removed from the report, and its sentence flagged as unverified; the good one is kept and numbered.
import type { CitationCheck, Claim, ResearchMetrics } from '@omniai/contracts';
import { applyChecks, checkReport, type CitationContext, UNVERIFIED_FLAG } from './citations';
import { renderReport } from './report';
import { locateQuote } from './text';

// ── The corpus: what this run read (two snapshots), and a page it never fetched ─────────────────────────────────

const RHINE = {
  id: 'a1b2c3d4e5f60718',
  title: 'The Rhine — a river of six countries',
  locator: 'https://example.org/rhine',
  text: [
    'The Rhine',
    '',
    'The Rhine is about 1,230 km long. It rises in the Swiss Alps and flows',
    'through six countries before it reaches the North Sea near Rotterdam.',
  ].join('\n'),
};
const BASEL = {
  id: 'b2c3d4e5f6071829',
  title: 'Basel',
  locator: 'doc:cities/basel.md',
  text: 'Basel lies on the Rhine knee, where the river turns north. The city has about 180,000 inhabitants.',
};
const PORT = {
  id: 'c3d4e5f607182930',
  title: 'Port of Rotterdam',
  locator: 'https://example.org/port',
  text: 'Rotterdam is the largest port in Europe.',
};

/** The evidence an extraction step records: the quote and where it really is in the snapshot. */
function evidence(source: { id: string; text: string }, quote: string): Claim['evidence'][number] {
  const span = locateQuote(source.text, quote);
  if (!span) throw new Error(`fixture: "${quote}" is not in source ${source.id}`);
  return { source_id: source.id, quote, ...span };
}

// ── The claims: one good, four planted bad ones ─────────────────────────────────────────────────────────────────

const GOOD: Claim = {
  id: 'c1-1',
  text: 'The Rhine is about 1230 km long.',
  sub_question: 1,
  // The quote spans a line break in the snapshot: whitespace-normalized, it is still verbatim.
  evidence: [evidence(RHINE, 'It rises in the Swiss Alps and flows through six countries'), evidence(RHINE, 'The Rhine is about 1,230 km long.')],
};

/** Planted: the quote appears nowhere in the source (the model made it up). */
const QUOTE_NOT_IN_SOURCE: Claim = {
  id: 'c1-2',
  text: 'The Rhine is the longest river in Europe.',
  sub_question: 1,
  evidence: [{ source_id: RHINE.id, quote: 'The Rhine is the longest river in Europe.', start: 11, end: 52 }],
};

/** Planted: a real quote, at the wrong offsets. */
const WRONG_OFFSETS: Claim = {
  id: 'c2-1',
  text: 'Basel lies on the Rhine knee.',
  sub_question: 2,
  evidence: [{ ...evidence(BASEL, 'Basel lies on the Rhine knee'), start: 5, end: 33 }],
};

/** Planted: the quote is right and at its offsets, but the claim states a number the quote does not. */
const INVENTED_NUMBER: Claim = {
  id: 'c2-2',
  text: 'Basel has about 300,000 inhabitants.',
  sub_question: 2,
  evidence: [evidence(BASEL, 'The city has about 180,000 inhabitants.')],
};

/** Planted: the quote is true of its page, but this run never fetched that page. */
const SOURCE_NEVER_FETCHED: Claim = {
  id: 'c3-1',
  text: 'Rotterdam is the largest port in Europe.',
  sub_question: 3,
  evidence: [evidence(PORT, 'Rotterdam is the largest port in Europe.')],
};

const CLAIMS = [GOOD, QUOTE_NOT_IN_SOURCE, WRONG_OFFSETS, INVENTED_NUMBER, SOURCE_NEVER_FETCHED];

/** The run's context: its claims, and the snapshots of the two pages it read. The port page is not among them. */
const ctx: CitationContext = {
  claims: new Map(CLAIMS.map((c) => [c.id, c])),
  snapshots: new Map([
    [RHINE.id, RHINE.text],
    [BASEL.id, BASEL.text],
  ]),
  fetched: new Set([RHINE.id, BASEL.id]),
};

// ── The synthesized report: every sentence cites one claim; the last one cites a claim that was never extracted ─────

const SENTENCE = {
  good: 'The Rhine is about 1230 km long',
  quoteNotInSource: 'It is the longest river in Europe',
  wrongOffsets: 'Basel lies on the Rhine knee',
  inventedNumber: 'Basel has about 300,000 inhabitants',
  neverFetched: 'Rotterdam is the largest port in Europe',
  unknownClaim: 'The river carries 2,900 m³/s at its mouth',
};

const REPORT = [
  '## Length',
  '',
  `- ${SENTENCE.good} [[c1-1]].`,
  `- ${SENTENCE.quoteNotInSource} [[c1-2]].`,
  '',
  '## Basel',
  '',
  `${SENTENCE.wrongOffsets} [[c2-1]]. ${SENTENCE.inventedNumber} [[c2-2]].`,
  '',
  '## The mouth',
  '',
  `${SENTENCE.neverFetched} [[c3-1]]. ${SENTENCE.unknownClaim} [[c9-1]].`,
  '',
].join('\n');

type Failing = keyof Pick<CitationCheck, 'known_claim' | 'source_fetched' | 'quote_at_offsets' | 'numbers_in_quote'>;

/** Each planted citation: the check that must fail (the first failing one, named in the reason) and its sentence. */
const PLANTED: { name: string; claim: string; sentence: string; failing: Failing[]; reason: string }[] = [
  {
    name: 'quote not in the source',
    claim: 'c1-2',
    sentence: SENTENCE.quoteNotInSource,
    failing: ['quote_at_offsets'],
    reason: `the quote is not at characters 11–52 of source ${RHINE.id} (it is nowhere in the source)`,
  },
  {
    name: 'wrong offsets',
    claim: 'c2-1',
    sentence: SENTENCE.wrongOffsets,
    failing: ['quote_at_offsets'],
    reason: `the quote is not at characters 5–33 of source ${BASEL.id} (it is at 0–28)`,
  },
  {
    name: 'invented number',
    claim: 'c2-2',
    sentence: SENTENCE.inventedNumber,
    failing: ['numbers_in_quote'],
    reason: 'the claim says 300000 but no quote does',
  },
  {
    name: 'source never fetched',
    claim: 'c3-1',
    sentence: SENTENCE.neverFetched,
    // Without a snapshot there is no text to find the quote in either.
    failing: ['source_fetched', 'quote_at_offsets'],
    reason: `source ${PORT.id} was never fetched by this run`,
  },
  {
    name: 'unknown claim id',
    claim: 'c9-1',
    sentence: SENTENCE.unknownClaim,
    failing: ['known_claim', 'source_fetched', 'quote_at_offsets', 'numbers_in_quote'],
    reason: 'no claim c9-1 was extracted',
  },
];

const ALL_CHECKS: Failing[] = ['known_claim', 'source_fetched', 'quote_at_offsets', 'numbers_in_quote'];

const METRICS: ResearchMetrics = {
  sources_found: 3,
  sources_read: 2,
  sources_failed: 0,
  claims: 5,
  citations: 6,
  citations_verified: 1,
  verified_ratio: 1 / 6,
  unsupported_removed: 5,
  flagged: 5,
  critique_rounds: 0,
  tokens: 0,
  cost_usd: 0,
  wall_ms: 1000,
};

// ── The pipeline under test: verify, apply, render ─────────────────────────────────────────────────────────────

const checks = checkReport(REPORT, ctx);
const checkOf = (claimId: string) => checks.find((c) => c.claim_id === claimId)!;
const applied = applyChecks(REPORT, checks);
const final = renderReport({
  question: 'How long is the Rhine, and what lies on it?',
  cited_markdown: applied.markdown,
  claims: CLAIMS,
  sources: [RHINE, BASEL, PORT].map((s) => ({
    source_id: s.id,
    title: s.title,
    locator: s.locator,
    snapshot: ctx.fetched.has(s.id) ? { fetched_at: '2026-12-01T10:00:00.000Z', sha256: s.id.repeat(4) } : null,
  })),
  checks,
  metrics: METRICS,
});

describe('planted bad citations', () => {
  it('checks every cited claim once, in order of citation', () => {
    expect(checks.map((c) => c.claim_id)).toEqual(['c1-1', 'c1-2', 'c2-1', 'c2-2', 'c3-1', 'c9-1']);
  });

  it('passes the good citation on every check', () => {
    expect(checkOf('c1-1')).toEqual({
      claim_id: 'c1-1',
      verdict: 'supported',
      known_claim: true,
      source_fetched: true,
      quote_at_offsets: true,
      numbers_in_quote: true,
      judge: null,
      reason: '',
    });
  });

  describe.each(PLANTED)('$name ($claim)', ({ claim, sentence, failing, reason }) => {
    it('is caught by exactly the right check, and the reason names it', () => {
      const check = checkOf(claim);
      expect(check.verdict).toBe('unsupported');
      for (const name of ALL_CHECKS) expect([name, check[name]]).toEqual([name, !failing.includes(name)]);
      expect(check.reason).toBe(reason);
    });

    it('is removed from the report, and its sentence is flagged as unverified', () => {
      expect(applied.markdown).not.toContain(`[[${claim}]]`);
      expect(applied.markdown).toContain(`${sentence}${UNVERIFIED_FLAG}.`);
      expect(final.markdown).toContain(`${sentence}${UNVERIFIED_FLAG}.`);
    });
  });

  it('counts what it removed and flagged', () => {
    expect(applied).toMatchObject({ removed: 5, flagged: 5 });
  });

  it('keeps the good citation and numbers it in the final report, whose only source is the one it cites', () => {
    expect(applied.markdown).toContain(`- ${SENTENCE.good} [[c1-1]].`);
    expect(final.markdown).toContain(`- ${SENTENCE.good} [1].`);
    expect(final.bibliography.map((b) => [b.n, b.source_id])).toEqual([[1, RHINE.id]]);
    expect(final.markdown).toContain(`## Sources\n\n1. [The Rhine — a river of six countries](https://example.org/rhine) — fetched`);
  });

  it('presents no unsupported claim as cited: no marker survives, no sentence without a check carries a reference', () => {
    expect(final.markdown).not.toContain('[[');
    const cited = final.markdown.split('\n').filter((line) => /\[\d+\]/.test(line) && !/^\d+\. /.test(line));
    expect(cited).toEqual([`- ${SENTENCE.good} [1].`]);
  });

  it('keeps the Markdown structure of the report', () => {
    expect(applied.markdown.split('\n').filter((l) => l.startsWith('#'))).toEqual(['## Length', '## Basel', '## The mouth']);
    expect(applied.markdown.split('\n').filter((l) => l.startsWith('- '))).toHaveLength(2);
  });

  it('refuses a page this run did not fetch even when its text is at hand (say, from another run)', () => {
    const withText: CitationContext = { ...ctx, snapshots: new Map([...ctx.snapshots, [PORT.id, PORT.text]]) };
    expect(checkReport(`${SENTENCE.neverFetched} [[c3-1]].`, withText)[0]).toMatchObject({
      verdict: 'unsupported',
      source_fetched: false,
      quote_at_offsets: true,
      reason: `source ${PORT.id} was never fetched by this run`,
    });
  });

  it('catches a malformed marker as a citation of no claim', () => {
    const out = applyChecks('A claim [[c7]].', checkReport('A claim [[c7]].', ctx));
    expect(out).toEqual({ markdown: `A claim${UNVERIFIED_FLAG}.`, removed: 1, flagged: 1 });
  });
});
