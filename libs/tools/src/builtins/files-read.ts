import type { DocumentStore } from '@omniai/store';
import { ToolError, type BuiltinTool, type ToolContext } from '../tool';
import { documentCall, requireDocumentPath } from './document-errors';
import { MAX_DOCUMENT_TEXT, objectSchema, PATH_SCHEMA, VERSION_SCHEMA, READS_FILES } from './manifest-parts';

export const FILES_READ_ID = 'files.read';

interface Input {
  path: string;
  version?: number;
}

/** `files.read`: the text of a project file, current version unless one is asked for. Reads only. */
export function createFilesReadTool(deps: { documents: DocumentStore }): BuiltinTool {
  return {
    manifest: {
      id: FILES_READ_ID,
      version: '1.0.0',
      description:
        'Read a project file: returns its text and version number (the current version unless `version` is given). ' +
        'Read a file before patching it with files.write_patch, and pass the version you read as expected_version.',
      input_schema: objectSchema({ path: PATH_SCHEMA, version: { ...VERSION_SCHEMA, description: 'An earlier version to read; omit for the current one.' } }, [
        'path',
      ]),
      output_schema: objectSchema(
        { path: PATH_SCHEMA, version: VERSION_SCHEMA, text: { type: 'string', maxLength: MAX_DOCUMENT_TEXT, description: 'The content of that version.' } },
        ['path', 'version', 'text'],
      ),
      risk: READS_FILES,
      binding: { type: 'inproc_safe', builtin: FILES_READ_ID },
    },
    async run(input: unknown, ctx: ToolContext) {
      const { path, version } = input as Input;
      requireDocumentPath(path);
      const doc = await documentCall(() => deps.documents.get(ctx.project_id, path, version));
      if (!doc) {
        throw new ToolError('E_NOT_FOUND', version === undefined ? `no file at ${path}` : `${path} has no version ${version}`);
      }
      return { path: doc.path, version: doc.version, text: doc.text };
    },
  };
}
