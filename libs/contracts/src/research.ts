import { z } from 'zod';
import { ArtifactRef, Sha256 } from './artifacts';
import { Run } from './api';
import { CITATION_VERDICTS, CLAIM_ID_SOURCE, RESEARCH_LIMITS, RESEARCH_SOURCE_KINDS } from './pure/research';
import { ResearchRequest, SearchBackendKind } from './research-request';
import { RunBudget } from './run-events';

/** A source's id: the first 16 hex digits of the sha256 of its locator (URL, or `doc:<path>`): one read per run. */
export const SourceId = z.string().regex(/^[0-9a-f]{16}$/, 'a source id is 16 lower-case hex digits');
export type SourceId = z.infer<typeof SourceId>;

/** A claim's id within its run: `c<source>-<k>` (the k-th claim of the run's source number `source`). */
export const ClaimId = z.string().regex(new RegExp(`^${CLAIM_ID_SOURCE}$`), 'a claim id is c<source>-<k>, e.g. c3-2');
export type ClaimId = z.infer<typeof ClaimId>;

export const ResearchSourceKind = z.enum(RESEARCH_SOURCE_KINDS);
export type ResearchSourceKind = z.infer<typeof ResearchSourceKind>;

export const CitationVerdict = z.enum(CITATION_VERDICTS);
export type CitationVerdict = z.infer<typeof CitationVerdict>;

/** Where a run searches. */
export const ResearchSources = z.strictObject({
  /** The project's documents (full-text search, ranked: the `documents.search` tool's backend). */
  documents: z.boolean().default(true),
  /** The web, through a configured search backend (`GET /v1/research/backends`); its hosts must be on the egress allowlist. */
  web: z.strictObject({ backend_id: z.uuid() }).optional(),
  /** MCP search tools pinned in the project, by tool id: each is called with `{ query }`. */
  mcp_tools: z.array(z.string().min(1).max(200)).max(5).default([]),
});
export type ResearchSources = z.infer<typeof ResearchSources>;

/** `POST /v1/projects/:projectId/research`. */
export const StartResearchRequest = z.strictObject({
  question: z.string().trim().min(3, 'ask a question of at least 3 characters').max(RESEARCH_LIMITS.questionChars),
  sources: ResearchSources.default({ documents: true, mcp_tools: [] }),
  /** How many results per sub-question and backend are read: 1 → 2, 2 → 3, 3 → 5. */
  depth: z.number().int().min(1).max(3).default(2),
  /** Distinct sources read at most (the rest are recorded as skipped). */
  max_sources: z.number().int().min(1).max(RESEARCH_LIMITS.maxSources).default(RESEARCH_LIMITS.defaultMaxSources),
  /** Wait for a reviewer to edit and approve the plan before anything is fetched (always on with web sources). */
  plan_review: z.boolean().default(false),
  budget: RunBudget.optional(),
  /** The model (default: the offline scripted model). */
  pins: z
    .strictObject({
      provider: z.string().min(1).max(100).optional(),
      model: z.string().min(1).max(200).optional(),
      params: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).optional(),
    })
    .optional(),
});
export type StartResearchRequest = z.infer<typeof StartResearchRequest>;

/** The plan: sub-questions (the model's, or the reviewer's edit). */
export const ResearchPlan = z.strictObject({
  sub_questions: z.array(z.string().trim().min(1).max(RESEARCH_LIMITS.subQuestionChars)).min(1).max(RESEARCH_LIMITS.subQuestions),
});
export type ResearchPlan = z.infer<typeof ResearchPlan>;

/** One search result. */
export const SearchHit = z.strictObject({
  source_id: SourceId,
  kind: ResearchSourceKind,
  /** A URL, or `doc:<path>` for a project document. */
  locator: z.string().max(2048),
  title: z.string().max(500),
  snippet: z.string().max(2000),
  score: z.number(),
  /** `documents`, the backend kind, or the MCP tool id. */
  via: z.string().max(200),
});
export type SearchHit = z.infer<typeof SearchHit>;

