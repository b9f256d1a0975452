import type { BibliographyEntry, CitationCheck, Claim, ResearchMetrics, SourceSnapshot } from '@omniai/contracts';
import { applyChecks, isCitable } from './citations';
import { applyEdits, citationMarkers, type CitationMarker, type Edit, markerGroups } from './markdown';

/** A source as the report needs it: what to call it, where it is, and the snapshot the run read (null: not read). */
export interface ReportSource {
  source_id: string;
  title: string;
  /** A URL, or `doc:<path>` for a project document. */
  locator: string;
  snapshot: Pick<SourceSnapshot, 'fetched_at' | 'sha256'> | null;
}

/** What the final report is made of. */
export interface ReportInput {
  question: string;
  /** The verified report with `[[c3-2]]` markers (what `applyChecks` left). */
  cited_markdown: string;
  claims: readonly Claim[];
  sources: readonly ReportSource[];
  checks: readonly CitationCheck[];
  metrics: ResearchMetrics;
}

/** The final report: Markdown with numbered references and its bibliography. */
export interface RenderedReport {
  markdown: string;
  bibliography: BibliographyEntry[];
}

// ASCII punctuation that could start a link, an image, HTML, an entity, emphasis, code, a table cell or a heading close.
const MARKDOWN_ACTIVE = /[\\`*_[\]()<>!|~&#]/g;

/**
 * Text from a source (a title, a question, a path) made inert in Markdown: one line, every active character
 * backslash-escaped, and autolink triggers (`://`, `www.`) broken, so it cannot inject a link, an image or HTML.
 */
export function escapeMarkdownText(s: string): string {
  return s
    .replace(/\s+/g, ' ')
    .trim()
    .replace(MARKDOWN_ACTIVE, '\\$&')
    .replace(/:\/\//g, '\\://')
    .replace(/\bwww\./gi, (m) => `${m.slice(0, 3)}\\.`);
}

/** An http(s) URL made safe as a Markdown link destination, or null when the locator is not one. */
function linkDestination(locator: string): string | null {
  if (!/^https?:\/\/[^\s]+$/i.test(locator)) return null;
  return locator.replace(/[()<>"\\`]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}

const DOC_PREFIX = 'doc:';

/** How a bibliography entry names its source: a link for an http(s) URL, the path for a project document, text otherwise. */
function sourceReference(entry: BibliographyEntry): string {
  const title = escapeMarkdownText(entry.title) || escapeMarkdownText(entry.locator);
  if (entry.locator.startsWith(DOC_PREFIX)) return `${title} — ${escapeMarkdownText(entry.locator.slice(DOC_PREFIX.length))},`;
  const url = linkDestination(entry.locator);
  return url ? `[${title}](${url}) —` : `${title} — ${escapeMarkdownText(entry.locator)},`;
}

/** One line of the `## Sources` list. */
export function bibliographyLine(entry: BibliographyEntry): string {
  return `${entry.n}. ${sourceReference(entry)} fetched ${entry.fetched_at}, sha256 ${entry.sha256.slice(0, 12)}`;
}

/** 12345 → "12,345" (no locale: the same text in the workflow, the API and every browser). */
function formatCount(n: number): string {
  return String(Math.round(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

function formatCost(usd: number): string {
  return `$${usd.toFixed(usd > 0 && usd < 1 ? 4 : 2)}`;
}

/** 850 → "850 ms", 12_300 → "12.3 s", 65_000 → "1 min 5 s", 3_720_000 → "1 h 2 min". */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(Math.round(ms / 100) / 10).toString()} s`;
  const s = Math.round(ms / 1000);
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

/** The verified ratio as a whole percent, rounded down: 100% only when every citation was verified. */
export function formatRatio(ratio: number): string {
  return `${Math.floor(ratio * 100 + 1e-9)}%`;
}

/** The report's metrics on one line, for the console's header and lists. */
export function reportMetricsLine(m: ResearchMetrics): string {
  return [
    `${formatCount(m.sources_read)} sources read`,
    `${formatCount(m.claims)} claims`,
    `${formatCount(m.citations)} citations, ${formatRatio(m.verified_ratio)} verified`,
    `${formatCount(m.unsupported_removed)} unsupported removed`,
    `${formatCount(m.flagged)} flagged`,
    `${formatCount(m.tokens)} tokens`,
    formatCost(m.cost_usd),
    formatDuration(m.wall_ms),
  ].join(' · ');
}

/** The metrics header of the report: a one-row table. */
export function metricsTable(m: ResearchMetrics): string {
  const cells: [string, string][] = [
    ['Sources read', `${formatCount(m.sources_read)} of ${formatCount(m.sources_found)} found`],
    ['Claims', formatCount(m.claims)],
    ['Citations', formatCount(m.citations)],
    ['Verified', `${formatRatio(m.verified_ratio)} (${formatCount(m.citations_verified)} of ${formatCount(m.citations)})`],
    ['Unsupported removed', formatCount(m.unsupported_removed)],
    ['Flagged', formatCount(m.flagged)],
    ['Tokens', formatCount(m.tokens)],
    ['Cost', formatCost(m.cost_usd)],
    ['Wall time', formatDuration(m.wall_ms)],
  ];
  const row = (xs: string[]) => `| ${xs.join(' | ')} |`;
  return [row(cells.map((c) => c[0])), row(cells.map(() => '---')), row(cells.map((c) => c[1]))].join('\n');
}

/** The citation counts of `ResearchMetrics`, defined once for the workflow, the API and the bench. */
export type CitationMetrics = Pick<ResearchMetrics, 'citations' | 'citations_verified' | 'verified_ratio' | 'unsupported_removed' | 'flagged'>;

/**
 * The citation counts of a run from the checks of its last verify round (one per distinct claim the last written
 * report cited) and what applying the checks removed and flagged, summed over the rounds: `citations` = checks,
 * `citations_verified` = `supported` ones (a `partial` citation stays in the report with a badge but is not counted as
 * verified), `verified_ratio` = verified ÷ citations (1 when there are none).
 */
export function citationMetrics(lastChecks: readonly CitationCheck[], applied: readonly { removed: number; flagged: number }[]): CitationMetrics {
  const verified = lastChecks.filter((c) => c.verdict === 'supported').length;
  return {
    citations: lastChecks.length,
    citations_verified: verified,
    verified_ratio: lastChecks.length === 0 ? 1 : verified / lastChecks.length,
    unsupported_removed: applied.reduce((n, a) => n + a.removed, 0),
    flagged: applied.reduce((n, a) => n + a.flagged, 0),
  };
}

/** For each claim, the sources (that the run read) its evidence quotes, in evidence order. */
function claimSources(claims: readonly Claim[], read: ReadonlyMap<string, ReportSource>): Map<string, string[]> {
  return new Map(claims.map((c) => [c.id, [...new Set(c.evidence.map((e) => e.source_id))].filter((id) => read.has(id))]));
}

/** Checks that can be rendered: a citable verdict whose claim has no read source to number is treated as unsupported. */
function renderableChecks(checks: readonly CitationCheck[], sourcesOf: ReadonlyMap<string, string[]>): CitationCheck[] {
  return checks.map((c) =>
    isCitable(c.verdict) && !sourcesOf.get(c.claim_id)?.length ? { ...c, verdict: 'unsupported', reason: 'its source is not among the report’s sources' } : c,
  );
}

/** Numbers sources in order of first citation and renders each run of markers as `[1][3]` (`[2]†` when only partly supported). */
class Numbering {
  readonly order: string[] = [];
  private readonly numbers = new Map<string, number>();

  constructor(
    private readonly sourcesOf: ReadonlyMap<string, string[]>,
    private readonly verdicts: ReadonlyMap<string, CitationCheck['verdict']>,
  ) {}

  private numberOf(sourceId: string): number {
    let n = this.numbers.get(sourceId);
    if (n === undefined) {
      this.order.push(sourceId);
      this.numbers.set(sourceId, (n = this.order.length));
    }
    return n;
  }

  /** A run of markers → its references: one per source, partial (†) only when no claim of the run supports it fully. */
  references(group: readonly CitationMarker[]): string {
    const partialOnly = new Map<number, boolean>();
    for (const marker of group) {
      const partial = this.verdicts.get(marker.claim_id) === 'partial';
      for (const sourceId of this.sourcesOf.get(marker.claim_id) ?? []) {
        const n = this.numberOf(sourceId);
        partialOnly.set(n, (partialOnly.get(n) ?? true) && partial);
      }
    }
    return [...partialOnly].map(([n, partial]) => `[${n}]${partial ? '†' : ''}`).join('');
  }
}

/**
 * The final report: `# <question>`, the metrics table, the body with each run of `[[cN-k]]` markers replaced by
 * numbered references to its claims' sources (`[n]`, `[n]†` when only partly supported; sources numbered in order of
 * first citation, one number per source), then `## Sources`. Markers that are not supported or partial are removed and
 * their text flagged (`applyChecks`), so the body never presents an unchecked claim as cited. Source titles and
 * locators are escaped: they come from the web.
 */
export function renderReport(input: ReportInput): RenderedReport {
  const read = new Map(input.sources.filter((s) => s.snapshot !== null).map((s) => [s.source_id, s]));
  const sourcesOf = claimSources(input.claims, read);
  const checks = renderableChecks(input.checks, sourcesOf);
  const body = applyChecks(input.cited_markdown, checks).markdown;

  const numbering = new Numbering(sourcesOf, new Map(checks.map((c) => [c.claim_id, c.verdict])));
  const edits: Edit[] = markerGroups(body, citationMarkers(body)).map((group) => ({
    start: group[0]!.start,
    end: group.at(-1)!.end,
    text: numbering.references(group),
  }));
  const numbered = applyEdits(body, edits);

  const bibliography: BibliographyEntry[] = numbering.order.map((sourceId, i) => {
    const source = read.get(sourceId)!;
    return {
      n: i + 1,
      source_id: sourceId,
      title: source.title,
      locator: source.locator,
      fetched_at: source.snapshot!.fetched_at,
      sha256: source.snapshot!.sha256,
    };
  });
  const sources = bibliography.length ? bibliography.map(bibliographyLine).join('\n') : '*No source is cited.*';
  const markdown = [`# ${escapeMarkdownText(input.question)}`, metricsTable(input.metrics), numbered.trim(), '## Sources', sources].join('\n\n') + '\n';
  return { markdown, bibliography };
}
