import type { DocumentStore } from '@omniai/store';
import type { BuiltinTool, ToolContext } from '../tool';
import { documentCall, requireDocumentPath } from './document-errors';
import { MAX_DOCUMENT_TEXT, objectSchema, PATH_SCHEMA, SHA256_SCHEMA, VERSION_SCHEMA, WRITES_FILES } from './manifest-parts';
import { MEDIA_TYPE_PATTERN, mediaTypeFor } from './media-type';

export const FILES_INGEST_ID = 'files.ingest';

interface Input {
  path: string;
  text: string;
  media_type?: string;
}

/**
 * `files.ingest`: stores text as a project file, creating it or adding a new version. A retry of the same call
 * (same `ctx.idempotency_key`) returns the first result and writes nothing.
 */
export function createFilesIngestTool(deps: { documents: DocumentStore }): BuiltinTool {
  return {
    manifest: {
      id: FILES_INGEST_ID,
      version: '1.0.0',
      description:
        'Save text as a file in the project. Creates the file at `path`, or replaces its whole content with `text` as a new version ' +
        '(earlier versions stay readable). To change part of an existing file, prefer files.write_patch. ' +
        'Returns the version number, which files.write_patch can take as expected_version.',
      input_schema: objectSchema(
        {
          path: PATH_SCHEMA,
          text: { type: 'string', maxLength: MAX_DOCUMENT_TEXT, description: 'The complete content of the file.' },
          media_type: {
            type: 'string',
            pattern: MEDIA_TYPE_PATTERN,
            description: 'Media type such as "text/markdown"; guessed from the file extension when omitted.',
          },
        },
        ['path', 'text'],
      ),
      output_schema: objectSchema(
        {
          path: PATH_SCHEMA,
          version: VERSION_SCHEMA,
          sha256: SHA256_SCHEMA,
          size_bytes: { type: 'integer', minimum: 0, description: 'Size of the content in bytes (UTF-8).' },
        },
        ['path', 'version', 'sha256', 'size_bytes'],
      ),
      risk: WRITES_FILES,
      binding: { type: 'inproc_safe', builtin: FILES_INGEST_ID },
    },
    async run(input: unknown, ctx: ToolContext) {
      const { path, text, media_type } = input as Input;
      requireDocumentPath(path);
      const stored = await documentCall(() =>
        deps.documents.ingest(ctx.project_id, path, text, media_type ?? mediaTypeFor(path), { runId: ctx.run_id, idempotencyKey: ctx.idempotency_key }),
      );
      return { path: stored.path, version: stored.version, sha256: stored.sha256, size_bytes: stored.size_bytes };
    },
  };
}
