import { createHash } from 'node:crypto';
import type { EgressAllowValue, McpStdioTransport } from '@omniai/contracts';
import { type DockerSandbox, MCP_NODE_IMAGE, type SandboxSession, type SandboxSessionExit } from '@omniai/sandbox';
import {
  type EgressProxy,
  type EgressSession,
  type McpCallOutput,
  type McpServerCatalog,
  type McpProgress,
  type McpServerListing,
  McpStdioClient,
  ToolError,
} from '@omniai/tools';

/** Label naming the MCP server a session container serves (with the sandbox's own labels, so reaping covers it). */
export const MCP_SERVER_LABEL = 'ai.omni.mcp.server';
/** Label holding the first 16 digits of the session's spec hash. */
export const MCP_SPEC_LABEL = 'ai.omni.mcp.spec';

/**
 * A stdio MCP server as the hub stores it: the process runs in a sandboxed container (D59), one per server
 * session. `argv` is passed as is (no shell). The server reaches the network only through the egress proxy, to
 * hosts in both `egress_hosts` and the workspace's allowlist at the time the session starts.
 */
export interface McpStdioSpec {
  server_id: string;
  /** An image the admin names, or {@link MCP_NODE_IMAGE} (built by `npm run setup`). */
  image: string;
  argv: string[];
  env?: Record<string, string>;
  egress_hosts: string[];
  limits?: { memory_mb?: number; cpus?: number; pids?: number };
}

/** The spec of a stored stdio server (the hub's transport contract): the default image, `command` as argv. */
export function stdioSpecOf(serverId: string, transport: McpStdioTransport): McpStdioSpec {
  return {
    server_id: serverId,
    image: transport.image ?? MCP_NODE_IMAGE,
    argv: transport.command,
    ...(transport.env ? { env: transport.env } : {}),
    egress_hosts: transport.egress_hosts ?? [],
    limits: { memory_mb: transport.memory_mb ?? 256 },
  };
}

/** Options of one listing or call. */
export interface McpStdioCallOptions {
  /** For the whole exchange, including starting the session when none is running. */
  timeoutMs: number;
  /** The run was cancelled: the request is cancelled on the server (`notifications/cancelled`), the session stays. */
  signal?: AbortSignal;
  /** The workspace policy's `egress_allow` now; a session started under another allowlist is replaced. */
  workspaceAllow?: readonly EgressAllowValue[];
}

export interface McpStdioSessionsOptions {
  /** A session unused this long is stopped (default 5 min). */
  idleMs?: number;
  /** A session is replaced after this long even when busy, once its calls end (default 1 h). */
  maxLifetimeMs?: number;
  /** Bytes a session may move through the egress proxy over its life (default 256 MiB). */
  egressMaxBytes?: number;
}

/** What the pool tells about a live session (diagnostics, tests). */
export interface McpStdioSessionInfo {
  container_id: string;
  spec_hash: string;
  started_at: number;
  last_used_at: number;
  in_flight: number;
}

const DEFAULTS = { idleMs: 5 * 60_000, maxLifetimeMs: 60 * 60_000, egressMaxBytes: 256 * 1024 * 1024 };

