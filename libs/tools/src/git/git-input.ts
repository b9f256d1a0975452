import { checkDocumentPath } from '@omniai/store';
import { sha256Hex } from '../hashing';
import { ToolError } from '../tool';

/**
 * What a model may name as a commit: an abbreviated or full hash, `HEAD`, `HEAD~n` or `main`. Nothing else reaches
 * git's argv, so `--output=/tmp/x`, `-p`, `@{…}` reflog syntax or `:/message` searches cannot be smuggled in as a
 * revision; the check is a whitelist, not an escape.
 */
export const COMMITISH_PATTERN = '^(?:[0-9a-fA-F]{4,40}|HEAD(?:~[0-9]{1,3})?|main)$';
const COMMITISH = new RegExp(COMMITISH_PATTERN);

export function checkCommitish(value: string, field: string): string {
  if (!COMMITISH.test(value)) throw new ToolError('E_VALIDATION', `${field} must be a commit hash (4 to 40 hex digits), HEAD, HEAD~n or main`);
  return value;
}

/** `.git` in any spelling git itself would treat as its own folder on some file system (`.GIT`, `.git.`, `git~1`). */
const GIT_SEGMENT = /^(?:\.git[. ]*|git~\d+)$/i;

/**
 * Why `path` cannot be a path inside a project repository, or null: the document path rules (relative, normalized,
 * no `..`, no control characters, at most 300 characters) plus nothing inside git's own folder.
 */
export function repoPathProblem(path: string): string | null {
  const problem = checkDocumentPath(path);
  if (problem) return problem;
  if (path.split('/').some((segment) => GIT_SEGMENT.test(segment))) return 'the path must not be inside .git';
  return null;
}

export function checkRepoPath(path: string): string {
  const problem = repoPathProblem(path);
  if (problem) throw new ToolError('E_VALIDATION', `invalid path ${JSON.stringify(path.slice(0, 100))}: ${problem}`);
  return path;
}

/** The trailer that makes a commit findable by the tool call that made it. */
export const IDEMPOTENCY_TRAILER = 'Omni-Idempotency-Key';

/**
 * The trailer's value for a call's idempotency key: the key itself when it is plain (`<run uuid>/<call id>`),
 * else its sha256, so that a strange call id from a provider can never add lines or trailers to the message.
 */
export function idempotencyTrailerValue(key: string): string {
  return /^[A-Za-z0-9._:/-]{1,200}$/.test(key) ? key : `sha256:${sha256Hex(key)}`;
}

export const MAX_COMMIT_MESSAGE = 500;

/**
 * A commit message as the model wrote it, minus surrounding blank space. It may not name the idempotency trailer:
 * a message that forged one could make a later call believe it had already been applied.
 */
export function checkCommitMessage(message: string): string {
  const trimmed = message.trim();
  if (trimmed.length === 0) throw new ToolError('E_VALIDATION', 'message must not be empty');
  if (message.length > MAX_COMMIT_MESSAGE) throw new ToolError('E_VALIDATION', `message must be at most ${MAX_COMMIT_MESSAGE} characters`);
  if (/[\u0000-\u0008\u000b-\u001f\u007f]/.test(trimmed)) throw new ToolError('E_VALIDATION', 'message must not contain control characters');
  if (trimmed.toLowerCase().includes(IDEMPOTENCY_TRAILER.toLowerCase())) {
    throw new ToolError('E_VALIDATION', `message must not contain "${IDEMPOTENCY_TRAILER}": the platform adds that trailer itself`);
  }
  return trimmed;
}

/**
 * What is refused from the patch text alone: absolute paths in file headers, and symbolic links or submodules (modes
 * 120000 and 160000): a repository of plain files is all the tools need, and a link is how a later reader of a
 * checkout would be pointed outside it. Paths are checked again as git resolves them (`git apply --numstat`).
 */
export function checkPatchShape(patch: string): void {
  checkPatchHeaders(patch);
  if (/^(?:new file mode|deleted file mode|old mode|new mode|index [0-9a-f]+\.\.[0-9a-f]+) (?:120000|160000)\b/m.test(patch)) {
    throw new ToolError('E_VALIDATION', 'the patch creates or changes a symbolic link or submodule; only regular files are allowed');
  }
}

/**
 * File headers naming an absolute path (`+++ /etc/x`) are refused even though `git apply -p1` would quietly turn them
 * into a relative path inside the repository: what the model named is not what would be written. Only a `---` line
 * directly followed by a `+++` line is a header (a removed line may also start with `---`).
 */
function checkPatchHeaders(patch: string): void {
  const lines = patch.split('\n');
  for (let i = 0; i + 1 < lines.length; i++) {
    if (!lines[i]!.startsWith('--- ') || !lines[i + 1]!.startsWith('+++ ')) continue;
    for (const header of [lines[i]!, lines[i + 1]!]) {
      const raw = header.slice(4).split('\t')[0]!.trim().replace(/^"/, '');
      if (raw.startsWith('/') && raw !== '/dev/null') {
        throw new ToolError('E_VALIDATION', 'the patch names an absolute path; use paths relative to the repository ("a/…" and "b/…")');
      }
    }
  }
}
