import type { CitationCheck, CitationVerdict, Claim, Evidence } from '@omniai/contracts';
import { CLAIM_ID_SOURCE } from '@omniai/contracts/pure';
import { applyEdits, citationMarkers, citedClaimIds, type Edit, markerGroups } from './markdown';
import { locateQuote, quoteAtOffsets, unsupportedNumbers } from './text';

/** What the mechanical checks look at: the run's claims, the snapshots it read (text), and the sources it fetched. */
export interface CitationContext {
  claims: ReadonlyMap<string, Claim>;
  /** Snapshot text by source id. */
  snapshots: ReadonlyMap<string, string>;
  /** The source ids this run fetched (its `read_<source_id>` steps that completed). */
  fetched: ReadonlySet<string>;
}

/** What `applyChecks` appends where a sentence lost every citation: it must never read as cited. */
export const UNVERIFIED_FLAG = ' ⚠️ *(unverified: its citation failed the check)*';

const REASON_CHARS = 1000;

type Checks = Pick<CitationCheck, 'known_claim' | 'source_fetched' | 'quote_at_offsets' | 'numbers_in_quote'>;

function verdictOf(checks: Checks): CitationVerdict {
  return checks.known_claim && checks.source_fetched && checks.quote_at_offsets && checks.numbers_in_quote ? 'supported' : 'unsupported';
}

function result(claimId: string, checks: Checks, reason: string): CitationCheck {
  const verdict = verdictOf(checks);
  return { claim_id: claimId, verdict, ...checks, judge: null, reason: verdict === 'supported' ? '' : reason.slice(0, REASON_CHARS) };
}

