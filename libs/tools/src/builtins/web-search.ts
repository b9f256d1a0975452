import type { DocumentStore } from '@omniai/store';
import { ToolError, type BuiltinTool, type ToolContext } from '../tool';
import { objectSchema, PATH_SCHEMA, VERSION_SCHEMA, READS_FILES } from './manifest-parts';

export const WEB_SEARCH_ID = 'web.search';

/** Most results one call returns, and how many when the caller does not say. */
export const WEB_SEARCH_MAX_LIMIT = 20;
export const WEB_SEARCH_DEFAULT_LIMIT = 5;

export interface SearchResult {
  path: string;
  version: number;
  snippet: string;
  score: number;
}

/**
 * Where `web.search` looks. The offline backend ({@link documentSearchBackend}) searches the project's ingested
 * documents, so the tool works on machines without internet access. A backend that reaches the network needs a
 * manifest with its own risk (the `read_web` scope and its egress hosts), not this one.
 */
export interface SearchBackend {
  /** Results for `query` within `projectId`, best first, at most `limit`. */
  search(projectId: string, query: string, limit: number): Promise<SearchResult[]>;
}

/** The offline backend: Postgres full-text search over the current versions of the project's documents. */
export function documentSearchBackend(documents: DocumentStore): SearchBackend {
  return { search: (projectId, query, limit) => documents.search(projectId, query, limit) };
}

interface Input {
  query: string;
  limit?: number;
}

/** `web.search`: ranked passages matching a query, from the backend it is given. */
export function createWebSearchTool(deps: { backend: SearchBackend }): BuiltinTool {
  return {
    manifest: {
      id: WEB_SEARCH_ID,
      version: '1.0.0',
      description:
        "Search the project's documents (files saved with files.ingest or files.write_patch) and return the best matching passages, " +
        'best first, each with the file path, its version, a snippet with the matching words in **bold** and a relevance score. ' +
        'The query takes plain words, "quoted phrases", `or` and -excluded words. Read a whole result with files.read.',
      input_schema: objectSchema(
        {
          query: { type: 'string', minLength: 1, maxLength: 500, description: 'What to look for.' },
          limit: {
            type: 'integer',
            minimum: 1,
            maximum: WEB_SEARCH_MAX_LIMIT,
            default: WEB_SEARCH_DEFAULT_LIMIT,
            description: `How many results to return at most (default ${WEB_SEARCH_DEFAULT_LIMIT}).`,
          },
        },
        ['query'],
      ),
      output_schema: objectSchema(
        {
          results: {
            type: 'array',
            maxItems: WEB_SEARCH_MAX_LIMIT,
            items: {
              type: 'object',
              properties: {
                path: PATH_SCHEMA,
                version: VERSION_SCHEMA,
                snippet: { type: 'string', description: 'A short passage around the matches.' },
                score: { type: 'number', minimum: 0, description: 'Relevance: higher is better; comparable within one search only.' },
              },
              required: ['path', 'version', 'snippet', 'score'],
              additionalProperties: false,
            },
          },
        },
        ['results'],
      ),
      risk: READS_FILES,
      binding: { type: 'inproc_safe', builtin: WEB_SEARCH_ID },
    },
    async run(input: unknown, ctx: ToolContext) {
      const { query, limit } = input as Input;
      if (query.trim() === '') throw new ToolError('E_VALIDATION', 'the query is empty');
      const n = Math.min(WEB_SEARCH_MAX_LIMIT, Math.max(1, limit ?? WEB_SEARCH_DEFAULT_LIMIT));
      const hits = await deps.backend.search(ctx.project_id, query.trim(), n);
      return {
        // The backend is pluggable: hold it to the output contract here rather than trust it.
        results: hits.slice(0, n).map((h) => ({ path: h.path, version: h.version, snippet: h.snippet, score: Math.round(h.score * 10_000) / 10_000 })),
      };
    },
  };
}
