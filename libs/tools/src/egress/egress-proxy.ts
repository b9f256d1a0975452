import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import * as http from 'node:http';
import { type Socket, connect as tcpConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import { DEFAULT_EGRESS_PORTS, type EgressAllowValue } from '@omniai/contracts';
import { ToolError } from '../tool';
import { HostAllowlist } from './allowlist';
import { admittedBy, type ResolvedAddress, type UnsafeTestNetwork, resolveVetted, systemResolver } from './safe-fetch';

/** What one sandboxed call may reach through the proxy, and how much. */
export interface EgressGrant {
  /** Names the call in logs (the idempotency key `<run>/<call>`). */
  callId: string;
  /**
   * Allowlists a host must pass, every one of them: the tool manifest's `egress_hosts` and the workspace policy's
   * `egress_allow` (so the call reaches their intersection, patterns included, without computing it). A host may
   * resolve to private addresses when a matching entry of any list has `allow_private`: only the workspace policy can
   * say so (manifests name hosts as strings), and the host must still pass every list.
   */
  allowHosts: ReadonlyArray<readonly EgressAllowValue[]>;
  /** Bytes in both directions over every connection of the call; beyond it the call's connections are cut. */
  maxBytes: number;
  /** After this the call's connections are cut and new requests refused. */
  timeoutMs: number;
}

/** A request the proxy refused: the host as asked and why (never the internal address it resolved to). */
export interface EgressRefusal {
  host: string;
  reason: string;
}

/** One call's way out: a Unix socket only its container sees. */
export interface EgressSession {
  /** Bind-mount this into the call's container (the sandbox relays 127.0.0.1:3128 to it). */
  readonly socketPath: string;
  /** Refusals so far, in order (capped at 20). */
  readonly refusals: readonly EgressRefusal[];
  /** Bytes relayed so far, both directions. */
  bytes(): number;
  /** Stops accepting, cuts every connection of the call and removes the socket. */
  close(): Promise<void>;
}

export interface EgressProxyOptions {
  /**
   * Where the proxy makes its private (0700) folder of per-call sockets; default the OS temp dir. The Docker engine
   * must see the sockets under the same path (it bind-mounts them): a worker running in a container needs a host
   * folder mounted at the same path here.
   */
  parentDir?: string;
  /** Told about every refusal (for the worker's log). Never carries secrets: call id, host, reason. */
  onRefusal?: (entry: EgressRefusal & { callId: string }) => void;
  /** TEST ONLY, see {@link UnsafeTestNetwork}. */
  unsafeTestNetwork?: UnsafeTestNetwork;
}

/** Headers that belong to one hop and never travel on (RFC 9110 §7.6.1), plus the proxy's own. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

const MAX_CONNECTIONS_PER_CALL = 32;

/**
 * The egress proxy for sandboxed tool calls (D32): an HTTP forward proxy (absolute-URI requests for http, CONNECT
 * for https) run by the worker, reached by a container only through a Unix socket mounted into it for one call —
 * the container itself keeps `NetworkMode: none`. Every request and every CONNECT is checked on its own, so each
 * redirect the client follows is checked again: the host must be in all of the call's allowlists, the name is
 * resolved here and every answer vetted like `safeFetch` does (no loopback, private, link-local, metadata, …; a host
 * named by an `allow_private` entry may be loopback or private, never metadata), and the connection goes to that
 * vetted address (pinned). Refusals are a 403 whose body says why.
 */
export class EgressProxy {
  private readonly sessions = new Set<EgressSession>();

  private constructor(
    private readonly dir: string,
    private readonly options: EgressProxyOptions,
  ) {}

  static async start(options: EgressProxyOptions = {}): Promise<EgressProxy> {
    const dir = await mkdtemp(join(options.parentDir ?? tmpdir(), 'omni-egress-'));
    // Only the worker's user may reach the sockets through this folder; containers get the socket itself mounted.
    await chmod(dir, 0o700);
    return new EgressProxy(dir, options);
  }

  /** Opens a call's socket; close the session when the call ends. */
  async open(grant: EgressGrant): Promise<EgressSession> {
    const session: CallSession = new CallSession(join(this.dir, `${randomBytes(12).toString('hex')}.sock`), grant, this.options, () =>
      this.sessions.delete(session),
    );
    await session.listen();
    this.sessions.add(session);
    return session;
  }

  /** Closes every open session (the worker is shutting down) and removes the folder it made. */
  async close(): Promise<void> {
    await Promise.all([...this.sessions].map((s) => s.close()));
    await rm(this.dir, { recursive: true, force: true });
  }
}

class CallSession implements EgressSession {
  readonly refusals: EgressRefusal[] = [];
  private relayed = 0;
  private over: string | undefined;
  private readonly server: http.Server;
  private readonly sockets = new Set<Duplex>();
  private readonly allowlists: HostAllowlist[];
  private readonly deadline: AbortController = new AbortController();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    readonly socketPath: string,
    private readonly grant: EgressGrant,
    private readonly options: EgressProxyOptions,
    private readonly onClosed: () => void,
  ) {
    // A bad entry (already refused when the policy was saved) fails the call's requests, not the worker.
    this.allowlists = grant.allowHosts.map((list) => {
      try {
        return new HostAllowlist(list);
      } catch {
        return new HostAllowlist([]);
      }
    });
    this.server = http.createServer({ requestTimeout: grant.timeoutMs, headersTimeout: Math.min(grant.timeoutMs, 30_000) });
    this.server.maxConnections = MAX_CONNECTIONS_PER_CALL;
    this.server.on('connection', (socket: Socket) => this.track(socket));
    // A failure in one request must never become an unhandled rejection in the worker: the connection just ends.
    this.server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => this.forward(req, res).catch(() => res.destroy()));
    this.server.on('connect', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => this.tunnel(req, socket, head).catch(() => socket.destroy()));
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.socketPath, () => resolve());
    });
    // The container runs as an unprivileged user; the folder around the socket keeps everyone else on the host out.
    await chmod(this.socketPath, 0o666);
    this.timer = setTimeout(() => this.cut(`the call's ${this.grant.timeoutMs} ms egress time is spent`), this.grant.timeoutMs);
    this.timer.unref();
  }

  bytes(): number {
    return this.relayed;
  }

  async close(): Promise<void> {
    this.onClosed();
    clearTimeout(this.timer);
    this.cut('the call ended');
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    await rm(this.socketPath, { force: true });
  }

  /** A plain-HTTP request with an absolute URI: checked, then sent to the pinned address; the answer streams back. */
  private async forward(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const raw = req.url ?? '';
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      return this.refuse(res, raw.slice(0, 100), 'this is a forward proxy: send an absolute http:// URL, or CONNECT for https', 400);
    }
    if (url.protocol !== 'http:') return this.refuse(res, url.host, `only http:// URLs are forwarded (use CONNECT for https), not ${url.protocol}`, 400);
    if (url.username || url.password) return this.refuse(res, url.host, 'URLs carrying a user name or password are not forwarded');
    const target = await this.vet(url.hostname, Number(url.port) || 80, res);
    if (!target) return;
    const headers: http.OutgoingHttpHeaders = {};
    const dropped = connectionTokens(req.headers.connection);
    for (const [name, value] of Object.entries(req.headers)) {
      if (!HOP_BY_HOP.has(name) && !dropped.has(name) && value !== undefined) headers[name] = value;
    }
    headers.host = url.host;
    headers.connection = 'close';
    const upstream = http.request(
      { method: req.method, path: `${url.pathname}${url.search}`, setHost: false, headers, createConnection: () => this.track(tcpConnect(target)) },
      (answer) => {
        const back: http.OutgoingHttpHeaders = {};
        const droppedBack = connectionTokens(answer.headers.connection);
        for (const [name, value] of Object.entries(answer.headers)) {
          if (!HOP_BY_HOP.has(name) && !droppedBack.has(name) && value !== undefined) back[name] = value;
        }
        // Nothing a remote server sends may throw here: this runs in the worker process.
        try {
          res.writeHead(answer.statusCode ?? 502, back);
        } catch {
          upstream.destroy();
          res.destroy();
          return;
        }
        answer.on('data', (chunk: Buffer) => this.count(chunk.length));
        answer.on('error', () => res.destroy());
        answer.pipe(res);
      },
    );
    upstream.on('error', () => {
      if (!res.headersSent) this.fail(res, url.host, `${url.host} could not be reached`);
      else res.destroy();
    });
    res.on('close', () => upstream.destroy());
    req.on('error', () => upstream.destroy());
    req.on('data', (chunk: Buffer) => this.count(chunk.length));
    req.pipe(upstream);
  }

  /** CONNECT host:port: checked like a request, then bytes are relayed both ways (TLS end to end, not inspected). */
  private async tunnel(req: http.IncomingMessage, client: Duplex, head: Buffer): Promise<void> {
    // The socket left the HTTP server's hands: its errors are ours to handle from the first moment.
    client.on('error', () => client.destroy());
    const authority = req.url ?? '';
    let url: URL;
    try {
      url = new URL(`http://${authority}`);
      if (!url.port || url.pathname !== '/' || url.username || url.password || url.search || url.hash) throw new Error();
    } catch {
      return this.refuseTunnel(client, authority.slice(0, 100), 'CONNECT needs host:port', 400);
    }
    const port = Number(url.port);
    const target = await this.vet(url.hostname, port, client);
    if (!target) return;
    const upstream = this.track(tcpConnect(target));
    upstream.once('connect', () => {
      client.write('HTTP/1.1 200 Connection established\r\n\r\n');
      if (head.length > 0) {
        this.count(head.length);
        upstream.write(head);
      }
      client.on('data', (chunk: Buffer) => this.count(chunk.length));
      upstream.on('data', (chunk: Buffer) => this.count(chunk.length));
      client.pipe(upstream);
      upstream.pipe(client);
    });
    upstream.on('error', () => {
      if (upstream.connecting) this.failTunnel(client, url.host, `${url.host} could not be reached`);
      else client.destroy();
    });
    client.on('error', () => upstream.destroy());
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  }

  /**
   * The address to connect to, or undefined after answering the refusal. The host must pass every allowlist; its
   * every DNS answer must be public (`resolveVetted`, shared with `safeFetch`); the connection goes to that address.
   */
  private async vet(hostname: string, port: number, reply: http.ServerResponse | Duplex): Promise<{ host: string; port: number } | undefined> {
    const refuse = (reason: string, status = 403) =>
      reply instanceof http.ServerResponse ? this.refuse(reply, hostname, reason, status) : this.refuseTunnel(reply, hostname, reason, status);
    if (this.over) return void refuse(this.over);
    // Plain HTTP and tunnels alike reach ports 80 and 443 only, unless every allowlist names the port (D44).
    const matches = this.allowlists.map((list) => list.match(hostname, port));
    if (!matches.every((m) => m !== undefined)) {
      return void refuse(`${DEFAULT_EGRESS_PORTS.includes(port) ? hostname : `${hostname}:${port}`} is not in this call's egress allowlist`);
    }
    const network = this.options.unsafeTestNetwork;
    let pinned: ResolvedAddress;
    try {
      const allowPrivate = matches.some((m) => m.allowPrivate);
      pinned = await resolveVetted(hostname, network?.resolve ?? systemResolver, this.deadline.signal, admittedBy({ allowPrivate }));
    } catch (err) {
      if (err instanceof ToolError && err.code === 'E_EGRESS_DENIED') return void refuse(err.message);
      return void refuse(err instanceof ToolError ? err.message : `could not resolve ${hostname}`, 502);
    }
    return network ? { host: '127.0.0.1', port: network.loopbackPortFor(pinned, port) } : { host: pinned.address, port };
  }

  private refuse(res: http.ServerResponse, host: string, reason: string, status = 403): void {
    if (status === 403) this.record(host, reason);
    const body = `OmniAI egress proxy refused ${host}: ${reason}\n`;
    res.writeHead(status, {
      'content-type': 'text/plain; charset=utf-8',
      'content-length': Buffer.byteLength(body),
      'x-omni-egress': 'refused',
      connection: 'close',
    });
    res.end(body);
  }

  private refuseTunnel(client: Duplex, host: string, reason: string, status = 403): void {
    if (status === 403) this.record(host, reason);
    const body = `OmniAI egress proxy refused ${host}: ${reason}\n`;
    const text = status === 403 ? 'Forbidden' : status === 400 ? 'Bad Request' : 'Bad Gateway';
    client.end(
      `HTTP/1.1 ${status} ${text}\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\nx-omni-egress: refused\r\nconnection: close\r\n\r\n${body}`,
    );
  }

  private fail(res: http.ServerResponse, host: string, reason: string): void {
    this.refuse(res, host, reason, 502);
  }

  private failTunnel(client: Duplex, host: string, reason: string): void {
    this.refuseTunnel(client, host, reason, 502);
  }

  private record(host: string, reason: string): void {
    if (this.refusals.length < 20) this.refusals.push({ host, reason });
    this.options.onRefusal?.({ callId: this.grant.callId, host, reason });
  }

  private count(n: number): void {
    this.relayed += n;
    if (this.relayed > this.grant.maxBytes && !this.over) {
      this.record('(every host)', `the call's ${this.grant.maxBytes}-byte egress budget is spent`);
      this.cut(`the call's ${this.grant.maxBytes}-byte egress budget is spent`);
    }
  }

  /** Refuses new requests from now on and cuts every open connection of the call. */
  private cut(reason: string): void {
    this.over ??= reason;
    this.deadline.abort(new Error(reason));
    for (const socket of this.sockets) socket.destroy();
  }

  private track<T extends Duplex>(socket: T): T {
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
    return socket;
  }
}

/** Header names listed in a `Connection` header are hop-by-hop too. */
function connectionTokens(value: string | string[] | undefined): Set<string> {
  const joined = Array.isArray(value) ? value.join(',') : (value ?? '');
  return new Set(
    joined
      .split(',')
      .map((t) => t.trim().toLowerCase())
      .filter(Boolean),
  );
}
