import { CITATION_MARKER_SOURCE } from '@omniai/contracts/pure';
import type { TextSpan } from './text';

// Just enough Markdown awareness for citation markers: where code is (markers there are text, never citations), and
// where the markers are. Everything else of the document is left as the model wrote it.

/** A citation marker in a report: `[[c3-2]]`, or a malformed one (`[[c7]]`, `[[x]]`) that cites no claim id. */
export interface CitationMarker {
  /** The claim id, or for a malformed marker what is between the brackets (trimmed, at most 80 characters). */
  claim_id: string;
  start: number;
  end: number;
  /** The marker is `[[c<source>-<k>]]`; a malformed one is a citation of an unknown claim, hence unsupported. */
  well_formed: boolean;
}

// Anything a writer meant as a marker: double brackets around a short single-line text.
const ANY_MARKER = /\[\[([^[\]\n]{1,80})\]\]/g;
const FENCE_OPEN = /^ {0,3}(`{3,}|~{3,})/;
const LINE = /[^\n]*(?:\n|$)/g;
// An inline code span: a backtick run, then the shortest text up to a run of the same length; never across a blank line.
const CODE_SPAN = /(?<!`)(`+)(?!`)(?:(?!\n[ \t]*\n)[\s\S])*?(?<!`)\1(?!`)/g;

/** The fenced code blocks (``` or ~~~, closed by a fence at least as long, or by the end) as spans of whole lines. */
function fencedBlocks(markdown: string): TextSpan[] {
  const blocks: TextSpan[] = [];
  let open: { fence: string; start: number } | null = null;
  for (const m of markdown.matchAll(new RegExp(LINE.source, 'g'))) {
    if (m[0] === '') break;
    const line = m[0].replace(/\n$/, '');
    if (open === null) {
      const f = FENCE_OPEN.exec(line);
      if (f) open = { fence: f[1]!, start: m.index };
    } else if (new RegExp(`^ {0,3}${open.fence[0] === '`' ? '`' : '~'}{${open.fence.length},}[ \\t]*$`).test(line)) {
      blocks.push({ start: open.start, end: m.index + m[0].length });
      open = null;
    }
  }
  if (open) blocks.push({ start: open.start, end: markdown.length });
  return blocks;
}

/**
 * Where code is in a Markdown document: fenced code blocks and inline code spans. Citation markers there are text.
 * (Indented code blocks are not recognized: list continuations look the same, and a report never needs them.)
 */
export function codeSpans(markdown: string): TextSpan[] {
  const spans: TextSpan[] = [];
  let at = 0;
  for (const block of [...fencedBlocks(markdown), { start: markdown.length, end: markdown.length }]) {
    const prose = markdown.slice(at, block.start);
    for (const m of prose.matchAll(new RegExp(CODE_SPAN.source, 'g'))) spans.push({ start: at + m.index, end: at + m.index + m[0].length });
    if (block.end > block.start) spans.push(block);
    at = block.end;
  }
  return spans;
}

const inside = (spans: readonly TextSpan[], at: number): boolean => spans.some((s) => s.start <= at && at < s.end);

/**
 * The citation markers of a report in document order, outside code: well-formed ones (`CITATION_MARKER_SOURCE`) and
 * malformed ones (`[[c7]]`, `[[x]]`, `[[c1-2, c2-1]]`), which the checks treat as citations of unknown claims. A
 * bracketed link text (`[[PDF]](url)`) is not a marker.
 */
export function citationMarkers(markdown: string): CitationMarker[] {
  // Fresh expressions per call: a shared global RegExp carries lastIndex from one caller to the next.
  const wellFormed = new RegExp(`^${CITATION_MARKER_SOURCE}$`);
  const code = codeSpans(markdown);
  const markers: CitationMarker[] = [];
  for (const m of markdown.matchAll(new RegExp(ANY_MARKER.source, 'g'))) {
    if (inside(code, m.index)) continue;
    const exact = wellFormed.exec(m[0]);
    // `[[PDF]](https://…)` is a link whose text has brackets, not a citation.
    if (!exact && markdown[m.index + m[0].length] === '(') continue;
    markers.push({ claim_id: exact ? exact[1]! : m[1]!.trim(), start: m.index, end: m.index + m[0].length, well_formed: exact !== null });
  }
  return markers;
}

/** The distinct claim ids a report cites (every marker outside code, malformed ones too), in order of first citation. */
export function citedClaimIds(markdown: string): string[] {
  return [...new Set(citationMarkers(markdown).map((m) => m.claim_id))];
}

/**
 * The markers grouped by what they cite: a run of markers with only spaces or tabs between them (`… 42 [[c1-1]][[c2-3]].`)
 * supports the text before it.
 */
export function markerGroups(markdown: string, markers: readonly CitationMarker[]): CitationMarker[][] {
  const groups: CitationMarker[][] = [];
  for (const marker of markers) {
    const last = groups.at(-1);
    const prev = last?.at(-1);
    if (last && prev && /^[ \t]*$/.test(markdown.slice(prev.end, marker.start))) last.push(marker);
    else groups.push([marker]);
  }
  return groups;
}

/** A replacement of `markdown.slice(start, end)`. */
export interface Edit extends TextSpan {
  text: string;
}

/** Applies non-overlapping edits (in any order). */
export function applyEdits(markdown: string, edits: readonly Edit[]): string {
  let out = markdown;
  for (const e of [...edits].sort((a, b) => b.start - a.start)) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return out;
}