/** "a", "a and b", "a, b and c". */
function listed(items: readonly string[]): string {
  return items.length < 2 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)!}`;
}

function unknownClaimReason(claimId: string): string {
  return new RegExp(`^${CLAIM_ID_SOURCE}$`).test(claimId)
    ? `no claim ${claimId} was extracted`
    : `[[${claimId}]] is not a claim id (a citation looks like [[c3-2]])`;
}

function unfetchedReason(sourceId: string, ctx: CitationContext): string {
  return ctx.fetched.has(sourceId) ? `source ${sourceId} was fetched but its snapshot is missing` : `source ${sourceId} was never fetched by this run`;
}

function misplacedQuoteReason(e: Evidence, text: string): string {
  const found = locateQuote(text, e.quote);
  const where = found ? `it is at ${found.start}–${found.end}` : 'it is nowhere in the source';
  return `the quote is not at characters ${e.start}–${e.end} of source ${e.source_id} (${where})`;
}

/**
 * The mechanical checks of one cited claim id, in order: the claim is one the run extracted (`known_claim`); each
 * evidence item's source was fetched by this run and has a snapshot (`source_fetched`); each quote is at its offsets in
 * that snapshot, whitespace-normalized (`quote_at_offsets`); every number of the claim is in some quote
 * (`numbers_in_quote`). `supported` when all hold, else `unsupported` with `reason` naming the first failing check.
 * `judge` is null: the workflow adds an entailment verdict with `combineWithJudge`.
 */
export function checkCitation(claimId: string, ctx: CitationContext): CitationCheck {
  const claim = ctx.claims.get(claimId);
  if (!claim) {
    return result(claimId, { known_claim: false, source_fetched: false, quote_at_offsets: false, numbers_in_quote: false }, unknownClaimReason(claimId));
  }
  const unfetched = claim.evidence.find((e) => !ctx.fetched.has(e.source_id) || !ctx.snapshots.has(e.source_id));
  const misplaced = claim.evidence.find((e) => {
    const text = ctx.snapshots.get(e.source_id);
    return text === undefined || !quoteAtOffsets(text, e);
  });
  const missing = unsupportedNumbers(
    claim.text,
    claim.evidence.map((e) => e.quote),
  );
  const checks: Checks = {
    known_claim: true,
    source_fetched: unfetched === undefined,
    quote_at_offsets: misplaced === undefined,
    numbers_in_quote: missing.length === 0,
  };
  const reason = unfetched
    ? unfetchedReason(unfetched.source_id, ctx)
    : misplaced
      ? misplacedQuoteReason(misplaced, ctx.snapshots.get(misplaced.source_id)!)
      : `the claim says ${listed(missing)} but no quote does`;
  return result(claimId, checks, reason);
}

const RANK: Readonly<Record<CitationVerdict, number>> = { unsupported: 0, partial: 1, supported: 2 };

const JUDGED: Readonly<Record<CitationVerdict, string>> = {
  supported: '',
  partial: 'the judge found the quotes support it only in part',
  unsupported: 'the judge found the quotes do not support it',
};

/**
 * A mechanical check with an entailment judge's verdict: the weaker of the two wins. Mechanically unsupported stays
 * unsupported (the judge's view is kept for the record); supported + judge `unsupported` → unsupported; supported +
 * judge `partial` → partial (kept in the report with a "partial" badge). A null judge leaves the check as it is.
 */
export function combineWithJudge(check: CitationCheck, judge: CitationCheck['judge']): CitationCheck {
  if (judge === null) return check;
  if (RANK[judge.verdict] >= RANK[check.verdict]) return { ...check, judge };
  const reason = judge.reason.trim() ? `${JUDGED[judge.verdict]}: ${judge.reason.trim()}` : JUDGED[judge.verdict];
  return { ...check, judge, verdict: judge.verdict, reason: reason.slice(0, REASON_CHARS) };
}

/** One check per distinct claim id the report cites (malformed markers included), in order of first citation. */
export function checkReport(markdown: string, ctx: CitationContext): CitationCheck[] {
  return citedClaimIds(markdown).map((id) => checkCitation(id, ctx));
}

/** Whether a verdict keeps its marker in the report: supported, or partial (shown with a badge). */
export function isCitable(verdict: CitationVerdict | undefined): boolean {
  return verdict === 'supported' || verdict === 'partial';
}

/** What `applyChecks` did. */
export interface AppliedChecks {
  markdown: string;
  /** Markers removed (their check was not supported or partial, or no check covered them). */
  removed: number;
  /** Places where text lost every citation it had and now carries `UNVERIFIED_FLAG`. */
  flagged: number;
}

/** The edit for a run of markers that lost some or all of them: the kept ones, or the flag in their place. */
function groupEdit(markdown: string, group: readonly { start: number; end: number }[], kept: readonly { start: number; end: number }[]): Edit {
  const start = group[0]!.start;
  const end = group.at(-1)!.end;
  if (kept.length > 0) return { start, end, text: kept.map((m) => markdown.slice(m.start, m.end)).join('') };
  // The flag takes the markers' place, right after the text they cited (spaces before them go, the flag brings one).
  // At the start of a line the indentation stays (it may carry a list item's continuation).
  let from = start;
  while (from > 0 && (markdown[from - 1] === ' ' || markdown[from - 1] === '\t')) from--;
  const atLineStart = from === 0 || markdown[from - 1] === '\n';
  return atLineStart ? { start, end, text: UNVERIFIED_FLAG.trimStart() } : { start: from, end, text: UNVERIFIED_FLAG };
}

/**
 * Removes every citation marker whose check is not `supported` or `partial` (a marker no check covers is removed too:
 * nothing unchecked is presented as cited). A run of adjacent markers cites the text before it; when a run loses all
 * its markers, `UNVERIFIED_FLAG` takes its place, so that the sentence, bullet, cell or heading reads as unverified.
 * Markers inside code are text and stay; nothing else of the document changes. Idempotent.
 */
export function applyChecks(markdown: string, checks: readonly CitationCheck[]): AppliedChecks {
  const verdicts = new Map(checks.map((c) => [c.claim_id, c.verdict]));
  const edits: Edit[] = [];
  let removed = 0;
  let flagged = 0;
  for (const group of markerGroups(markdown, citationMarkers(markdown))) {
    const kept = group.filter((m) => isCitable(verdicts.get(m.claim_id)));
    if (kept.length === group.length) continue;
    removed += group.length - kept.length;
    if (kept.length === 0) flagged++;
    edits.push(groupEdit(markdown, group, kept));
  }
  return { markdown: applyEdits(markdown, edits), removed, flagged };
}
