/**
 * The values of the research contracts (docs/RESEARCH.md) without zod: the workflow bundle, `@omniai/research` and the
 * console read them from here; `../research.ts` builds the schemas on them.
 */

/** Limits of one research run. */
export const RESEARCH_LIMITS = {
  /** Characters of the question (over it: 400). */
  questionChars: 2_000,
  /** Sub-questions a plan may have (a longer plan is cut; a reviewer may not add beyond it). */
  subQuestions: 8,
  subQuestionChars: 500,
  /** Distinct sources one run reads at most (the request's `max_sources` is at most this). */
  maxSources: 50,
  defaultMaxSources: 12,
  /** Characters of one source snapshot kept (a longer text is cut and the source notes it). */
  snapshotChars: 200_000,
  /** Bytes one fetch reads at most. */
  fetchBytes: 5 * 1024 * 1024,
  /** Characters of a snapshot shown to the model when it extracts claims. */
  extractChars: 24_000,
  claimsPerSource: 12,
  /** Critique rounds after the first verification. */
  critiqueRounds: 2,
  /** Sub-question searches in flight at once. */
  searchFanOut: 3,
  /** Sources read (fetched and extracted) at once. */
  readConcurrency: 4,
  /** Results kept per sub-question and backend by depth 1, 2, 3. */
  resultsPerDepth: [2, 3, 5] as readonly number[],
} as const;

/** The plan review is decided in the approvals inbox as a call of this pseudo tool (call id `plan_review#1`). */
export const RESEARCH_GATE_TOOL_ID = 'research.plan_review';

/** Where a research run looks. `web` needs a configured search backend; `mcp` a project-pinned MCP search tool. */
export const RESEARCH_SOURCE_KINDS = ['document', 'web', 'mcp'] as const;

/** Search backends the web source can use (each through safeFetch and the egress policy; keys sealed). */
export const SEARCH_BACKEND_KINDS = ['searxng', 'brave', 'tavily'] as const;

/** How a cited claim fared: mechanically (and, with a real model, by an entailment judge). */
export const CITATION_VERDICTS = ['supported', 'partial', 'unsupported'] as const;

/**
 * The node ids a research run records its steps under (`node_started` / `node_completed` / `node_failed`), so the
 * timeline and the research graph read the same log as graph runs do.
 */
export const RESEARCH_NODES = {
  plan: 'plan',
  review: 'plan_review',
  search: (subQuestion: number) => `search_${subQuestion}`,
  select: 'select',
  read: (sourceId: string) => `read_${sourceId}`,
  extract: (sourceId: string) => `extract_${sourceId}`,
  synthesize: 'synthesize',
  verify: (round: number) => `verify_${round}`,
  revise: (round: number) => `revise_${round}`,
  finalize: 'finalize',
} as const;

/** `node_kind` of each research step. */
export const RESEARCH_NODE_KINDS = {
  plan: 'research.plan',
  review: 'research.plan_review',
  search: 'research.search',
  select: 'research.select',
  read: 'research.read',
  extract: 'research.extract',
  synthesize: 'research.synthesize',
  verify: 'research.verify',
  revise: 'research.revise',
  finalize: 'research.finalize',
} as const;

/** A claim id: `c<source>-<k>`, the k-th claim (from 1) extracted from the run's source number `source` (from 1). */
export const CLAIM_ID_SOURCE = 'c[0-9]{1,3}-[0-9]{1,2}';

/**
 * A citation in a synthesized report: `[[c3-2]]` after the sentence it supports. The final report renders them as
 * numbered references to the bibliography.
 */
export const CITATION_MARKER_SOURCE = `\\[\\[(${CLAIM_ID_SOURCE})\\]\\]`;

/**
 * Codes a source's `error.code` may hold besides the `ErrorCode`s of tool failures (`E_TOOL_FAILED`, `E_TOOL_TIMEOUT`,
 * `E_EGRESS_DENIED`, …). They describe a source or a search backend, never an HTTP answer of ours, so they are not
 * in the `ErrorCode` registry.
 */
export const RESEARCH_SOURCE_ERROR_CODES = [
  /** The site's robots.txt disallows the path for our user agent: the page is not read. */
  'E_ROBOTS_DISALLOWED',
  /** The response is of a media type the reader does not extract (HTML, PDF, plain text and JSON are). */
  'E_UNSUPPORTED_MEDIA',
  /** The search backend refused the key (HTTP 401 or 403). */
  'E_SEARCH_AUTH',
  /** The search backend is rate-limiting us (HTTP 429). */
  'E_SEARCH_RATE_LIMITED',
] as const;

/** Where Brave Search's and Tavily's APIs are when a backend does not name another URL (SearXNG has no default). */
export const SEARCH_BACKEND_DEFAULT_URLS = {
  brave: 'https://api.search.brave.com',
  tavily: 'https://api.tavily.com',
} as const;

/** Backends that need an API key (sealed when configured). */
export const SEARCH_BACKENDS_WITH_KEY = ['brave', 'tavily'] as const;
