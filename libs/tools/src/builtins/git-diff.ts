import type { ProjectRepos } from '../git/project-repos';
import { MAX_DIFF_PATHS } from '../git/project-repos';
import { COMMITISH_PATTERN } from '../git/git-input';
import type { BuiltinTool, ToolContext } from '../tool';
import { objectSchema, PATH_SCHEMA, READS_FILES } from './manifest-parts';

export const GIT_DIFF_ID = 'git.diff';

const COMMITISH_SCHEMA = { type: 'string', pattern: COMMITISH_PATTERN, maxLength: 40 };
const COMMIT_ID_SCHEMA = { type: 'string', pattern: '^[0-9a-f]{40}([0-9a-f]{24})?$', description: 'Full id of the commit (or tree) compared.' };

interface Input {
  from?: string;
  to?: string;
  paths?: string[];
}

/** `git.diff`: the unified diff between two commits of the project's repository. Reads only. */
export function createGitDiffTool(deps: { repos: ProjectRepos }): BuiltinTool {
  return {
    manifest: {
      id: GIT_DIFF_ID,
      version: '1.0.0',
      description:
        "Show what changed in the project's git repository: the unified diff between two commits (by default, what the latest " +
        'commit on main changed). Name commits by hash (4 to 40 hex digits), HEAD, HEAD~n or main. Optionally limit the diff to some ' +
        'files or folders. Very long diffs are cut and flagged as truncated.',
      input_schema: objectSchema(
        {
          from: { ...COMMITISH_SCHEMA, description: "The older commit; default: the parent of `to` (the empty tree for the repository's first commit)." },
          to: { ...COMMITISH_SCHEMA, description: 'The newer commit; default HEAD (the tip of main).' },
          paths: { type: 'array', items: PATH_SCHEMA, maxItems: MAX_DIFF_PATHS, description: 'Only these files or folders.' },
        },
        [],
      ),
      output_schema: objectSchema(
        {
          diff: { type: 'string', description: 'The unified diff (git format); empty when nothing differs.' },
          truncated: { type: 'boolean', description: 'True when the diff was longer than the limit and was cut at a line boundary.' },
          files_changed: { type: 'array', items: { type: 'string' }, description: 'Paths that differ (within `paths` when given).' },
          from: COMMIT_ID_SCHEMA,
          to: COMMIT_ID_SCHEMA,
        },
        ['diff', 'truncated', 'files_changed', 'from', 'to'],
      ),
      risk: READS_FILES,
      binding: { type: 'inproc_safe', builtin: GIT_DIFF_ID },
    },
    async run(input: unknown, ctx: ToolContext) {
      const { from, to, paths } = input as Input;
      return deps.repos.diff(
        ctx.project_id,
        { ...(from === undefined ? {} : { from }), ...(to === undefined ? {} : { to }), ...(paths ? { paths } : {}) },
        ctx.signal,
      );
    },
  };
}
