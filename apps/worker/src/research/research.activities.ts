import { createHash } from 'node:crypto';
import type { Claim, ResearchRequest, SearchHit, SourceSnapshot } from '@omniai/contracts';
import { RESEARCH_LIMITS } from '@omniai/contracts/pure';
import { applyChecks, checkReport, citationMetrics, type DroppedClaim, locateQuote, quoteAtOffsets, renderReport, type SelectedSource } from '@omniai/research';
import type { ArtifactStore, DocumentStore, ResearchSourceStore, SourceOutcome } from '@omniai/store';
import type { ResearchActivities } from '@omniai/workflows';
import { waitForDatabase } from '../activities/wait-for-database';
import { researchPrompt } from './prompts';

/** A web page as the reader made it readable. */
export interface ReadPage {
  final_url: string;
  title: string;
  text: string;
  truncated: boolean;
  note: string | null;
}

/** A failure the run records for one source or backend (and goes on). */
export class SourceError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'SourceError';
  }
}

/**
 * The web side of research: search through the run's backend and read pages, both through safeFetch and the egress
 * policy of the run's project. Absent: web sources are refused (the API refuses them first).
 */
export interface WebResearch {
  search(input: {
    project_id: string;
    request: ResearchRequest;
    query: string;
    limit: number;
  }): Promise<Array<{ url: string; title: string; snippet: string; score: number }>>;
  read(input: { project_id: string; request: ResearchRequest; url: string }): Promise<ReadPage>;
}

export interface ResearchActivityDeps {
  documents: DocumentStore;
  sources: ResearchSourceStore;
  artifacts: ArtifactStore;
  web?: WebResearch;
}

/** A source's id: the first 16 hex digits of the sha256 of its locator. */
export function sourceId(locator: string): string {
  return createHash('sha256').update(locator).digest('hex').slice(0, 16);
}

/**
 * The words of a sub-question as a full-text query that matches any of them (`a or b or c`), so a natural-language
 * question finds the documents that share most of its words (ranked) instead of only those with all of them.
 */
