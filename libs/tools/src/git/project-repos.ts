import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { ToolError } from '../tool';
import { type GitResult, type GitRunOptions, runGit } from './git-exec';
import { checkCommitMessage, checkCommitish, checkPatchShape, checkRepoPath, IDEMPOTENCY_TRAILER, idempotencyTrailerValue } from './git-input';

/** Longest patch accepted (bytes of UTF-8). */
export const MAX_PATCH_BYTES = 1024 * 1024;
/** Longest diff returned (bytes); a longer one is cut at a line boundary and flagged. */
export const MAX_DIFF_BYTES = 256 * 1024;
/** Most paths a diff can be limited to, and most file names listed. */
export const MAX_DIFF_PATHS = 100;
const MAX_LISTED_FILES = 1000;
/** Each git command's deadline: well inside the tools' 15 s limit, so the tool reports its own timeout. */
const GIT_TIMEOUT_MS = 10_000;
/** Output of commands whose output we parse (hashes, names): generous, but bounded. */
const SMALL_OUTPUT = 1024 * 1024;
const MAIN = 'refs/heads/main';
/** Attempts when another process moved `main` between our read and our compare-and-swap. */
const MAX_COMMIT_ATTEMPTS = 3;

export interface DiffRequest {
  from?: string;
  to?: string;
  paths?: readonly string[];
}

export interface DiffResult {
  diff: string;
  truncated: boolean;
  files_changed: string[];
  from: string;
  to: string;
}

export interface ApplyRequest {
  patch: string;
  message: string;
  idempotencyKey: string;
}

export interface ApplyResult {
  commit: string;
  files_changed: string[];
  /** True when this call's key was already on a commit: that commit is returned and nothing is applied again. */
  already_applied: boolean;
}

/**
 * The platform's git repository per project: bare (no work tree on disk: patches are applied to a temporary index
 * and committed with `commit-tree`), created on first use with an empty initial commit on `main`, kept under one
 * root folder as `<project id>.git`.
 *
 * Writers are serialized per project in this process; across processes sharing the folder, `main` only moves by
 * compare-and-swap (`update-ref <new> <old>`), so a concurrent writer makes us re-check and retry instead of losing a
 * commit. Workers on different hosts each have their own folder: the repositories are not shared between them (D26).
 */
export class ProjectRepos {
  private readonly home: string;
  private readonly ready = new Set<string>();
  private readonly queues = new Map<string, Promise<void>>();

  constructor(private readonly root: string) {
    this.home = join(root, '.home');
  }

  /** The unified diff between two commits of the project's repository, optionally limited to some paths. */
  async diff(projectId: string, request: DiffRequest, signal?: AbortSignal): Promise<DiffResult> {
    const to = checkCommitish(request.to ?? 'HEAD', 'to');
    const from = request.from === undefined ? undefined : checkCommitish(request.from, 'from');
    const paths = (request.paths ?? []).map(checkRepoPath);
    if (paths.length > MAX_DIFF_PATHS) throw new ToolError('E_VALIDATION', `at most ${MAX_DIFF_PATHS} paths`);
    const gitDir = await this.ensure(projectId, signal);
    const git = (args: string[], maxOutputBytes = SMALL_OUTPUT) => this.git(gitDir, args, { maxOutputBytes, signal });
    const toCommit = await this.resolveCommit(gitDir, to, 'to', signal);
    // Without `from`, the commit's parent; the first commit is compared with the empty tree.
    const fromId =
      from !== undefined
        ? await this.resolveCommit(gitDir, from, 'from', signal)
        : ((await this.parentOf(gitDir, toCommit, signal)) ?? (await this.emptyTree(gitDir, signal)));
    const pathArgs = ['--', ...paths];
    const patch = await git(
      ['diff-tree', '-r', '-p', '--no-color', '--no-ext-diff', '--no-textconv', '--no-renames', fromId, toCommit, ...pathArgs],
      MAX_DIFF_BYTES,
    );
    if (patch.code !== 0 && !patch.truncated) throw failure('git diff-tree', patch, this.root);
    const names = await git(['diff-tree', '-r', '-z', '--name-only', '--no-renames', fromId, toCommit, ...pathArgs]);
    if (names.code !== 0) throw failure('git diff-tree', names, this.root);
    return {
      diff: patch.truncated ? cutAtLine(patch.stdout) : patch.stdout.toString('utf8'),
      truncated: patch.truncated,
      files_changed: splitZ(names.stdout).slice(0, MAX_LISTED_FILES),
      from: fromId,
      to: toCommit,
    };
  }

