import { type EgressAllowValue, SEARCH_BACKEND_DEFAULT_URLS, type SearchBackendKind } from '@omniai/contracts';
import { z } from 'zod';
import { extractReadableText } from '../builtins/html-text';
import { cutAtChars } from '../builtins/web-fetch-extract';
import { type SafeFetchOptions, type SafeFetchResponse, type UnsafeTestNetwork, safeFetch } from '../egress/safe-fetch';
import { ToolError } from '../tool';
import { ResearchError } from './research-error';

/** One web search result, best first within its answer. */
export interface WebSearchResult {
  /** An http(s) URL (results with anything else are dropped). */
  url: string;
  title: string;
  /** Plain text (markup and entities of the backend's snippet resolved). */
  snippet: string;
  /** Higher is better; comparable within one answer only (the backend's score, or one from the rank). */
  score: number;
}

/** A web search service a research run queries through {@link safeFetch}. */
export interface WebSearchBackend {
  readonly kind: SearchBackendKind;
  /** At most `limit` results for `query`, best first. */
  search(query: string, limit: number, options?: { signal?: AbortSignal }): Promise<WebSearchResult[]>;
}

/** A configured backend, its key revealed at the moment of use (`SearchBackendStore.reveal`). */
export interface WebSearchBackendConfig {
  kind: SearchBackendKind;
  base_url: string;
  api_key?: string | null;
}

export interface WebSearchBackendOptions {
  /**
   * Hosts the search may reach: the caller's egress decision, which must include the backend's host for the search to
   * go anywhere (forgetting it denies, never allows).
   */
  allowHosts: readonly EgressAllowValue[];
  /** Deadline of one search (default 15 s). */
  timeoutMs?: number;
  /** Bytes of an answer read at most (default 2 MiB; a longer answer is malformed). */
  maxBytes?: number;
  /** TEST ONLY, see {@link UnsafeTestNetwork}. */
  unsafeTestNetwork?: UnsafeTestNetwork;
}

/** Results one search asks for at most (Brave's and Tavily's own caps). */
export const WEB_SEARCH_MAX_RESULTS = 20;
const DEFAULT_TIMEOUT_MS = 15_000;
const DEFAULT_MAX_BYTES = 2 * 1024 * 1024;
const TITLE_CHARS = 500;
const SNIPPET_CHARS = 2000;

const BACKEND_NAMES: Readonly<Record<SearchBackendKind, string>> = { searxng: 'SearXNG', brave: 'Brave Search', tavily: 'Tavily' };

/** The adapter for a configured backend. Brave and Tavily need a key; their base URL defaults to their public API. */
export function createWebSearchBackend(config: WebSearchBackendConfig, options: WebSearchBackendOptions): WebSearchBackend {
  const key = config.api_key ?? null;
  switch (config.kind) {
    case 'searxng':
      return searxngBackend(config.base_url, options);
    case 'brave':
      if (!key) throw new ToolError('E_VALIDATION', 'a Brave Search backend needs an API key');
      return braveBackend(config.base_url || SEARCH_BACKEND_DEFAULT_URLS.brave, key, options);
    case 'tavily':
      if (!key) throw new ToolError('E_VALIDATION', 'a Tavily backend needs an API key');
      return tavilyBackend(config.base_url || SEARCH_BACKEND_DEFAULT_URLS.tavily, key, options);
  }
}

// The answers are read loosely (backends add fields freely) but what we use is checked.
const SearxngAnswer = z.object({
  results: z.array(z.object({ url: z.string(), title: z.string().nullish(), content: z.string().nullish(), score: z.number().nullish() })),
});
const BraveAnswer = z.object({
  web: z.object({ results: z.array(z.object({ url: z.string(), title: z.string().nullish(), description: z.string().nullish() })) }).optional(),
});
const TavilyAnswer = z.object({
  results: z.array(z.object({ url: z.string(), title: z.string().nullish(), content: z.string().nullish(), score: z.number().nullish() })),
});

/** SearXNG: `GET <base>/search?q=…&format=json` (the instance must enable the JSON format). */
export function searxngBackend(baseUrl: string, options: WebSearchBackendOptions): WebSearchBackend {
  return {
    kind: 'searxng',
    async search(query, limit, call = {}) {
      const url = endpoint(baseUrl, 'search');
      url.search = new URLSearchParams({ q: query, format: 'json' }).toString();
      const answer = parse('searxng', SearxngAnswer, await request('searxng', url, options, call.signal, {}));
      return results(
        answer.results.map((r, i) => ({ url: r.url, title: r.title, snippet: r.content, score: r.score ?? rankScore(i) })),
        limit,
      );
    },
  };
}