export function anyWordQuery(question: string): string {
  const words = question.toLowerCase().match(/[\p{L}\p{N}][\p{L}\p{N}'-]{2,}/gu) ?? [];
  return [...new Set(words)].slice(0, 32).join(' or ');
}

const snippetText = (s: string) => s.replace(/\*\*/g, '').replace(/\s+/g, ' ').trim().slice(0, 2000);

/** Immutable snapshot texts by sha256, kept for the checks of a run's report (a few hundred KB at most per run). */
class SnapshotTexts {
  private readonly cache = new Map<string, string>();
  constructor(private readonly artifacts: ArtifactStore) {}

  async text(snapshot: SourceSnapshot): Promise<string> {
    const hit = this.cache.get(snapshot.sha256);
    if (hit !== undefined) return hit;
    const found = await waitForDatabase(() => this.artifacts.get(snapshot.sha256));
    if (!found) throw new Error(`snapshot ${snapshot.sha256} is missing from the artifact store`);
    const text = found.content.toString('utf8');
    if (this.cache.size > 200) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(snapshot.sha256, text);
    return text;
  }
}

/** Cuts text at `max` UTF-16 units without splitting a surrogate pair. */
function cut(text: string, max: number): string {
  if (text.length <= max) return text;
  const end = /[\ud800-\udbff]/.test(text.charAt(max - 1)) ? max - 1 : max;
  return text.slice(0, end);
}

export function createResearchActivities(deps: ResearchActivityDeps): ResearchActivities {
  const texts = new SnapshotTexts(deps.artifacts);

  /** Stores the text as the source's snapshot (content-addressed: the same text is stored once). */
  async function snapshotOf(text: string, finalLocator: string, truncatedBefore: boolean, noteBefore: string | null): Promise<SourceSnapshot> {
    const kept = cut(text, RESEARCH_LIMITS.snapshotChars);
    const truncated = truncatedBefore || kept.length < text.length;
    const note =
      kept.length < text.length ? `cut at ${RESEARCH_LIMITS.snapshotChars.toLocaleString('en')} characters of ${text.length.toLocaleString('en')}` : noteBefore;
    const artifact = await waitForDatabase(() => deps.artifacts.put(Buffer.from(kept, 'utf8'), 'text/plain; charset=utf-8'));
    return { sha256: artifact.sha256, artifact, chars: kept.length, fetched_at: new Date().toISOString(), final_locator: finalLocator, truncated, note };
  }

  /** A document's title: its first Markdown heading, else its path. */
  async function documentTitle(projectId: string, path: string): Promise<string> {
    const doc = await waitForDatabase(() => deps.documents.get(projectId, path));
    const heading = doc?.text.match(/^#{1,3}[ \t]+(.+?)[ \t#]*$/m)?.[1]?.trim();
    return (heading || path).slice(0, 500);
  }

  async function read(projectId: string, request: ResearchRequest, source: SelectedSource): Promise<SourceSnapshot> {
    if (source.kind === 'document') {
      const path = source.locator.replace(/^doc:/, '');
      const doc = await waitForDatabase(() => deps.documents.get(projectId, path));
      if (!doc) throw new SourceError('E_NOT_FOUND', `document ${path} is no longer in the project`);
      return snapshotOf(doc.text, `doc:${path}@v${doc.version}`, false, null);
    }
    if (source.kind === 'web') {
      if (!deps.web) throw new SourceError('E_CAPABILITY_DISABLED', 'this worker cannot read web sources');
      const page = await deps.web.read({ project_id: projectId, request, url: source.locator });
      return snapshotOf(page.text, page.final_url, page.truncated, page.note);
    }
    throw new SourceError('E_TOOL_FAILED', `reading ${source.kind} sources is not supported`);
  }

  return {
    async researchPrompt({ run_id, prompt }) {
      void run_id;
      const sourceText = prompt.step === 'extract' ? await texts.text(prompt.snapshot) : '';
      const p = researchPrompt(prompt, sourceText);
      return {
        message: await waitForDatabase(() => deps.artifacts.claimCheckText(p.text)),
        system: p.system,
        ...(p.output_schema ? { output_schema: p.output_schema } : {}),
      };
    },

    async researchSearch({ project_id, request, via, query, limit }) {
      try {
        if (via === 'documents') {
          const q = anyWordQuery(query);
          if (q === '') return { hits: [], failure: null };
          const found = await waitForDatabase(() => deps.documents.search(project_id, q, limit));
          const hits: SearchHit[] = [];
          for (const h of found) {
            const locator = `doc:${h.path}`;
            const title = await documentTitle(project_id, h.path);
            hits.push({ source_id: sourceId(locator), kind: 'document', locator, title, snippet: snippetText(h.snippet), score: h.score, via });
          }
          return { hits, failure: null };
        }
        if (via === 'web') {
          if (!deps.web || !request.sources.web) throw new SourceError('E_CAPABILITY_DISABLED', 'web search is not configured for this run');
          const found = await deps.web.search({ project_id, request, query, limit });
          const hits: SearchHit[] = found.slice(0, limit).map((h) => ({
            source_id: sourceId(h.url),
            kind: 'web',
            locator: h.url.slice(0, 2048),
            title: h.title.slice(0, 500),
            snippet: snippetText(h.snippet),
            score: h.score,
            via: request.sources.web!.kind,
          }));
          return { hits, failure: null };
        }
        throw new SourceError('E_TOOL_FAILED', `searching through the MCP tool ${via} is not supported yet`);
      } catch (err) {
        if (err instanceof SourceError) return { hits: [], failure: { via, code: err.code, message: err.message } };
        const e = err as { code?: unknown; message?: unknown };
        if (typeof e.code === 'string' && /^E_[A-Z_]+$/.test(e.code)) return { hits: [], failure: { via, code: e.code, message: String(e.message) } };
        throw err;
      }
    },

    async readResearchSource({ run_id, project_id, request, source }) {
      const recorded = await waitForDatabase(() => deps.sources.claim(run_id, source.source_id, source.kind, source.locator, source.title));
      if (recorded) return recorded;
      let outcome: SourceOutcome;
      try {
        outcome = { ok: true, snapshot: await read(project_id, request, source) };
      } catch (err) {
        const e = err as { code?: unknown; message?: unknown };
        if (!(err instanceof SourceError) && !(typeof e.code === 'string' && /^E_[A-Z_]+$/.test(e.code))) throw err;
        outcome = { ok: false, code: String(e.code), message: String(e.message).slice(0, 1000) };
      }
      return waitForDatabase(() => deps.sources.record(run_id, source.source_id, outcome));
    },

    async anchorClaims({ source, snapshot, extracted }) {
      const text = await texts.text(snapshot);
      const raw = (extracted as { claims?: unknown }).claims;
      const items = (Array.isArray(raw) ? raw : []) as Array<{ text?: unknown; quote?: unknown; sub_question?: unknown; start?: unknown; end?: unknown }>;
      const claims: Claim[] = [];
      const dropped: DroppedClaim[] = [];
      for (const item of items.slice(0, RESEARCH_LIMITS.claimsPerSource)) {
        const claimText = typeof item.text === 'string' ? item.text.trim().slice(0, 1000) : '';
        const quote = typeof item.quote === 'string' ? item.quote.trim().slice(0, 2000) : '';
        if (claimText === '' || quote === '') {
          dropped.push({ text: claimText, quote, reason: 'the claim or its quote is empty' });
          continue;
        }
        // Offsets the model gave are kept when the quote is there; otherwise the quote is looked for (models copy
        // text far better than they count characters); a quote that is nowhere in the source is dropped, never cited.
        const given = typeof item.start === 'number' && typeof item.end === 'number' ? { quote, start: item.start, end: item.end } : null;
        const span = given && quoteAtOffsets(text, given) ? { start: given.start, end: given.end } : locateQuote(text, quote);
        if (!span) {
          dropped.push({ text: claimText, quote, reason: `the quote is not in ${source.locator}` });
          continue;
        }
        const sub = typeof item.sub_question === 'number' && Number.isInteger(item.sub_question) && item.sub_question > 0 ? item.sub_question : null;
        claims.push({
          id: `c${source.n}-${claims.length + 1}`,
          text: claimText,
          sub_question: sub,
          evidence: [{ source_id: source.source_id, quote: text.slice(span.start, span.end), start: span.start, end: span.end }],
        });
      }
      return { claims, dropped };
    },

    async verifyCitations({ run_id, markdown, claims }) {
      const rows = await waitForDatabase(() => deps.sources.list(run_id));
      const snapshots = new Map<string, string>();
      const fetched = new Set<string>();
      for (const row of rows) {
        if (row.outcome?.ok) {
          fetched.add(row.source_id);
          snapshots.set(row.source_id, await texts.text(row.outcome.snapshot));
        }
      }
      return checkReport(markdown, { claims: new Map(claims.map((c) => [c.id, c])), snapshots, fetched });
    },

    async finalizeReport({ run_id, question, markdown, claims, checks, metrics }) {
      const rows = await waitForDatabase(() => deps.sources.list(run_id));
      const applied = applyChecks(markdown, checks);
      // Counted once, as the report and the projection count them (a partial citation stays but is not verified).
      const counted = citationMetrics(checks, [applied]);
      const full = { ...metrics, ...counted, verified_ratio: Math.round(counted.verified_ratio * 10_000) / 10_000 };
      const sources = rows.flatMap((r) =>
        r.outcome?.ok ? [{ source_id: r.source_id, title: r.title, locator: r.locator, snapshot: r.outcome.snapshot }] : [],
      );
      const rendered = renderReport({ question, cited_markdown: applied.markdown, claims, sources, checks, metrics: full });
      const artifact = await waitForDatabase(() => deps.artifacts.put(Buffer.from(rendered.markdown, 'utf8'), 'text/markdown; charset=utf-8'));
      return { markdown: rendered.markdown, cited_markdown: applied.markdown, artifact, bibliography: rendered.bibliography, metrics: full };
    },
  };
}
