import { CLAIM_ID_SOURCE } from '@omniai/contracts/pure';

// Text matching for citations: quotes against snapshots, numbers of claims against numbers of quotes. Pure and
// deterministic (the workflow sandbox and the browser run it): no Intl, no locale, no clock.

/** Characters the matching form drops: soft hyphens and zero-width characters an HTML extraction leaves behind. */
const INVISIBLE = /[\u00AD\u200B\u200C\u200D\u2060\uFEFF]/;

/** Typographic characters the matching form folds to ASCII (a model quoting a page often "straightens" them). */
const TYPOGRAPHIC: Readonly<Record<string, string>> = {
  '\u2018': "'", // ‘
  '\u2019': "'", // ’
  '\u201A': "'", // ‚
  '\u201B': "'", // ‛
  '\u2032': "'", // ′
  '\u201C': '"', // “
  '\u201D': '"', // ”
  '\u201E': '"', // „
  '\u201F': '"', // ‟
  '\u2033': '"', // ″
  '\u2010': '-', // ‐ hyphen
  '\u2011': '-', // ‑ non-breaking hyphen
  '\u2012': '-', // ‒ figure dash
  '\u2013': '-', // – en dash
  '\u2014': '-', // — em dash
  '\u2015': '-', // ― horizontal bar
  '\u2212': '-', // − minus sign
};

const WHITESPACE = /\s/u;
const MARK = /\p{M}/u;

/** A normalized copy of a text and, for each of its characters, the original cluster it came from. */
interface MatchForm {
  text: string;
  /** Start offset in the original text of the cluster that produced each normalized character. */
  from: number[];
  /** End offset (exclusive) in the original text of that cluster. */
  to: number[];
}

function foldCluster(cluster: string): string {
  if (INVISIBLE.test(cluster)) return '';
  let out = '';
  for (const ch of cluster.normalize('NFKC')) out += TYPOGRAPHIC[ch] ?? ch;
  return out;
}

/** The end of the cluster starting at `i`: a code point and the combining marks after it (NFKC composes across them). */
function clusterEnd(text: string, i: number): number {
  let j = i + (text.codePointAt(i)! > 0xffff ? 2 : 1);
  while (j < text.length) {
    const cp = text.codePointAt(j)!;
    // Combining marks are never ASCII: the common case leaves at once.
    if (cp < 0x300 || !MARK.test(String.fromCodePoint(cp))) break;
    j += cp > 0xffff ? 2 : 1;
  }
  return j;
}

/**
 * Builds the matching form of `text` with an index map back to the original. Normalization works cluster by cluster
 * (a code point and its combining marks) so that every normalized character maps to a whole original cluster.
 */
function matchForm(text: string): MatchForm {
  const chars: string[] = [];
  const from: number[] = [];
  const to: number[] = [];
  const folds = new Map<string, string>(); // a page repeats its few non-ASCII characters
  let spaceAt = -1; // where a pending run of whitespace began (-1: none)
  let spaceEnd = -1;
  const emit = (ch: string, start: number, end: number): void => {
    if (spaceAt >= 0) {
      chars.push(' ');
      from.push(spaceAt);
      to.push(spaceEnd);
      spaceAt = -1;
    }
    chars.push(ch);
    from.push(start);
    to.push(end);
  };
  const space = (start: number, end: number): void => {
    // A run of whitespace becomes one space, and only once there is text before it (leading space is trimmed).
    if (chars.length > 0 && spaceAt < 0) {
      spaceAt = start;
      spaceEnd = end;
    }
  };
  for (let i = 0; i < text.length;) {
    const code = text.charCodeAt(i);
    // Fast path: ASCII not followed by a combining mark (most of a snapshot).
    const next = text.charCodeAt(i + 1);
    if (code < 0x80 && !(next >= 0x300 && MARK.test(text[i + 1]!))) {
      if (code === 0x20 || (code >= 0x09 && code <= 0x0d)) space(i, i + 1);
      else emit(text[i]!, i, i + 1);
      i += 1;
      continue;
    }
    const end = clusterEnd(text, i);
    const cluster = text.slice(i, end);
    let folded = folds.get(cluster);
    if (folded === undefined) folds.set(cluster, (folded = foldCluster(cluster)));
    for (const ch of folded) {
      if (WHITESPACE.test(ch)) space(i, end);
      else emit(ch, i, end);
    }
    i = end;
  }
  // A trailing run of whitespace is never flushed: trimmed.
  return { text: chars.join(''), from, to };
}

/**
 * The form in which quotes and snapshots are compared:
 * - Unicode NFKC (so `ﬁ` is `fi`, a non-breaking space is a space, `…` is `...`, full-width digits are digits);
 * - typographic quotes, apostrophes and dashes folded to ASCII (`’ ‘` → `'`, `“ ”` → `"`, `– — −` → `-`);
 * - soft hyphens and zero-width characters dropped;
 * - every run of Unicode whitespace collapsed to one space, and the ends trimmed.
 *
 * Case and all other punctuation are kept: a quote is verbatim up to layout and typography, nothing more.
 */
