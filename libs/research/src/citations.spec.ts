import { CitationCheck, type Claim } from '@omniai/contracts';
import { applyChecks, checkCitation, checkReport, type CitationContext, combineWithJudge, UNVERIFIED_FLAG } from './citations';

const S1 = 'a1a1a1a1a1a1a1a1';
const S2 = 'b2b2b2b2b2b2b2b2';
const TEXT_1 = 'The Rhine is about 1,230 km long.\nIt flows through six countries.';
const TEXT_2 = 'Basel lies on the Rhine.';

function claim(id: string, text: string, sourceId: string, snapshot: string, quote: string): Claim {
  const start = snapshot.indexOf(quote);
  return { id, text, sub_question: 1, evidence: [{ source_id: sourceId, quote, start, end: start + quote.length }] };
}

function context(claims: Claim[], fetched = [S1, S2]): CitationContext {
  return {
    claims: new Map(claims.map((c) => [c.id, c])),
    snapshots: new Map([
      [S1, TEXT_1],
      [S2, TEXT_2],
    ]),
    fetched: new Set(fetched),
  };
}

const length = claim('c1-1', 'The Rhine is 1230 km long.', S1, TEXT_1, 'The Rhine is about 1,230 km long.');
const countries = claim('c1-2', 'The Rhine crosses six countries.', S1, TEXT_1, 'It flows through six countries.');
const basel = claim('c2-1', 'Basel is on the Rhine.', S2, TEXT_2, 'Basel lies on the Rhine.');