  /**
   * Applies a unified diff on top of `main` and commits it, all or nothing: `git apply --check` first, so a patch that
   * does not apply changes nothing. The commit carries the call's idempotency key as a trailer; a retry of the same call
   * finds that commit and returns it instead of applying the patch twice.
   */
  async applyPatch(projectId: string, request: ApplyRequest, signal?: AbortSignal): Promise<ApplyResult> {
    const message = checkCommitMessage(request.message);
    if (request.patch.trim().length === 0) throw new ToolError('E_VALIDATION', 'patch must not be empty');
    if (Buffer.byteLength(request.patch) > MAX_PATCH_BYTES) throw new ToolError('E_VALIDATION', `patch must be at most ${MAX_PATCH_BYTES} bytes`);
    checkPatchShape(request.patch);
    const trailer = `${IDEMPOTENCY_TRAILER}: ${idempotencyTrailerValue(request.idempotencyKey)}`;
    const gitDir = await this.ensure(projectId, signal);
    return this.exclusive(gitDir, async () => {
      for (let attempt = 1; ; attempt++) {
        const earlier = await this.commitWithTrailer(gitDir, trailer, signal);
        if (earlier) return { commit: earlier, files_changed: await this.filesOf(gitDir, earlier, signal), already_applied: true };
        const head = await this.resolveCommit(gitDir, MAIN, 'main', signal);
        const commit = await this.commitPatch(gitDir, head, request.patch, `${message}\n\n${trailer}\n`, signal);
        const moved = await this.git(gitDir, ['update-ref', '-m', 'omniai: git.apply_patch', MAIN, commit, head], { signal });
        if (moved.code === 0) return { commit, files_changed: await this.filesOf(gitDir, commit, signal), already_applied: false };
        // Another process moved main since we read it: look for our key again (it may have been that process) and retry.
        if (attempt >= MAX_COMMIT_ATTEMPTS) throw new ToolError('E_CONFLICT', 'the repository kept changing while the patch was being committed; try again');
      }
    });
  }

  /** The folder of the project's repository (exposed for tests and operators). */
  gitDirOf(projectId: string): string {
    if (!/^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$/.test(projectId)) throw new Error(`not a project id: ${projectId.slice(0, 100)}`);
    return join(this.root, `${projectId}.git`);
  }

