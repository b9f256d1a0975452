import type { DocumentStore } from '@omniai/store';
import type { BuiltinTool, ToolContext } from '../tool';
import { documentCall, requireDocumentPath } from './document-errors';
import { MAX_DOCUMENT_TEXT, objectSchema, PATH_SCHEMA, SHA256_SCHEMA, VERSION_SCHEMA, WRITES_FILES } from './manifest-parts';

export const FILES_WRITE_PATCH_ID = 'files.write_patch';

interface Input {
  path: string;
  patch: string;
  expected_version?: number;
}

/**
 * `files.write_patch`: applies a unified diff to the current version of a project file and stores the result as the
 * next version (the store keeps the reverse diff). A diff that does not apply cleanly changes nothing and fails with
 * `E_TOOL_FAILED` ("the patch does not apply to version N of path"), so the model can re-read and retry. A retry of
 * the same call returns the first result and writes nothing.
 */
export function createFilesWritePatchTool(deps: { documents: DocumentStore }): BuiltinTool {
  return {
    manifest: {
      id: FILES_WRITE_PATCH_ID,
      version: '1.0.0',
      description:
        'Edit an existing project file by applying a unified diff (the format of `diff -u` / `git diff`: "--- path" and "+++ path" ' +
        'lines, then hunks starting with "@@ -l,s +l,s @@"; context lines start with a space, removed lines with "-", added lines ' +
        'with "+"). Context and removed lines must match the current text exactly; if they do not, nothing changes and the call ' +
        'fails: read the file again with files.read and make a new patch. Pass expected_version to make sure nobody changed the ' +
        'file since you read it. One file per call.',
      input_schema: objectSchema(
        {
          path: PATH_SCHEMA,
          patch: { type: 'string', minLength: 1, maxLength: MAX_DOCUMENT_TEXT, description: 'A unified diff for this one file.' },
          expected_version: { ...VERSION_SCHEMA, description: 'Apply only if this is still the current version of the file.' },
        },
        ['path', 'patch'],
      ),
      output_schema: objectSchema(
        {
          path: PATH_SCHEMA,
          version: { ...VERSION_SCHEMA, description: 'The new version created by this patch.' },
          previous_version: { ...VERSION_SCHEMA, description: 'The version the patch was applied to.' },
          sha256: SHA256_SCHEMA,
        },
        ['path', 'version', 'previous_version', 'sha256'],
      ),
      risk: WRITES_FILES,
      binding: { type: 'inproc_safe', builtin: FILES_WRITE_PATCH_ID },
    },
    async run(input: unknown, ctx: ToolContext) {
      const { path, patch, expected_version } = input as Input;
      requireDocumentPath(path);
      const stored = await documentCall(() =>
        deps.documents.applyPatch(ctx.project_id, path, patch, {
          expectedVersion: expected_version ?? null,
          runId: ctx.run_id,
          idempotencyKey: ctx.idempotency_key,
        }),
      );
      // Every patch makes exactly one version on top of the one it was applied to.
      return { path: stored.path, version: stored.version, previous_version: stored.version - 1, sha256: stored.sha256 };
    },
  };
}
