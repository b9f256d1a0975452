import type Docker from 'dockerode';
import { hostname } from 'node:os';
import { Writable } from 'node:stream';
import { EGRESS_PROXY_URL, EGRESS_RELAY, EGRESS_SOCKET_IN_CONTAINER } from './egress-relay';
import { SANDBOX_LABEL, SANDBOX_OWNER_LABEL } from './sandbox-image';
import { DEFAULT_SESSION_LIMITS, type SandboxSession, type SandboxSessionJob, startSession } from './sandbox-session';

/** Resource limits for one sandboxed call. Defaults are deliberately small. */
export interface SandboxLimits {
  memoryBytes: number;
  /** CPU quota in billionths of a CPU (1e9 = one core). */
  nanoCpus: number;
  pidsLimit: number;
  timeoutMs: number;
  /** stdout and stderr are each truncated beyond this many bytes. */
  outputCapBytes: number;
}

export const DEFAULT_SANDBOX_LIMITS: SandboxLimits = {
  memoryBytes: 128 * 1024 * 1024,
  nanoCpus: 500_000_000,
  pidsLimit: 64,
  timeoutMs: 30_000,
  outputCapBytes: 256 * 1024,
};

export interface SandboxJob {
  image: string;
  /** Passed as argv, never through a shell. */
  argv: string[];
  limits?: Partial<SandboxLimits>;
  /** Extra labels (run id, activity id) for tracing and garbage collection. */
  labels?: Record<string, string>;
  /**
   * The call's way out, when an egress grant applies: the egress proxy's Unix socket for this call (on the engine's
   * host). It is mounted into the container and a relay (python3, so the image needs it) serves it on
   * 127.0.0.1:3128, named by `HTTP_PROXY`/`HTTPS_PROXY`. The container keeps `NetworkMode: none` either way (D32).
   */
  egress?: { socketPath: string };
}

export interface SandboxResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  stdoutTruncated: boolean;
  stderrTruncated: boolean;
  timedOut: boolean;
  /** The kernel killed the process for exceeding the memory limit. */
  oomKilled: boolean;
  durationMs: number;
}

/** Both spellings: tools differ in which one they read. Node (24+) reads them only when NODE_USE_ENV_PROXY is set. */
const PROXY_ENV = [...['HTTP_PROXY', 'HTTPS_PROXY', 'http_proxy', 'https_proxy'].map((name) => `${name}=${EGRESS_PROXY_URL}`), 'NODE_USE_ENV_PROXY=1'];

/** Keeps the first `cap` bytes written to it and remembers whether more arrived. */
class CappedSink extends Writable {
  private readonly chunks: Buffer[] = [];
  private size = 0;
  truncated = false;

  constructor(private readonly cap: number) {
    super();
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, done: (error?: Error | null) => void): void {
    const room = this.cap - this.size;
    if (chunk.length > room) this.truncated = true;
    if (room > 0) {
      const kept = chunk.subarray(0, room);
      this.chunks.push(kept);
      this.size += kept.length;
    }
    done();
  }

  text(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }
}

/** What {@link hardenedContainer} needs of a job: a one-shot call and a long-lived session share it. */
export interface HardenedJob {
  image: string;
  argv: string[];
  /** Extra environment variables (never `HTTP(S)_PROXY`: those name the egress relay when there is one). */
  env?: Record<string, string>;
  egress?: { socketPath: string };
}

/**
 * The container every sandboxed process gets, call or session alike: no network (at most the egress relay to the
 * call's proxy socket), read-only root, tmpfs work dir, every capability dropped, no-new-privileges, an unprivileged
 * user, no log driver, memory/CPU/pids limits. Attach and stdin options are the caller's.
 */
export function hardenedContainer(
  job: HardenedJob,
  limits: Pick<SandboxLimits, 'memoryBytes' | 'nanoCpus' | 'pidsLimit'>,
  labels: Record<string, string>,
): Docker.ContainerCreateOptions {
  const extraEnv = Object.entries(job.env ?? {}).map(([name, value]) => {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name) || value.includes('\0')) throw new Error(`invalid environment variable name or value: ${name.slice(0, 100)}`);
    return `${name}=${value}`;
  });
  return {
    Image: job.image,
    Cmd: job.egress ? ['python3', '-I', '-S', '-c', EGRESS_RELAY, ...job.argv] : job.argv,
    User: '65534:65534',
    WorkingDir: '/work',
    Env: ['HOME=/work', 'PYTHONDONTWRITEBYTECODE=1', ...extraEnv, ...(job.egress ? PROXY_ENV : [])],
    Labels: labels,
    NetworkDisabled: true,
    HostConfig: {
      NetworkMode: 'none',
      ...(job.egress ? { Binds: [`${job.egress.socketPath}:${EGRESS_SOCKET_IN_CONTAINER}:ro`] } : {}),
      ReadonlyRootfs: true,
      Tmpfs: {
        '/work': 'rw,nosuid,nodev,size=64m,uid=65534,gid=65534,mode=0700',
        '/tmp': 'rw,nosuid,nodev,noexec,size=16m,mode=1777',
      },
      CapDrop: ['ALL'],
      SecurityOpt: ['no-new-privileges'],
      Memory: limits.memoryBytes,
      MemorySwap: limits.memoryBytes,
      NanoCpus: limits.nanoCpus,
      PidsLimit: limits.pidsLimit,
      IpcMode: 'none',
      Privileged: false,
      // No log driver: a tool printing without end would otherwise fill the host disk through the daemon's json log.
      // Output is read through attach, which does not need one.
      LogConfig: { Type: 'none', Config: {} },
    },
  };
}