  /** Builds the commit object for `patch` on top of `head` in a temporary index; `main` is not touched. */
  private async commitPatch(gitDir: string, head: string, patch: string, message: string, signal?: AbortSignal): Promise<string> {
    const scratch = await mkdtemp(join(this.root, '.tmp', 'apply-'));
    try {
      const env = { GIT_INDEX_FILE: join(scratch, 'index') };
      const git = (args: string[], input?: string) => this.git(gitDir, args, { env, signal, ...(input === undefined ? {} : { input }) });
      const applyArgs = ['apply', '--cached', '--recount', '--whitespace=nowarn'];
      // Every path the patch names, as git will use them, checked by our rules before anything is applied.
      const stat = await git(['apply', '--numstat', '-z', '--recount', '-'], patch);
      if (stat.code !== 0) throw new ToolError('E_TOOL_FAILED', `the patch could not be read: ${gitMessage(stat.stderr, this.root)}`);
      for (const path of numstatPaths(stat.stdout)) checkRepoPath(path);
      const read = await git(['read-tree', head]);
      if (read.code !== 0) throw failure('git read-tree', read, this.root);
      const check = await git([...applyArgs, '--check', '-'], patch);
      if (check.code !== 0)
        throw new ToolError('E_TOOL_FAILED', `the patch does not apply to main (${head.slice(0, 12)}): ${gitMessage(check.stderr, this.root)}`);
      const applied = await git([...applyArgs, '-'], patch);
      if (applied.code !== 0)
        throw new ToolError('E_TOOL_FAILED', `the patch does not apply to main (${head.slice(0, 12)}): ${gitMessage(applied.stderr, this.root)}`);
      const tree = await git(['write-tree']);
      if (tree.code !== 0) throw failure('git write-tree', tree, this.root);
      const treeId = tree.stdout.toString('utf8').trim();
      const headTree = await git(['rev-parse', '--verify', `${head}^{tree}`]);
      if (headTree.stdout.toString('utf8').trim() === treeId) throw new ToolError('E_TOOL_FAILED', 'the patch changes nothing');
      const commit = await git(['commit-tree', treeId, '-p', head, '-F', '-'], message);
      if (commit.code !== 0) throw failure('git commit-tree', commit, this.root);
      return commit.stdout.toString('utf8').trim();
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  }

  /** The commit on `main` whose message carries exactly this trailer line, if any. */
  private async commitWithTrailer(gitDir: string, trailer: string, signal?: AbortSignal): Promise<string | null> {
    const found = await this.git(gitDir, ['log', '--fixed-strings', `--grep=${trailer}`, '--format=%H%x00%B%x00', MAIN], { signal });
    if (found.code !== 0) throw failure('git log', found, this.root);
    const fields = splitZ(found.stdout);
    for (let i = 0; i + 1 < fields.length; i += 2) {
      // --grep matches substrings; only a whole trailer line counts (key "r/c1" must not match "r/c10").
      if (fields[i + 1]!.split('\n').some((line) => line === trailer)) return fields[i]!.trim();
    }
    return null;
  }

  private async filesOf(gitDir: string, commit: string, signal?: AbortSignal): Promise<string[]> {
    const parent = (await this.parentOf(gitDir, commit, signal)) ?? (await this.emptyTree(gitDir, signal));
    const names = await this.git(gitDir, ['diff-tree', '-r', '-z', '--name-only', '--no-renames', parent, commit], { signal });
    if (names.code !== 0) throw failure('git diff-tree', names, this.root);
    return splitZ(names.stdout).slice(0, MAX_LISTED_FILES);
  }

  private async resolveCommit(gitDir: string, rev: string, field: string, signal?: AbortSignal): Promise<string> {
    const r = await this.git(gitDir, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${rev}^{commit}`], { signal });
    if (r.code !== 0) throw new ToolError('E_NOT_FOUND', `${field}: no commit ${rev} in the project repository`);
    return r.stdout.toString('utf8').trim();
  }

  private async parentOf(gitDir: string, commit: string, signal?: AbortSignal): Promise<string | null> {
    const r = await this.git(gitDir, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${commit}^1^{commit}`], { signal });
    return r.code === 0 ? r.stdout.toString('utf8').trim() : null;
  }

  /** The id of the empty tree in this repository's hash algorithm (written, so that it certainly exists). */
  private async emptyTree(gitDir: string, signal?: AbortSignal): Promise<string> {
    const r = await this.git(gitDir, ['hash-object', '-t', 'tree', '-w', '--stdin'], { signal });
    if (r.code !== 0) throw failure('git hash-object', r, this.root);
    return r.stdout.toString('utf8').trim();
  }