/** A source's text as the run read it: a content-addressed artifact (`text/plain`). */
export const SourceSnapshot = z.strictObject({
  sha256: Sha256,
  artifact: ArtifactRef,
  chars: z.number().int().nonnegative(),
  fetched_at: z.iso.datetime(),
  /** The URL that answered (after redirects) or the document's path and version. */
  final_locator: z.string().max(2048),
  truncated: z.boolean(),
  /** Why the text is shorter than the source (size limit), or how it was read (PDF). */
  note: z.string().max(500).nullable(),
});
export type SourceSnapshot = z.infer<typeof SourceSnapshot>;

export const SourceStatus = z.enum(['selected', 'read', 'failed', 'skipped']);
export type SourceStatus = z.infer<typeof SourceStatus>;

/** A source of the run: found by which sub-questions, read or why not. */
export const ResearchSource = z.strictObject({
  source_id: SourceId,
  kind: ResearchSourceKind,
  locator: z.string(),
  title: z.string(),
  via: z.string(),
  /** Indexes (from 1) of the sub-questions whose search found it. */
  sub_questions: z.array(z.number().int().positive()),
  status: SourceStatus,
  snapshot: SourceSnapshot.nullable(),
  error: z.strictObject({ code: z.string(), message: z.string() }).nullable(),
});
export type ResearchSource = z.infer<typeof ResearchSource>;

/** A verbatim quote and where it is in the snapshot: `text.slice(start, end)` equals the quote (whitespace-normalized). */
export const Evidence = z.strictObject({
  source_id: SourceId,
  quote: z.string().min(1).max(2000),
  start: z.number().int().nonnegative(),
  end: z.number().int().nonnegative(),
});
export type Evidence = z.infer<typeof Evidence>;

export const Claim = z.strictObject({
  id: ClaimId,
  text: z.string().min(1).max(1000),
  /** The sub-question (from 1) it answers, when the model said. */
  sub_question: z.number().int().positive().nullable(),
  evidence: z.array(Evidence).min(1).max(3),
});
export type Claim = z.infer<typeof Claim>;

/** The mechanical checks of one cited claim, and the judge's verdict when a real model judged it. */
export const CitationCheck = z.strictObject({
  claim_id: z.string(),
  verdict: CitationVerdict,
  /** The claim id is one this run extracted. */
  known_claim: z.boolean(),
  /** Every evidence item's snapshot was fetched by this run. */
  source_fetched: z.boolean(),
  /** Every quote is at its offsets in its snapshot (whitespace-normalized). */
  quote_at_offsets: z.boolean(),
  /** Every number in the claim appears in a quote. */
  numbers_in_quote: z.boolean(),
  judge: z.strictObject({ verdict: CitationVerdict, reason: z.string().max(1000) }).nullable(),
  /** Why it is not supported ('' when it is). */
  reason: z.string().max(1000),
});
export type CitationCheck = z.infer<typeof CitationCheck>;

export const ResearchMetrics = z.strictObject({
  sources_found: z.number().int().nonnegative(),
  sources_read: z.number().int().nonnegative(),
  sources_failed: z.number().int().nonnegative(),
  claims: z.number().int().nonnegative(),
  citations: z.number().int().nonnegative(),
  citations_verified: z.number().int().nonnegative(),
  /** verified ÷ citations (1 when there are none). */
  verified_ratio: z.number().min(0).max(1),
  unsupported_removed: z.number().int().nonnegative(),
  /** Sentences left without a citation because theirs failed (shown flagged). */
  flagged: z.number().int().nonnegative(),
  critique_rounds: z.number().int().nonnegative(),
  tokens: z.number().int().nonnegative(),
  cost_usd: z.number().nonnegative(),
  wall_ms: z.number().nonnegative(),
});
export type ResearchMetrics = z.infer<typeof ResearchMetrics>;

export const BibliographyEntry = z.strictObject({
  n: z.number().int().positive(),
  source_id: SourceId,
  title: z.string(),
  locator: z.string(),
  fetched_at: z.iso.datetime(),
  sha256: Sha256,
});
export type BibliographyEntry = z.infer<typeof BibliographyEntry>;