/** Brave Search: `GET <base>/res/v1/web/search?q=…&count=N` with `X-Subscription-Token`. */
export function braveBackend(baseUrl: string, apiKey: string, options: WebSearchBackendOptions): WebSearchBackend {
  return {
    kind: 'brave',
    async search(query, limit, call = {}) {
      const url = endpoint(baseUrl, 'res/v1/web/search');
      url.search = new URLSearchParams({ q: query, count: String(clampLimit(limit)) }).toString();
      const response = await request('brave', url, options, call.signal, { credential: { header: 'x-subscription-token', value: apiKey } });
      const answer = parse('brave', BraveAnswer, response);
      // Brave gives no score: the rank stands in for one.
      return results(
        (answer.web?.results ?? []).map((r, i) => ({ url: r.url, title: r.title, snippet: r.description, score: rankScore(i) })),
        limit,
      );
    },
  };
}

/** Tavily: `POST <base>/search` with `{ query, max_results }` and `Authorization: Bearer <key>`. */
export function tavilyBackend(baseUrl: string, apiKey: string, options: WebSearchBackendOptions): WebSearchBackend {
  return {
    kind: 'tavily',
    async search(query, limit, call = {}) {
      const url = endpoint(baseUrl, 'search');
      const response = await request('tavily', url, options, call.signal, {
        method: 'POST',
        body: Buffer.from(JSON.stringify({ query, max_results: clampLimit(limit) })),
        contentType: 'application/json',
        credential: { header: 'authorization', value: `Bearer ${apiKey}` },
      });
      const answer = parse('tavily', TavilyAnswer, response);
      return results(
        answer.results.map((r, i) => ({ url: r.url, title: r.title, snippet: r.content, score: r.score ?? rankScore(i) })),
        limit,
      );
    },
  };
}

/** `path` under the base URL, keeping a base path (`https://host/searx` → `https://host/searx/search`). */
function endpoint(baseUrl: string, path: string): URL {
  try {
    return new URL(path, baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`);
  } catch {
    throw new ToolError('E_VALIDATION', 'the search backend has no valid base URL');
  }
}

async function request(
  kind: SearchBackendKind,
  url: URL,
  options: WebSearchBackendOptions,
  signal: AbortSignal | undefined,
  extra: Pick<SafeFetchOptions, 'method' | 'body' | 'contentType' | 'credential'>,
): Promise<SafeFetchResponse> {
  const response = await safeFetch(url.href, {
    allowHosts: options.allowHosts,
    maxBytes: options.maxBytes ?? DEFAULT_MAX_BYTES,
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    maxRedirects: 3,
    signal,
    accept: 'application/json',
    unsafeTestNetwork: options.unsafeTestNetwork,
    ...extra,
  });
  const name = BACKEND_NAMES[kind];
  // Messages name the backend and the status only: never the key, the request or the backend's answer.
  if (response.status === 401 || response.status === 403) {
    throw new ResearchError('E_SEARCH_AUTH', `${name} refused the request (HTTP ${response.status}): check the backend's key`);
  }
  if (response.status === 429) throw new ResearchError('E_SEARCH_RATE_LIMITED', `${name} is rate-limiting searches (HTTP 429)`);
  if (response.status < 200 || response.status >= 300) throw new ToolError('E_TOOL_FAILED', `${name} answered HTTP ${response.status}`);
  return response;
}

function parse<T>(kind: SearchBackendKind, schema: z.ZodType<T>, response: SafeFetchResponse): T {
  const malformed = () => new ToolError('E_TOOL_FAILED', `${BACKEND_NAMES[kind]} sent a malformed answer (not its JSON search results)`);
  if (response.truncated) throw malformed();
  let json: unknown;
  try {
    json = JSON.parse(response.body.toString('utf8'));
  } catch {
    throw malformed();
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw malformed();
  return parsed.data;
}

/** Kept results: http(s) URLs only, each once, titles and snippets as plain text within the contract's limits. */
function results(raw: Array<{ url: string; title?: string | null; snippet?: string | null; score: number }>, limit: number): WebSearchResult[] {
  const seen = new Set<string>();
  const kept: WebSearchResult[] = [];
  for (const r of raw) {
    let url: URL;
    try {
      url = new URL(r.url);
    } catch {
      continue;
    }
    if ((url.protocol !== 'http:' && url.protocol !== 'https:') || seen.has(url.href)) continue;
    seen.add(url.href);
    kept.push({
      url: url.href,
      title: cutAtChars(plainText(r.title ?? ''), TITLE_CHARS),
      snippet: cutAtChars(plainText(r.snippet ?? ''), SNIPPET_CHARS),
      score: Number.isFinite(r.score) ? r.score : 0,
    });
    if (kept.length >= clampLimit(limit)) break;
  }
  return kept;
}

/** Snippets carry markup (`<strong>`) and entities: read them as HTML text, on one line. */
function plainText(fragment: string): string {
  if (!/[<&]/.test(fragment)) return fragment.replace(/\s+/g, ' ').trim();
  return extractReadableText(`<p>${fragment}</p>`).text.replace(/\s+/g, ' ').trim();
}

function rankScore(index: number): number {
  return 1 / (index + 1);
}

function clampLimit(limit: number): number {
  return Math.min(WEB_SEARCH_MAX_RESULTS, Math.max(1, Math.floor(limit)));
}