/**
 * Runs untrusted commands in a fresh, locked-down container per call: no network (at most a relay to the call's
 * egress proxy socket), read-only root, tmpfs work dir,
 * every capability dropped, no-new-privileges, the engine's default seccomp filter (asserted by the preflight and the
 * system check), no log driver, an unprivileged user, and memory/CPU/pids/time limits.
 */
export class DockerSandbox {
  private readonly host = hostname();
  private readonly owner = `${this.host}/${process.pid}`;

  constructor(private readonly docker: Docker) {}

  async run(job: SandboxJob): Promise<SandboxResult> {
    const limits = { ...DEFAULT_SANDBOX_LIMITS, ...job.limits };
    const started = Date.now();
    const container = await this.docker.createContainer({
      ...hardenedContainer(job, limits, { ...job.labels, [SANDBOX_LABEL]: '1', [SANDBOX_OWNER_LABEL]: this.owner }),
      AttachStdout: true,
      AttachStderr: true,
    });
    const stdout = new CappedSink(limits.outputCapBytes);
    const stderr = new CappedSink(limits.outputCapBytes);
    let timedOut = false;
    try {
      const stream = await container.attach({ stream: true, stdout: true, stderr: true });
      const drained = new Promise<void>((resolve) => stream.on('end', resolve));
      this.docker.modem.demuxStream(stream, stdout, stderr);
      await container.start();
      const timer = setTimeout(() => {
        timedOut = true;
        container.kill({ signal: 'SIGKILL' }).catch(() => undefined);
      }, limits.timeoutMs);
      let exit: { StatusCode: number };
      try {
        exit = (await container.wait()) as { StatusCode: number };
      } finally {
        clearTimeout(timer);
      }
      await Promise.race([drained, new Promise((r) => setTimeout(r, 1_000))]);
      const state = (await container.inspect().catch(() => null))?.State;
      return {
        oomKilled: state?.OOMKilled === true,
        exitCode: exit.StatusCode,
        stdout: stdout.text(),
        stderr: stderr.text(),
        stdoutTruncated: stdout.truncated,
        stderrTruncated: stderr.truncated,
        timedOut,
        durationMs: Date.now() - started,
      };
    } finally {
      await container.remove({ force: true }).catch(() => undefined);
    }
  }

  /**
   * Starts a long-lived process (an MCP server over stdio) in a container hardened exactly like {@link run}'s, with
   * stdin held open and stdout/stderr attached. It carries the sandbox's labels, so the reaping below covers it. The
   * caller closes it; nothing here stops it on a timer.
   */
  async openSession(job: SandboxSessionJob): Promise<SandboxSession> {
    const limits = { ...DEFAULT_SESSION_LIMITS, ...job.limits };
    const container = await this.docker.createContainer({
      ...hardenedContainer(job, limits, { ...job.labels, [SANDBOX_LABEL]: '1', [SANDBOX_OWNER_LABEL]: this.owner }),
      AttachStdin: true,
      AttachStdout: true,
      AttachStderr: true,
      OpenStdin: true,
      StdinOnce: false,
      Tty: false,
    });
    return startSession(this.docker, container, limits.stderrTailBytes);
  }

  /**
   * Removes containers left behind by a crashed process on this host: those whose owner process no longer exists.
   * Containers of live processes (another worker, a test) and of other hosts sharing the engine are left alone.
   * `extraLabel` (`key=value`) narrows the sweep further. Returns how many were removed.
   */
  async reapOrphans(extraLabel?: string): Promise<number> {
    const filters = { label: [`${SANDBOX_LABEL}=1`, ...(extraLabel ? [extraLabel] : [])] };
    const candidates = await this.docker.listContainers({ all: true, filters });
    const orphans = candidates.filter((c) => this.isOrphan(c.Labels[SANDBOX_OWNER_LABEL]));
    await this.removeAll(orphans);
    return orphans.length;
  }

  /** Removes every container carrying `label` (`key=value`), e.g. a crashed attempt of the same tool call. */
  async removeByLabel(label: string): Promise<number> {
    const found = await this.docker.listContainers({ all: true, filters: { label: [`${SANDBOX_LABEL}=1`, label] } });
    await this.removeAll(found);
    return found.length;
  }

  /** Force-removes these containers; one already gone (another sweep, the engine itself) is no error. */
  private async removeAll(containers: { Id: string }[]): Promise<void> {
    await Promise.all(
      containers.map((c) =>
        this.docker
          .getContainer(c.Id)
          .remove({ force: true })
          .catch(() => undefined),
      ),
    );
  }

  private isOrphan(owner: string | undefined): boolean {
    if (!owner) return true; // created before owners were recorded
    const slash = owner.lastIndexOf('/');
    const pid = Number(owner.slice(slash + 1));
    if (owner.slice(0, slash) !== this.host || !Number.isInteger(pid) || pid <= 0) return false;
    if (pid === process.pid) return false;
    return !processExists(pid);
  }
}

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