export function normalizeForMatch(s: string): string {
  return matchForm(s).text;
}

/** Offsets into an original text: `start` of the first character, `end` exclusive. */
export interface TextSpan {
  start: number;
  end: number;
}

/** Whether normalized characters [ns, ne) cover whole original clusters (a match may not split `ﬁ` into `f` + `i`). */
function onClusterBoundaries(form: MatchForm, ns: number, ne: number): boolean {
  const startsCluster = ns === 0 || form.from[ns - 1] !== form.from[ns];
  const endsCluster = ne === form.text.length || form.from[ne] !== form.from[ne - 1];
  return startsCluster && endsCluster;
}

/**
 * Where `quote` first occurs in `text` under `normalizeForMatch`, as offsets into the ORIGINAL text, such that
 * `normalizeForMatch(text.slice(start, end)) === normalizeForMatch(quote)`; null when it does not occur (or the quote
 * is only whitespace). Linear in the text's length plus one `indexOf` per candidate.
 */
export function locateQuote(text: string, quote: string): TextSpan | null {
  const needle = normalizeForMatch(quote);
  if (needle === '') return null;
  const form = matchForm(text);
  for (let ns = form.text.indexOf(needle); ns !== -1; ns = form.text.indexOf(needle, ns + 1)) {
    const ne = ns + needle.length;
    if (onClusterBoundaries(form, ns, ne)) return { start: form.from[ns]!, end: form.to[ne - 1]! };
  }
  return null;
}

/**
 * Whether an evidence item's quote is at its offsets: the bounds are valid (0 ≤ start < end ≤ text.length) and the
 * slice equals the quote under `normalizeForMatch`.
 */
export function quoteAtOffsets(text: string, evidence: { quote: string; start: number; end: number }): boolean {
  const { quote, start, end } = evidence;
  if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || start >= end || end > text.length) return false;
  const expected = normalizeForMatch(quote);
  return expected !== '' && normalizeForMatch(text.slice(start, end)) === expected;
}

// Citation markers (well-formed or not) and bare claim ids are references, not numbers the sentence asserts.
const REFERENCES = new RegExp(`\\[\\[[^\\[\\]\\n]{0,80}\\]\\]|\\b${CLAIM_ID_SOURCE}\\b`, 'g');

// A number: digits not glued to a letter before them (`H2O`, `v1`, `c3` are names), with thousands groups of exactly
// three digits after a comma or a (narrow, no-break) space, and an optional decimal part after a point.
const NUMBER = /(?<![\p{L}\p{N}_])(\d{1,3}(?:[,\u0020\u00A0\u202F]\d{3})+(?!\d)|\d+)(?:\.(\d+))?/gu;

function canonicalNumber(integer: string, fraction: string | undefined): string {
  const whole = integer.replace(/[^\d]/g, '').replace(/^0+(?=\d)/, '');
  const decimals = (fraction ?? '').replace(/0+$/, '');
  return decimals === '' ? whole : `${whole}.${decimals}`;
}

/**
 * The numbers a sentence asserts, canonicalized, in order of appearance (duplicates kept). The rules:
 * - thousands separators go: `1,000`, `1 000` (also no-break and narrow no-break spaces) → `1000`; a comma not
 *   followed by exactly three digits is punctuation (`3,5` is 3 and 5: decimal commas are not read);
 * - a decimal point keeps its digits without trailing zeros: `3.50` → `3.5`, `2.0` → `2`; leading zeros go (`007` → `7`);
 * - units and signs are not part of the number: `45%` → `45`, `$12` → `12`, `-3` → `3`, `2019–2020` → `2019`, `2020`
 *   (a sign is a dash too often to trust, and the check asks whether the quote states the same figures);
 * - years, dates and times are numbers (`2024-05-01` → `2024`, `5`, `1`);
 * - digits glued to a letter before them are names, not numbers (`H2O`, `v2`, `COVID19`); digits before letters are
 *   (`3rd` → `3`, `10km` → `10`);
 * - citation markers (`[[c3-2]]`, also malformed ones) and bare claim ids are ignored;
 * - spelled-out numbers ("three") are not read.
 */
export function numbersIn(s: string): string[] {
  const text = s.normalize('NFKC').replace(REFERENCES, ' ');
  return [...text.matchAll(NUMBER)].map((m) => canonicalNumber(m[1]!, m[2]));
}

/** The numbers of a claim that no quote states (`numbersIn`), in order, without duplicates. */
export function unsupportedNumbers(claimText: string, quotes: readonly string[]): string[] {
  const stated = new Set(quotes.flatMap(numbersIn));
  return [...new Set(numbersIn(claimText))].filter((n) => !stated.has(n));
}

/** Whether every number of the claim appears among the numbers of its quotes (`numbersIn`). */
export function numbersSupported(claimText: string, quotes: readonly string[]): boolean {
  return unsupportedNumbers(claimText, quotes).length === 0;
}