/** The finished report: Markdown with numbered citations, its bibliography and metrics. */
export const ResearchReport = z.strictObject({
  markdown: z.string(),
  /** The same report with `[[c3]]` markers (what the console renders with hover cards). */
  cited_markdown: z.string(),
  artifact: ArtifactRef,
  bibliography: z.array(BibliographyEntry),
  metrics: ResearchMetrics,
});
export type ResearchReport = z.infer<typeof ResearchReport>;

export const ResearchGraphNodeKind = z.enum(['question', 'sub_question', 'source', 'claim']);
export const ResearchGraphNodeState = z.enum(['pending', 'running', 'done', 'failed', 'skipped', 'supported', 'partial', 'unsupported', 'uncited']);
export type ResearchGraphNodeState = z.infer<typeof ResearchGraphNodeState>;

/** The research graph: question → sub-questions → sources → claims, with states, folded from the run's events. */
export const ResearchGraph = z.strictObject({
  nodes: z.array(
    z.strictObject({ id: z.string(), kind: ResearchGraphNodeKind, label: z.string(), state: ResearchGraphNodeState, detail: z.string().nullable() }),
  ),
  edges: z.array(z.strictObject({ from: z.string(), to: z.string() })),
});
export type ResearchGraph = z.infer<typeof ResearchGraph>;

export const ResearchStage = z.enum(['planning', 'plan_review', 'searching', 'reading', 'synthesizing', 'verifying', 'done']);
export type ResearchStage = z.infer<typeof ResearchStage>;

/** `GET /v1/runs/:runId/research`: everything about a research run, folded from its events. */
export const ResearchView = z.strictObject({
  run: Run,
  request: ResearchRequest,
  stage: ResearchStage,
  plan: ResearchPlan.nullable(),
  /** The plan review's approval id while it waits for a reviewer. */
  pending_review: z.strictObject({ approval_id: z.string() }).nullable(),
  sources: z.array(ResearchSource),
  claims: z.array(Claim.extend({ check: CitationCheck.nullable() })),
  report: ResearchReport.nullable(),
  graph: ResearchGraph,
});
export type ResearchView = z.infer<typeof ResearchView>;

/** `GET /v1/runs/:runId/research/sources/:sourceId`: a source and its snapshot text (for highlighting a quote). */
export const SourceText = z.strictObject({ source: ResearchSource, text: z.string() });
export type SourceText = z.infer<typeof SourceText>;

/** A research run in a project's list. */
export const ResearchSummary = z.strictObject({ run: Run, question: z.string() });
export type ResearchSummary = z.infer<typeof ResearchSummary>;

/** A web search backend (admin): the key is sealed and never returned. */
export const SearchBackend = z.strictObject({
  id: z.uuid(),
  kind: SearchBackendKind,
  name: z.string(),
  /** The backend's base URL (SearXNG: the instance; Brave and Tavily: their API, overridable). */
  base_url: z.url(),
  has_key: z.boolean(),
  created_at: z.iso.datetime(),
});
export type SearchBackend = z.infer<typeof SearchBackend>;

export const CreateSearchBackendRequest = z.strictObject({
  kind: SearchBackendKind,
  name: z.string().trim().min(1).max(120),
  base_url: z
    .url({ protocol: /^https?$/ })
    .max(2048)
    .optional(),
  api_key: z.string().min(1).max(500).optional(),
});
export type CreateSearchBackendRequest = z.infer<typeof CreateSearchBackendRequest>;

/** A project document (the corpus `documents.search` and research runs search), at its current version. */
export const ProjectDocument = z.strictObject({
  path: z.string(),
  media_type: z.string(),
  version: z.number().int().positive(),
  sha256: Sha256,
  size_bytes: z.number().int().nonnegative(),
  updated_at: z.iso.datetime(),
});
export type ProjectDocument = z.infer<typeof ProjectDocument>;

/** `POST /v1/projects/:projectId/documents`: adds a document, or a new version of one (same path). */
export const PutDocumentRequest = z.strictObject({
  path: z
    .string()
    .min(1)
    .max(500)
    .regex(/^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/, 'a relative path of letters, digits, ".", "_" and "-" segments'),
  text: z.string().min(1).max(1_000_000),
  media_type: z.enum(['text/markdown', 'text/plain']).default('text/markdown'),
});
export type PutDocumentRequest = z.infer<typeof PutDocumentRequest>;
