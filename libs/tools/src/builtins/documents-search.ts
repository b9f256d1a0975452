import type { DocumentStore } from '@omniai/store';
import { ToolError, type BuiltinTool, type ToolContext } from '../tool';
import { objectSchema, PATH_SCHEMA, VERSION_SCHEMA, READS_FILES } from './manifest-parts';

export const DOCUMENTS_SEARCH_ID = 'documents.search';
/** Its id until migration 1766000000000: calls of runs in flight then still name it (see {@link legacyWebSearchTool}). */
export const LEGACY_WEB_SEARCH_ID = 'web.search';

/** Most results one call returns, and how many when the caller does not say. */
export const DOCUMENTS_SEARCH_MAX_LIMIT = 20;
export const DOCUMENTS_SEARCH_DEFAULT_LIMIT = 5;

export interface DocumentSearchResult {
  path: string;
  version: number;
  snippet: string;
  score: number;
}

/**
 * Where `documents.search` looks. The offline backend ({@link documentSearchBackend}) searches the project's ingested
 * documents, so the tool works on machines without internet access. Web search is another thing with another risk
 * (the `read_web` scope, egress hosts, keys): research runs reach it through `research/search-backends`, not this tool.
 */
export interface DocumentSearchBackend {
  /** Results for `query` within `projectId`, best first, at most `limit`. */
  search(projectId: string, query: string, limit: number): Promise<DocumentSearchResult[]>;
}

/** The offline backend: Postgres full-text search over the current versions of the project's documents. */
export function documentSearchBackend(documents: DocumentStore): DocumentSearchBackend {
  return { search: (projectId, query, limit) => documents.search(projectId, query, limit) };
}

interface Input {
  query: string;
  limit?: number;
}

/**
 * `documents.search` (named `web.search` until migration 1766000000000, though it never reached the web): ranked
 * passages of the project's documents matching a query, from the backend it is given. The manifest is the old one
 * with only its id changed, so the migration can re-key registered rows with a hash the worker then agrees with.
 */
export function createDocumentsSearchTool(deps: { backend: DocumentSearchBackend }): BuiltinTool {
  return {
    manifest: {
      id: DOCUMENTS_SEARCH_ID,
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
            maximum: DOCUMENTS_SEARCH_MAX_LIMIT,
            default: DOCUMENTS_SEARCH_DEFAULT_LIMIT,
            description: `How many results to return at most (default ${DOCUMENTS_SEARCH_DEFAULT_LIMIT}).`,
          },
        },
        ['query'],
      ),
      output_schema: objectSchema(
        {
          results: {
            type: 'array',
            maxItems: DOCUMENTS_SEARCH_MAX_LIMIT,
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
      binding: { type: 'inproc_safe', builtin: DOCUMENTS_SEARCH_ID },
    },
    async run(input: unknown, ctx: ToolContext) {
      const { query, limit } = input as Input;
      if (query.trim() === '') throw new ToolError('E_VALIDATION', 'the query is empty');
      const n = Math.min(DOCUMENTS_SEARCH_MAX_LIMIT, Math.max(1, limit ?? DOCUMENTS_SEARCH_DEFAULT_LIMIT));
      const hits = await deps.backend.search(ctx.project_id, query.trim(), n);
      return {
        // The backend is pluggable: hold it to the output contract here rather than trust it.
        results: hits.slice(0, n).map((h) => ({ path: h.path, version: h.version, snippet: h.snippet, score: Math.round(h.score * 10_000) / 10_000 })),
      };
    },
  };
}

/**
 * The same tool under its old id and manifest (byte for byte, so it hashes as runs pinned it): for calls of runs that
 * were in flight when it was renamed. The worker runs it when asked by exactly that id but never publishes it, so new
 * runs are only offered `documents.search`. Can go once no run pinned to `web.search` can still call it.
 */
export function legacyWebSearchTool(tool: BuiltinTool): BuiltinTool {
  return { manifest: { ...tool.manifest, id: LEGACY_WEB_SEARCH_ID, binding: { type: 'inproc_safe', builtin: LEGACY_WEB_SEARCH_ID } }, run: tool.run };
}
