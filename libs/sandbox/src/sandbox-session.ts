import type Docker from 'dockerode';
import { PassThrough, type Readable, Writable } from 'node:stream';

/** Limits of a long-lived session: those of a call without the time and output caps (the session's owner sets those). */
export interface SandboxSessionLimits {
  memoryBytes: number;
  /** CPU quota in billionths of a CPU (1e9 = one core). */
  nanoCpus: number;
  pidsLimit: number;
  /** The last this-many bytes of stderr are kept for error messages. */
  stderrTailBytes: number;
}

export const DEFAULT_SESSION_LIMITS: SandboxSessionLimits = {
  memoryBytes: 256 * 1024 * 1024,
  nanoCpus: 1_000_000_000,
  pidsLimit: 64,
  stderrTailBytes: 16 * 1024,
};

/** A process that stays up and talks over stdin/stdout (an MCP server over stdio), in a container like `run`'s. */
export interface SandboxSessionJob {
  image: string;
  /** Passed as argv, never through a shell. */
  argv: string[];
  /** Extra environment variables for the process (the proxy variables are the sandbox's own). */
  env?: Record<string, string>;
  limits?: Partial<SandboxSessionLimits>;
  /** Extra labels (server id, spec hash) for tracing and garbage collection. */
  labels?: Record<string, string>;
  /** As for `run`: the egress proxy's socket for this session, relayed on 127.0.0.1:3128 inside (D32). */
  egress?: { socketPath: string };
}

export interface SandboxSessionExit {
  exitCode: number;
  /** The kernel killed the process for exceeding the memory limit. */
  oomKilled: boolean;
}

/** A running sandboxed process with its stdio attached. */
export interface SandboxSession {
  /** The container's id. */
  readonly id: string;
  /** The process's stdin. */
  readonly stdin: Writable;
  /** The process's stdout (ends when the process does). */
  readonly stdout: Readable;
  /** The last bytes the process wrote to stderr (at most `stderrTailBytes`). */
  stderrTail(): string;
  /** Settles once the process has exited, for whatever reason (never rejects). */
  readonly exited: Promise<SandboxSessionExit>;
  /** Stops and removes the container; safe to call more than once. */
  close(): Promise<void>;
}

/** Keeps the last `cap` bytes written to it. */
export class TailSink extends Writable {
  private kept = Buffer.alloc(0);

  constructor(private readonly cap: number) {
    super();
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, done: (error?: Error | null) => void): void {
    const joined = Buffer.concat([this.kept, chunk]);
    this.kept = joined.length > this.cap ? joined.subarray(joined.length - this.cap) : joined;
    done();
  }

  text(): string {
    return this.kept.toString('utf8');
  }
}

/**
 * Attaches to a created (not yet started) container, starts it and returns it as a session. The container is removed
 * when anything here fails.
 */
export async function startSession(docker: Docker, container: Docker.Container, stderrTailBytes: number): Promise<SandboxSession> {
  let closed: Promise<void> | undefined;
  const remove = () =>
    (closed ??= container.remove({ force: true }).then(
      () => undefined,
      () => undefined,
    ));
  try {
    // hijack: one upgraded connection carries stdin one way and the multiplexed stdout/stderr the other.
    const stream = (await container.attach({ stream: true, hijack: true, stdin: true, stdout: true, stderr: true })) as NodeJS.ReadWriteStream &
      Writable & { destroy(): void };
    const stdout = new PassThrough();
    const stderr = new TailSink(stderrTailBytes);
    docker.modem.demuxStream(stream, stdout, stderr);
    stream.on('end', () => stdout.end());
    stream.on('close', () => stdout.end());
    // A write after the container is gone fails on the socket; the session's owner learns it from `exited`.
    stream.on('error', () => stdout.end());
    await container.start();
    const exited: Promise<SandboxSessionExit> = container.wait().then(
      async (r: { StatusCode: number }) => {
        const state = (await container.inspect().catch(() => null))?.State;
        return { exitCode: r.StatusCode, oomKilled: state?.OOMKilled === true };
      },
      // The container was removed under us (close, a sweep): no status to report.
      () => ({ exitCode: -1, oomKilled: false }),
    );
    const stdin = stream as unknown as Writable;
    return {
      id: container.id,
      stdin,
      stdout,
      stderrTail: () => stderr.text(),
      exited,
      close: async () => {
        await remove();
        stream.destroy();
        stdout.end();
      },
    };
  } catch (err) {
    await remove();
    throw err;
  }
}