describe('checkCitation', () => {
  const ctx = context([length, countries, basel]);

  it('supports a claim whose quotes are at their offsets in fetched sources and state its numbers', () => {
    const check = checkCitation('c1-1', ctx);
    expect(CitationCheck.parse(check)).toEqual({
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

  it('refuses an unknown claim id, and says whether it is even a claim id', () => {
    expect(checkCitation('c9-1', ctx)).toMatchObject({ verdict: 'unsupported', known_claim: false, reason: 'no claim c9-1 was extracted' });
    expect(checkCitation('c7', ctx).reason).toBe('[[c7]] is not a claim id (a citation looks like [[c3-2]])');
  });

  it('refuses a source the run never fetched, and one whose snapshot is missing', () => {
    expect(checkCitation('c2-1', context([basel], [S1]))).toMatchObject({
      verdict: 'unsupported',
      source_fetched: false,
      reason: `source ${S2} was never fetched by this run`,
    });
    const noText: CitationContext = { ...ctx, snapshots: new Map([[S1, TEXT_1]]) };
    expect(checkCitation('c2-1', noText)).toMatchObject({
      source_fetched: false,
      quote_at_offsets: false,
      reason: `source ${S2} was fetched but its snapshot is missing`,
    });
  });

  it('refuses a quote off its offsets, and says where it really is', () => {
    const moved: Claim = { ...countries, evidence: [{ ...countries.evidence[0]!, start: 0, end: 31 }] };
    const check = checkCitation('c1-2', context([moved]));
    expect(check).toMatchObject({ verdict: 'unsupported', source_fetched: true, quote_at_offsets: false, numbers_in_quote: true });
    expect(check.reason).toBe(`the quote is not at characters 0–31 of source ${S1} (it is at 34–65)`);
  });

  it('refuses an invented number', () => {
    const inflated: Claim = { ...length, text: 'The Rhine is 1320 km long and 6 countries wide.' };
    expect(checkCitation('c1-1', context([inflated]))).toMatchObject({
      verdict: 'unsupported',
      quote_at_offsets: true,
      numbers_in_quote: false,
      reason: 'the claim says 1320 and 6 but no quote does',
    });
  });
});

describe('combineWithJudge', () => {
  const ctx = context([length, basel], [S1]);
  const supported = checkCitation('c1-1', ctx);
  const unsupported = checkCitation('c2-1', ctx);

  it('lets the weaker verdict win', () => {
    expect(combineWithJudge(supported, { verdict: 'supported', reason: 'entailed' })).toMatchObject({ verdict: 'supported', reason: '' });
    expect(combineWithJudge(supported, { verdict: 'partial', reason: 'only the length' })).toMatchObject({
      verdict: 'partial',
      reason: 'the judge found the quotes support it only in part: only the length',
    });
    expect(combineWithJudge(supported, { verdict: 'unsupported', reason: '' })).toMatchObject({
      verdict: 'unsupported',
      reason: 'the judge found the quotes do not support it',
    });
  });

  it('keeps a mechanical failure whatever the judge says, with the judge on record', () => {
    const judged = combineWithJudge(unsupported, { verdict: 'supported', reason: 'looks fine' });
    expect(judged).toMatchObject({ verdict: 'unsupported', reason: unsupported.reason, judge: { verdict: 'supported', reason: 'looks fine' } });
    expect(combineWithJudge(unsupported, null)).toBe(unsupported);
  });
});

describe('checkReport', () => {
  it('checks each distinct cited claim once, in order of first citation, malformed markers included', () => {
    const md = 'Basel [[c2-1]]. Length [[c1-1]][[c2-1]]. Bad [[c7]].\n\n```\n[[c9-9]] in code\n```\nInline `[[c8-8]]` too.';
    const checks = checkReport(md, context([length, basel]));
    expect(checks.map((c) => [c.claim_id, c.verdict])).toEqual([
      ['c2-1', 'supported'],
      ['c1-1', 'supported'],
      ['c7', 'unsupported'],
    ]);
  });
});

describe('applyChecks', () => {
  const verdict = (claim_id: string, v: CitationCheck['verdict']): CitationCheck => ({
    claim_id,
    verdict: v,
    known_claim: true,
    source_fetched: true,
    quote_at_offsets: v !== 'unsupported',
    numbers_in_quote: true,
    judge: null,
    reason: v === 'supported' ? '' : 'x',
  });
  const checks = [verdict('c1-1', 'supported'), verdict('c1-2', 'partial'), verdict('c2-1', 'unsupported')];

  it('removes unsupported markers, keeps supported and partial ones, and flags text left without a citation', () => {
    const md = 'Good [[c1-1]]. Mixed [[c1-1]] [[c2-1]]. Bad [[c2-1]]. Partial [[c1-2]].';
    const out = applyChecks(md, checks);
    expect(out.markdown).toBe(`Good [[c1-1]]. Mixed [[c1-1]]. Bad${UNVERIFIED_FLAG}. Partial [[c1-2]].`);
    expect(out).toMatchObject({ removed: 2, flagged: 1 });
  });

  it('removes a marker no check covers, and a malformed one', () => {
    const out = applyChecks('Invented [[c5-5]]. Broken [[x]].', checks);
    expect(out).toEqual({ markdown: `Invented${UNVERIFIED_FLAG}. Broken${UNVERIFIED_FLAG}.`, removed: 2, flagged: 2 });
  });

  it('keeps Markdown structure: headings, lists, tables, and never touches code', () => {
    const md = [
      '## Length [[c2-1]]',
      '',
      '- First point [[c1-1]]',
      '- Second point[[c2-1]]',
      '  [[c2-1]] starts a continuation line',
      '',
      '| River | Length |',
      '| --- | --- |',
      '| Rhine | 1230 km [[c2-1]] |',
      '',
      '```md',
      'A literal [[c2-1]] in a fence',
      '```',
      'And `[[c2-1]]` inline.',
    ].join('\n');
    const out = applyChecks(md, checks);
    expect(out.markdown).toBe(
      [
        `## Length${UNVERIFIED_FLAG}`,
        '',
        '- First point [[c1-1]]',
        `- Second point${UNVERIFIED_FLAG}`,
        `  ${UNVERIFIED_FLAG.trimStart()} starts a continuation line`,
        '',
        '| River | Length |',
        '| --- | --- |',
        `| Rhine | 1230 km${UNVERIFIED_FLAG} |`,
        '',
        '```md',
        'A literal [[c2-1]] in a fence',
        '```',
        'And `[[c2-1]]` inline.',
      ].join('\n'),
    );
    expect(out).toMatchObject({ removed: 4, flagged: 4 });
  });

  it('is idempotent', () => {
    const once = applyChecks('A [[c2-1]]. B [[c1-1]][[c2-1]].', checks);
    expect(applyChecks(once.markdown, checks)).toEqual({ markdown: once.markdown, removed: 0, flagged: 0 });
  });

  it('leaves an unclosed fence alone to the end of the document', () => {
    const md = 'Before [[c2-1]].\n~~~\n[[c2-1]]\n';
    expect(applyChecks(md, checks).markdown).toBe(`Before${UNVERIFIED_FLAG}.\n~~~\n[[c2-1]]\n`);
  });
});
