import { spawn } from 'node:child_process';

/** The identity every platform commit carries: commits are made by the platform on a reviewer's approval. */
export const GIT_AUTHOR = { name: 'OmniAI', email: 'omniai@localhost' } as const;

/**
 * Options every git invocation starts with. Hooks and the repository's own config are ours, but a defence that does
 * not depend on that is cheaper than an audit: no hooks (`core.hooksPath=/dev/null`), no transport of any kind
 * (`protocol.allow=never`: nothing is ever fetched or pushed), no background gc or maintenance that would outlive the
 * call, no fsmonitor daemon, and pathspecs taken literally (`:(glob)` and friends are not interpreted).
 */
const GLOBAL_ARGS = [
  '-c',
  'core.hooksPath=/dev/null',
  '-c',
  'protocol.allow=never',
  '-c',
  'core.fsmonitor=false',
  '-c',
  'gc.auto=0',
  '-c',
  'maintenance.auto=false',
  '-c',
  'core.attributesFile=/dev/null',
  '--literal-pathspecs',
  '--no-replace-objects',
] as const;

export interface GitRunOptions {
  /** The repository's git directory (the repositories are bare: there is no work tree). */
  gitDir: string;
  /** A private, empty folder used as HOME, so no user or global config is ever read. */
  home: string;
  /** Bytes written to git's stdin. */
  input?: string | Buffer;
  /** Extra environment (e.g. `GIT_INDEX_FILE` for a temporary index). */
  env?: Readonly<Record<string, string>>;
  /** Killed after this long. */
  timeoutMs: number;
  /** Stdout kept at most; past it git is stopped and `truncated` is set (stderr is always cut at 16 KiB). */
  maxOutputBytes: number;
  signal?: AbortSignal;
}

export interface GitResult {
  code: number;
  stdout: Buffer;
  stderr: string;
  /** Stdout went past `maxOutputBytes`: git was stopped and `stdout` holds the first bytes only. */
  truncated: boolean;
  timedOut: boolean;
}

const MAX_STDERR_BYTES = 16 * 1024;

/**
 * A clean environment: only PATH survives from ours. No system or global config (`GIT_CONFIG_NOSYSTEM`, HOME and
 * `GIT_CONFIG_GLOBAL`), no prompts, the repository named by `GIT_DIR` (no discovery), fixed identity and C locale (so
 * messages we match on are English).
 */
function gitEnv(options: GitRunOptions): NodeJS.ProcessEnv {
  return {
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    HOME: options.home,
    XDG_CONFIG_HOME: options.home,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_ATTR_NOSYSTEM: '1',
    GIT_TERMINAL_PROMPT: '0',
    GIT_DIR: options.gitDir,
    GIT_AUTHOR_NAME: GIT_AUTHOR.name,
    GIT_AUTHOR_EMAIL: GIT_AUTHOR.email,
    GIT_COMMITTER_NAME: GIT_AUTHOR.name,
    GIT_COMMITTER_EMAIL: GIT_AUTHOR.email,
    LC_ALL: 'C',
    LANG: 'C',
    ...options.env,
  };
}

/**
 * Runs `git <args>` as an argv array (never through a shell), with the clean environment above, a deadline, an
 * output cap and the caller's abort signal. Resolves with whatever git did; it is for the caller to judge the exit code.
 */
export function runGit(args: readonly string[], options: GitRunOptions): Promise<GitResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', [...GLOBAL_ARGS, ...args], {
      cwd: options.gitDir,
      env: gitEnv(options),
      stdio: ['pipe', 'pipe', 'pipe'],
      shell: false,
      windowsHide: true,
    });
    const out: Buffer[] = [];
    let outBytes = 0;
    let errText = '';
    let truncated = false;
    let timedOut = false;
    const stop = () => child.kill('SIGKILL');
    const timer = setTimeout(() => {
      timedOut = true;
      stop();
    }, options.timeoutMs);
    const onAbort = () => stop();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    child.stdout.on('data', (chunk: Buffer) => {
      if (truncated) return;
      if (outBytes + chunk.length > options.maxOutputBytes) {
        out.push(chunk.subarray(0, options.maxOutputBytes - outBytes));
        outBytes = options.maxOutputBytes;
        truncated = true;
        stop();
        return;
      }
      out.push(chunk);
      outBytes += chunk.length;
    });
    child.stderr.on('data', (chunk: Buffer) => {
      if (errText.length < MAX_STDERR_BYTES) errText += chunk.toString('utf8').slice(0, MAX_STDERR_BYTES - errText.length);
    });
    // git may exit before reading all of stdin (e.g. a refusal): that is its answer, not our failure.
    child.stdin.on('error', () => undefined);
    child.on('error', (err) => {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      reject(err);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      resolve({ code: code ?? -1, stdout: Buffer.concat(out, outBytes), stderr: errText, truncated, timedOut });
    });
    child.stdin.end(options.input ?? '');
  });
}