/** The hash a session is keyed by: everything that shapes the process, and the allowlist its egress was opened with. */
export function stdioSpecHash(spec: McpStdioSpec, workspaceAllow: readonly EgressAllowValue[] = []): string {
  const canonical = {
    image: spec.image,
    argv: spec.argv,
    env: Object.entries(spec.env ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
    egress_hosts: [...spec.egress_hosts].sort(),
    limits: { memory_mb: spec.limits?.memory_mb ?? null, cpus: spec.limits?.cpus ?? null, pids: spec.limits?.pids ?? null },
    allow: workspaceAllow.map((entry) => JSON.stringify(entry)).sort(),
  };
  return createHash('sha256').update(JSON.stringify(canonical)).digest('hex');
}

interface Live {
  session: SandboxSession;
  client: McpStdioClient;
  egress: EgressSession | undefined;
}

interface Entry {
  serverId: string;
  hash: string;
  ready: Promise<Live>;
  live?: Live;
  /** The container, as soon as it runs (before the MCP connection is up). */
  session?: SandboxSession;
  exit?: SandboxSessionExit;
  /** The server's output ended (it exited or was stopped). */
  ended: boolean;
  inFlight: number;
  startedAt: number;
  lastUsed: number;
  idleTimer?: NodeJS.Timeout;
  lifeTimer?: NodeJS.Timeout;
  /** No new calls; closed once the running ones end. */
  retiring: boolean;
  /** We are stopping it (idle, replaced, closed): failures from now on are ours, not the server's. */
  stopping: boolean;
  closing?: Promise<void>;
}

/**
 * The worker's stdio MCP sessions: one sandboxed container per server (per spec and allowlist), started on first use
 * and kept with its initialized MCP connection, so calls, listings and `notifications/tools/list_changed` share it.
 * A session is stopped when idle, replaced when its spec or the allowlist changes or it grows too old, and every
 * session is stopped by {@link closeAll} (worker shutdown). Containers carry the sandbox labels, so a worker that
 * crashed leaves nothing the next start's `reapOrphans` misses.
 */
export class McpStdioSessions {
  private readonly entries = new Map<string, Entry>();
  /** Every entry not yet stopped, retired ones included (they may still be finishing calls). */
  private readonly running = new Set<Entry>();
  private readonly listeners = new Set<(serverId: string) => void>();
  private readonly options: Required<McpStdioSessionsOptions>;
  private closed = false;

  constructor(
    private readonly deps: { sandbox: DockerSandbox; egressProxy?: EgressProxy | undefined },
    options: McpStdioSessionsOptions = {},
  ) {
    this.options = { ...DEFAULTS, ...options };
  }

  /** `tools/list` of the server (its identity and every tool), live. */
  async listTools(spec: McpStdioSpec, options: McpStdioCallOptions): Promise<McpServerListing> {
    return this.use(spec, options, (client, request) => client.listing(request));
  }

  /** Tools, resources and prompts (the latter two only when the server offers them), live. */
  async listCatalog(spec: McpStdioSpec, options: McpStdioCallOptions): Promise<McpServerCatalog> {
    return this.use(spec, options, (client, request) => client.catalog(request));
  }

  /** `tools/call` on the server's session; `onProgress` gets the server's `notifications/progress` for this call. */
  async callTool(
    spec: McpStdioSpec,
    toolName: string,
    args: Record<string, unknown>,
    options: McpStdioCallOptions & { onProgress?: (progress: McpProgress) => void },
  ): Promise<McpCallOutput> {
    return this.use(spec, options, (client, request) => client.callTool(toolName, args, { ...request, onProgress: options.onProgress }));
  }

  /** Told the server's id on every `notifications/tools/list_changed` of a session. Returns the unsubscribe. */
  onToolsListChanged(listener: (serverId: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The live session of a server, if any. */
  sessionInfo(serverId: string): McpStdioSessionInfo | undefined {
    const entry = this.entries.get(serverId);
    if (!entry?.live || entry.ended) return undefined;
    return {
      container_id: entry.live.session.id,
      spec_hash: entry.hash,
      started_at: entry.startedAt,
      last_used_at: entry.lastUsed,
      in_flight: entry.inFlight,
    };
  }

  /** Stops the server's session now (calls in flight fail). The next use starts a new one. */
  async close(serverId: string): Promise<void> {
    const entry = this.entries.get(serverId);
    if (entry) await this.stop(entry);
  }

  /** Stops every session and refuses new ones (worker shutdown). */
  async closeAll(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.running].map((e) => this.stop(e)));
  }

  private async use<T>(
    spec: McpStdioSpec,
    options: McpStdioCallOptions,
    fn: (client: McpStdioClient, request: { timeoutMs: number; signal?: AbortSignal }) => Promise<T>,
  ): Promise<T> {
    const started = Date.now();
    const entry = this.acquire(spec, options.workspaceAllow ?? []);
    entry.inFlight += 1;
    clearTimeout(entry.idleTimer);
    try {
      const live = await untilDeadline(entry.ready, options.timeoutMs, options.signal, serverName(spec.server_id));
      const left = Math.max(1, options.timeoutMs - (Date.now() - started));
      try {
        return await fn(live.client, { timeoutMs: left, ...(options.signal ? { signal: options.signal } : {}) });
      } catch (err) {
        // The budget the caller gave, not what was left of it after the start.
        if (err instanceof ToolError && err.code === 'E_TOOL_TIMEOUT')
          throw new ToolError('E_TOOL_TIMEOUT', `no answer from ${serverName(spec.server_id)} within ${options.timeoutMs} ms`);
        throw await this.explain(entry, err);
      }
    } finally {
      this.release(entry);
    }
  }

  /** The server's current entry, or a new one (replacing one whose spec or allowlist differ). */
  private acquire(spec: McpStdioSpec, allow: readonly EgressAllowValue[]): Entry {
    if (this.closed) throw new ToolError('E_TOOL_FAILED', 'the worker is shutting down; no MCP server session can start');
    const hash = stdioSpecHash(spec, allow);
    const current = this.entries.get(spec.server_id);
    if (current && current.hash === hash && !current.ended && !current.retiring) return current;
    if (current) this.retire(current);
    const entry: Entry = {
      serverId: spec.server_id,
      hash,
      ready: undefined as unknown as Promise<Live>,
      ended: false,
      inFlight: 0,
      startedAt: Date.now(),
      lastUsed: Date.now(),
      retiring: false,
      stopping: false,
    };
    entry.ready = this.open(entry, spec, allow);
    // A failed start is reported to the callers waiting on it; the entry goes so the next use tries again.
    entry.ready.catch(() => {
      clearTimeout(entry.lifeTimer);
      this.running.delete(entry);
      if (this.entries.get(entry.serverId) === entry) this.entries.delete(entry.serverId);
    });
    this.entries.set(spec.server_id, entry);
    this.running.add(entry);
    entry.lifeTimer = setTimeout(() => this.retire(entry), this.options.maxLifetimeMs);
    entry.lifeTimer.unref();
    return entry;
  }

  private async open(entry: Entry, spec: McpStdioSpec, allow: readonly EgressAllowValue[]): Promise<Live> {
    checkSpec(spec);
    const proxy = this.deps.egressProxy;
    const egress =
      proxy && spec.egress_hosts.length > 0 && allow.length > 0
        ? await proxy.open({
            callId: `mcp/${spec.server_id}/${entry.hash.slice(0, 12)}`,
            allowHosts: [spec.egress_hosts, allow],
            maxBytes: this.options.egressMaxBytes,
            // The session's egress lasts as long as the session may.
            timeoutMs: this.options.maxLifetimeMs + 60_000,
          })
        : undefined;
    let session: SandboxSession | undefined;
    try {
      session = await this.deps.sandbox
        .openSession({
          image: spec.image,
          argv: spec.argv,
          ...(spec.env ? { env: spec.env } : {}),
          limits: {
            ...(spec.limits?.memory_mb ? { memoryBytes: spec.limits.memory_mb * 1024 * 1024 } : {}),
            ...(spec.limits?.cpus ? { nanoCpus: Math.round(spec.limits.cpus * 1e9) } : {}),
            ...(spec.limits?.pids ? { pidsLimit: spec.limits.pids } : {}),
          },
          labels: { [MCP_SERVER_LABEL]: spec.server_id, [MCP_SPEC_LABEL]: entry.hash.slice(0, 16) },
          ...(egress ? { egress: { socketPath: egress.socketPath } } : {}),
        })
        .catch((err: unknown) => {
          throw engineError(err, spec.image);
        });
      const opened = session;
      entry.session = opened;
      void opened.exited.then((exit) => {
        entry.exit = exit;
        entry.ended = true;
        void this.stop(entry, false);
      });
      opened.stdout.on('end', () => (entry.ended = true));
      const client = await McpStdioClient.connect(
        { readable: opened.stdout, writable: opened.stdin },
        {
          server: serverName(spec.server_id),
          // Starting covers the container and the server's own start (Node loading its modules on a small CPU share).
          timeoutMs: 60_000,
          onToolsListChanged: () => this.emit(spec.server_id),
          ended: () => (entry.ended ? endedText(entry, opened) : undefined),
        },
      ).catch(async (err: unknown) => {
        throw await this.explain(entry, err);
      });
      entry.live = { session: opened, client, egress };
      return entry.live;
    } catch (err) {
      await session?.close();
      await egress?.close();
      throw err;
    }
  }

  /** A failure after the server's output ended says how it ended (exit status, OOM, last stderr lines). */
  private async explain(entry: Entry, err: unknown): Promise<unknown> {
    if (!(err instanceof ToolError) || err.code !== 'E_TOOL_FAILED' || entry.stopping || !entry.ended) return err;
    // The exit status arrives just after the output ends.
    if (!entry.exit) await Promise.race([entry.session?.exited, new Promise((r) => setTimeout(r, 1_500))]);
    return new ToolError('E_TOOL_FAILED', `${serverName(entry.serverId)} ${endedText(entry, entry.session)}`);
  }

  private release(entry: Entry): void {
    entry.inFlight -= 1;
    entry.lastUsed = Date.now();
    if (entry.inFlight > 0) return;
    if (entry.retiring || entry.ended) {
      void this.stop(entry);
      return;
    }
    clearTimeout(entry.idleTimer);
    entry.idleTimer = setTimeout(() => {
      if (entry.inFlight === 0) void this.stop(entry);
    }, this.options.idleMs);
    entry.idleTimer.unref();
  }

  /** No new calls on this entry; it stops once its calls end. */
  private retire(entry: Entry): void {
    entry.retiring = true;
    if (this.entries.get(entry.serverId) === entry) this.entries.delete(entry.serverId);
    if (entry.inFlight === 0) void this.stop(entry);
  }

  /** Stops the entry's container and egress; `ours` unless the server exited by itself. */
  private stop(entry: Entry, ours = true): Promise<void> {
    if (ours) entry.stopping = true;
    entry.closing ??= (async () => {
      entry.retiring = true;
      clearTimeout(entry.idleTimer);
      clearTimeout(entry.lifeTimer);
      if (this.entries.get(entry.serverId) === entry) this.entries.delete(entry.serverId);
      const live = await entry.ready.catch(() => undefined);
      if (live) {
        await live.client.close();
        await live.session.close();
        await live.egress?.close();
      } // else a failed start cleaned up after itself
      this.running.delete(entry);
    })();
    return entry.closing;
  }

  private emit(serverId: string): void {
    for (const listener of this.listeners) {
      try {
        listener(serverId);
      } catch {
        // A listener's failure is its own; the session and the other listeners carry on.
      }
    }
  }
}

function serverName(serverId: string): string {
  return `the MCP server "${serverId}"`;
}

/** `exited with status 1 (…stderr…)`, `was stopped at its memory limit …`, or `stopped answering …`. */
function endedText(entry: Entry, session: SandboxSession | undefined): string {
  const tail = (session?.stderrTail() ?? '').trim().split('\n').slice(-8).join('\n').slice(-1500);
  const how = entry.exit
    ? entry.exit.oomKilled || entry.exit.exitCode === 137
      ? 'was stopped at its memory limit'
      : `exited with status ${entry.exit.exitCode}`
    : 'closed its output';
  return tail ? `${how}; its last output on stderr:\n${tail}` : `${how} (nothing on stderr)`;
}

function checkSpec(spec: McpStdioSpec): void {
  if (!spec.server_id) throw new ToolError('E_VALIDATION', 'a stdio MCP server needs an id');
  if (!spec.image) throw new ToolError('E_VALIDATION', `${serverName(spec.server_id)} names no image`);
  if (spec.argv.length === 0 || spec.argv.some((a) => typeof a !== 'string' || a.includes('\0')))
    throw new ToolError('E_VALIDATION', `${serverName(spec.server_id)} needs a command (argv) of plain strings`);
}

/** The engine's refusal as something an admin can act on. */
function engineError(err: unknown, image: string): ToolError {
  const e = err as { statusCode?: number; message?: string; code?: string };
  if (e.statusCode === 404 && /image/i.test(e.message ?? ''))
    return new ToolError(
      'E_TOOL_FAILED',
      image === MCP_NODE_IMAGE
        ? `the image ${image} is not on this Docker engine: run \`npm run setup\`, which builds it`
        : `the image ${image} is not on this Docker engine: load or build it there (there is no registry to pull from)`,
    );
  if (e.code === 'ENOENT' || e.code === 'ECONNREFUSED')
    return new ToolError('E_TOOL_FAILED', 'the Docker engine does not answer, so no stdio MCP server can start: run `npm run setup` or start Docker');
  if (err instanceof ToolError) return err;
  return new ToolError('E_TOOL_FAILED', `the sandbox could not start the MCP server: ${(e.message ?? String(err)).replace(/\s+/g, ' ').slice(0, 300)}`);
}

/** Waits for `promise` within the caller's budget (the session's start is shared, so it has its own). */
async function untilDeadline<T>(promise: Promise<T>, timeoutMs: number, signal: AbortSignal | undefined, server: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new ToolError('E_TOOL_TIMEOUT', `${server} did not start within ${timeoutMs} ms`)), timeoutMs);
        if (signal) {
          onAbort = () => reject(new ToolError('E_TOOL_FAILED', 'the call was cancelled'));
          if (signal.aborted) onAbort();
          else signal.addEventListener('abort', onAbort, { once: true });
        }
      }),
    ]);
  } finally {
    clearTimeout(timer);
    if (onAbort) signal?.removeEventListener('abort', onAbort);
  }
}
