import { MAX_COMMIT_MESSAGE } from '../git/git-input';
import { MAX_PATCH_BYTES, type ProjectRepos } from '../git/project-repos';
import type { BuiltinTool, ToolContext } from '../tool';
import { objectSchema, WRITES_FILES } from './manifest-parts';

export const GIT_APPLY_PATCH_ID = 'git.apply_patch';

interface Input {
  patch: string;
  message: string;
}

/**
 * `git.apply_patch`: applies a unified diff to main of the project's repository and commits it, all or nothing. A
 * patch that does not apply changes nothing (`E_TOOL_FAILED`). A retry of the same call (same idempotency key)
 * returns the commit it made the first time.
 */
export function createGitApplyPatchTool(deps: { repos: ProjectRepos }): BuiltinTool {
  return {
    manifest: {
      id: GIT_APPLY_PATCH_ID,
      version: '1.0.0',
      description:
        'Change files in the project\'s git repository by applying a unified diff in git format ("diff --git a/path b/path", ' +
        '"--- a/path" and "+++ b/path" lines — "--- /dev/null" for a new file — then hunks starting with "@@ -l,s +l,s @@") to the ' +
        'tip of main, and commit it with `message`. Several files per patch are fine. Context and removed lines must match the ' +
        'current files exactly; if any hunk does not apply, nothing changes and the call fails: look at the files with git.diff ' +
        'and make a new patch. Paths are relative; symbolic links and anything inside .git are refused.',
      input_schema: objectSchema(
        {
          patch: { type: 'string', minLength: 1, maxLength: MAX_PATCH_BYTES, description: 'A unified diff in git format.' },
          message: { type: 'string', minLength: 1, maxLength: MAX_COMMIT_MESSAGE, description: 'The commit message: what changed and why.' },
        },
        ['patch', 'message'],
      ),
      output_schema: objectSchema(
        {
          commit: { type: 'string', pattern: '^[0-9a-f]{40}([0-9a-f]{24})?$', description: 'Id of the commit made (or made by an earlier try of this call).' },
          files_changed: { type: 'array', items: { type: 'string' }, description: 'Paths the commit added, changed or deleted.' },
        },
        ['commit', 'files_changed'],
      ),
      risk: WRITES_FILES,
      binding: { type: 'inproc_safe', builtin: GIT_APPLY_PATCH_ID },
    },
    async run(input: unknown, ctx: ToolContext) {
      const { patch, message } = input as Input;
      const { commit, files_changed } = await deps.repos.applyPatch(ctx.project_id, { patch, message, idempotencyKey: ctx.idempotency_key }, ctx.signal);
      return { commit, files_changed };
    },
  };
}