  /**
   * The project's repository, created on first use: `git init --bare -b main` and an empty initial commit. Safe when
   * several processes race: init is idempotent and `main` is created only if it does not exist yet.
   */
  private async ensure(projectId: string, signal?: AbortSignal): Promise<string> {
    const gitDir = this.gitDirOf(projectId);
    if (this.ready.has(gitDir)) return gitDir;
    await this.exclusive(gitDir, async () => {
      if (this.ready.has(gitDir)) return;
      await mkdir(this.home, { recursive: true, mode: 0o700 });
      await mkdir(join(this.root, '.tmp'), { recursive: true, mode: 0o700 });
      await mkdir(gitDir, { recursive: true, mode: 0o700 });
      if (!existsSync(join(gitDir, 'HEAD'))) {
        const init = await this.git(gitDir, ['init', '--bare', '--quiet', '-b', 'main'], { signal });
        if (init.code !== 0) throw failure('git init', init, this.root);
      }
      const main = await this.git(gitDir, ['rev-parse', '--verify', '--quiet', `${MAIN}^{commit}`], { signal });
      if (main.code !== 0) {
        const tree = await this.emptyTree(gitDir, signal);
        const commit = await this.git(gitDir, ['commit-tree', tree, '-F', '-'], { input: 'Create the project repository\n', signal });
        if (commit.code !== 0) throw failure('git commit-tree', commit, this.root);
        // An empty old value: create main only if nobody else has meanwhile.
        const created = await this.git(gitDir, ['update-ref', '-m', 'omniai: create', MAIN, commit.stdout.toString('utf8').trim(), ''], { signal });
        const now = await this.git(gitDir, ['rev-parse', '--verify', '--quiet', `${MAIN}^{commit}`], { signal });
        if (created.code !== 0 && now.code !== 0) throw failure('git update-ref', created, this.root);
      }
      this.ready.add(gitDir);
    });
    return gitDir;
  }

  private async git(gitDir: string, args: string[], options: Partial<Pick<GitRunOptions, 'input' | 'env' | 'maxOutputBytes' | 'signal'>>): Promise<GitResult> {
    let result: GitResult;
    try {
      result = await runGit(args, {
        gitDir,
        home: this.home,
        timeoutMs: GIT_TIMEOUT_MS,
        maxOutputBytes: options.maxOutputBytes ?? SMALL_OUTPUT,
        ...(options.input === undefined ? {} : { input: options.input }),
        ...(options.env ? { env: options.env } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
      });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new Error('git is not installed on this worker (run npm run setup)');
      throw err;
    }
    if (result.timedOut) throw new ToolError('E_TOOL_TIMEOUT', `git ${args[0]} took longer than ${GIT_TIMEOUT_MS / 1000} s and was stopped`);
    if (options.signal?.aborted) throw new ToolError('E_TOOL_FAILED', 'the call was cancelled');
    return result;
  }

  /** Runs `fn` after every earlier call for the same repository has finished (one writer at a time per project). */
  private async exclusive<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.queues.get(key) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((resolve) => (release = resolve));
    const tail = previous.then(() => mine);
    this.queues.set(key, tail);
    try {
      await previous;
      return await fn();
    } finally {
      release();
      if (this.queues.get(key) === tail) this.queues.delete(key);
    }
  }
}

function splitZ(out: Buffer): string[] {
  return out
    .toString('utf8')
    .split('\0')
    .filter((s) => s.length > 0);
}

/**
 * Paths named by `git apply --numstat -z`: `added\tdeleted\tpath\0` per file, or for a rename or copy
 * `added\tdeleted\t\0old\0new\0`.
 */
function numstatPaths(out: Buffer): string[] {
  const fields = out.toString('utf8').split('\0');
  const paths: string[] = [];
  for (let i = 0; i < fields.length; i++) {
    const field = fields[i]!;
    if (field === '') continue;
    const parts = field.split('\t');
    if (parts.length < 3) continue;
    const path = parts.slice(2).join('\t');
    if (path !== '') paths.push(path);
    else {
      paths.push(fields[i + 1] ?? '', fields[i + 2] ?? '');
      i += 2;
    }
  }
  return paths;
}

/** A diff cut at the cap: keep whole lines only, so no line (or UTF-8 character) is half there. */
function cutAtLine(out: Buffer): string {
  const end = out.lastIndexOf(0x0a);
  return out.subarray(0, end < 0 ? 0 : end + 1).toString('utf8');
}

/** git's own explanation, first lines only, with our folders replaced so no server path reaches the model. */
function gitMessage(stderr: string, root: string): string {
  const lines = stderr
    .split(root)
    .join('<repo>')
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .slice(0, 5);
  return (lines.join('; ') || 'no details').slice(0, 1000);
}

function failure(what: string, result: GitResult, root: string): ToolError {
  return new ToolError('E_TOOL_FAILED', `${what} failed: ${gitMessage(result.stderr, root)}`);
}
