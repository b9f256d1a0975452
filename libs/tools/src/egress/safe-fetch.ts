import { lookup } from 'node:dns/promises';
import * as http from 'node:http';
import * as https from 'node:https';
import { connect as tcpConnect, isIP } from 'node:net';
import { Readable, Transform, pipeline } from 'node:stream';
import { connect as tlsConnect } from 'node:tls';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import { ToolError } from '../tool';
import type { EgressAllowValue } from '@omniai/contracts';
import { type AddressCategory, classifyAddress, PRIVATE_NETWORK } from './address-policy';
import { effectivePort, type EgressMatch, HostAllowlist } from './allowlist';

/** Sent on every request, so that site owners can tell what is fetching their pages. */
export const USER_AGENT = 'OmniAI-fetch/0.1';

/** One DNS answer. */
export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Resolves a host name to every address it has (all of them are vetted, not just the one used). */
export type Resolver = (hostname: string) => Promise<readonly ResolvedAddress[]>;

/**
 * TEST ONLY: a stand-in network, so tests can reach a server on 127.0.0.1 without weakening the address policy.
 * `resolve` replaces DNS; its answers are vetted exactly like real ones (a name mapped to 127.0.0.1 is still
 * refused). Only after an address has passed the policy is the connection routed to `127.0.0.1:<loopbackPortFor()>`
 * instead of the address itself. IP-literal URLs never go through `resolve`, so `http://127.0.0.1/` stays refused.
 * Production code must never set this (a test scans the sources for it).
 */
export interface UnsafeTestNetwork {
  resolve: Resolver;
  loopbackPortFor(vetted: ResolvedAddress, port: number): number;
  /** PEM certificate(s) trusted instead of the system roots, for a test HTTPS server. Names are still verified. */
  trustedCa?: string;
}

export interface SafeFetchOptions {
  /**
   * Hosts this call may contact: `host`, `*.domain`, `*`, or `{ host, allow_private }` for a named host that may be
   * private (see {@link HostAllowlist}). Checked on every hop, each hop against its own host's entry.
   */
  allowHosts: readonly EgressAllowValue[];
  /** Body bytes kept (after decompression); the rest is not read and the result says `truncated`. */
  maxBytes: number;
  /** For the whole fetch: DNS, every redirect hop and the body. */
  timeoutMs: number;
  /** Redirects followed before giving up with `E_TOOL_RESOURCE_LIMIT`. */
  maxRedirects: number;
  /** Aborts the fetch (run cancelled, call timed out). */
  signal?: AbortSignal;
  /** The `Accept` header; default `*∕*`. */
  accept?: string;
  /**
   * Default GET. Redirects are followed for GET and HEAD only: for any other method the 3xx response itself is the
   * result, so a request body is never replayed to a place the caller did not name.
   */
  method?: SafeFetchMethod;
  /** Request body (not with GET or HEAD), sent with `Content-Length`. */
  body?: Buffer;
  /** The body's `Content-Type`. */
  contentType?: string;
  /**
   * Further request headers (a signature, a message id). Credentials, cookies, proxy headers and the headers safeFetch
   * sets itself are dropped (the same list as {@link vettedFetch}).
   */
  headers?: Readonly<Record<string, string>>;
  /**
   * One credential for the service the caller names (a web search backend's key: `Authorization: Bearer …`,
   * `X-Subscription-Token: …`), which `headers` would drop. Sent only to the origin of `url`: a redirect to another
   * origin goes on without it, so the key reaches only the host the caller configured, which the allowlist and the
   * address policy vet like any other. Never for tools, whose calls send no credentials.
   */
  credential?: { header: 'authorization' | 'x-subscription-token'; value: string };
  /** TEST ONLY, see {@link UnsafeTestNetwork}. */
  unsafeTestNetwork?: UnsafeTestNetwork;
}

export type SafeFetchMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface SafeFetchResponse {
  /** The URL as requested (normalized). */
  url: string;
  /** The URL of the response that was read, after redirects. */
  finalUrl: string;
  status: number;
  contentType: string | undefined;
  body: Buffer;
  /** True when the body was longer than `maxBytes` and was cut there. */
  truncated: boolean;
  /** Each redirect target followed, in order. */
  redirects: readonly string[];
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

const CATEGORY_TEXT: Readonly<Record<Exclude<AddressCategory, 'public'>, string>> = {
  loopback: 'a loopback address',
  private: 'a private-network address',
  link_local: 'a link-local address',
  metadata: 'a cloud metadata address',
  cgnat: 'a carrier-grade NAT address',
  unspecified: 'an unspecified address',
  multicast: 'a multicast address',
  broadcast: 'the broadcast address',
  reserved: 'a reserved address',
  documentation: 'a documentation-only address',
  not_an_ip: 'something that is not an IP address',
};

/** DNS through the operating system's resolver (`/etc/hosts` included), every answer. */
export const systemResolver: Resolver = async (hostname) =>
  (await lookup(hostname, { all: true, order: 'ipv4first' })).map(({ address, family }) => ({ address, family: family === 6 ? 6 : 4 }));

/**
 * Fetch a URL (GET unless `method` says otherwise) on behalf of a tool without letting it reach anything it should
 * not (SSRF):
 * only http(s); only hosts in `allowHosts`; every address the name resolves to must be public (or, for a host whose
 * entry has `allow_private`, loopback/private/link-local/CGNAT — never metadata), and the connection
 * goes to that vetted address (pinned: no second lookup, so no DNS-rebinding window); redirects are followed by
 * hand with the same checks on every hop (GET and HEAD only); the body is capped; the whole fetch has a deadline. No cookies,
 * credentials, proxies or connection reuse. Every failure is a {@link ToolError} with a user-safe message.
 */
export async function safeFetch(url: string, options: SafeFetchOptions): Promise<SafeFetchResponse> {
  checkLimits(options);
  let allowlist: HostAllowlist;
  try {
    allowlist = new HostAllowlist(options.allowHosts);
  } catch (err) {
    throw new ToolError('E_EGRESS_DENIED', (err as Error).message);
  }
  const start = parseUrl(url);
  const deadline = AbortSignal.timeout(options.timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, deadline]) : deadline;
  const redirects: string[] = [];
  let current = start;
  try {
    signal.throwIfAborted();
    for (;;) {
      const hop = await fetchOnce(current, allowlist, options, signal, current.origin === start.origin);
      if (hop.kind === 'final') {
        return { url: start.href, finalUrl: current.href, redirects, ...hop.response };
      }
      if (redirects.length >= options.maxRedirects) {
        throw new ToolError('E_TOOL_RESOURCE_LIMIT', `gave up after ${options.maxRedirects} redirects`);
      }
      current = hop.location;
      redirects.push(current.href);
    }
  } catch (err) {
    throw toToolError(err, { caller: options.signal, deadline, timeoutMs: options.timeoutMs, host: current.host });
  }
}

type Hop = { kind: 'redirect'; location: URL } | { kind: 'final'; response: Pick<SafeFetchResponse, 'status' | 'contentType' | 'body' | 'truncated'> };

/** One request, after every check; a redirect is reported, not followed. */
async function fetchOnce(url: URL, allowlist: HostAllowlist, options: SafeFetchOptions, signal: AbortSignal, sameOrigin: boolean): Promise<Hop> {
  const match = vetUrl(url, allowlist);
  const network = options.unsafeTestNetwork;
  const res = await send(url, await pinnedTarget(url, network, signal, admittedBy(match)), requestOf(options, sameOrigin), signal);
  const status = res.statusCode ?? 0;
  const location = res.headers.location;
  if (REDIRECT_STATUSES.has(status) && location !== undefined && followsRedirects(options)) {
    res.destroy();
    try {
      return { kind: 'redirect', location: new URL(location, url) };
    } catch {
      throw new ToolError('E_TOOL_FAILED', `${url.host} sent a redirect to an invalid URL`);
    }
  }
  const { body, truncated } = await readBody(res, options.maxBytes);
  return { kind: 'final', response: { status, contentType: res.headers['content-type'], body, truncated } };
}

function parseUrl(raw: string): URL {
  try {
    return new URL(raw);
  } catch {
    throw new ToolError('E_VALIDATION', 'not a valid absolute URL');
  }
}

/** Scheme, credentials and allowlist: everything that can be decided from the URL alone. Returns the matching entry's say. */
function vetUrl(url: URL, allowlist: HostAllowlist): EgressMatch {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ToolError('E_EGRESS_DENIED', `only http and https URLs can be fetched, not ${url.protocol}`);
  }
  if (url.username || url.password) throw new ToolError('E_EGRESS_DENIED', 'URLs carrying a user name or password are not fetched');
  // Ports other than 80 and 443 only when an entry names them (D44): url.host then shows the port.
  const match = allowlist.match(url.hostname, effectivePort(url));
  if (!match) throw new ToolError('E_EGRESS_DENIED', `${url.port ? url.host : url.hostname} is not in this call's egress allowlist`);
  return match;
}

const NOTHING_ELSE: ReadonlySet<AddressCategory> = new Set();

/**
 * The address categories a host may resolve to besides public ones: {@link PRIVATE_NETWORK} when its allowlist entry
 * has `allow_private` (D58), plus whatever the caller admits for every host (`loopback` for a local
 * provider preset, D44).
 */
export function admittedBy(match: EgressMatch, also: ReadonlySet<AddressCategory> = NOTHING_ELSE): ReadonlySet<AddressCategory> {
  return match.allowPrivate ? new Set([...also, ...PRIVATE_NETWORK]) : also;
}

/**
 * The address to connect to: an IP literal as written, or the first DNS answer, after checking that every answer is
 * public. One blocked answer refuses the host: otherwise a name with a public and a private address would let
 * whoever controls its DNS pick our target. Also used by the sandbox egress proxy (egress-proxy.ts).
 */
export async function resolveVetted(
  hostname: string,
  resolve: Resolver,
  signal: AbortSignal,
  /**
   * Categories admitted besides public addresses: `loopback` for local provider presets (D44), and
   * {@link PRIVATE_NETWORK} for a host whose allowlist entry has `allow_private` (see {@link admittedBy}). Metadata
   * addresses are never in either.
   */
  also: ReadonlySet<AddressCategory> = NOTHING_ELSE,
): Promise<ResolvedAddress> {
  const admitted = (v: ReturnType<typeof classifyAddress>) => v.allowed || also.has(v.category);
  const bare = hostname.startsWith('[') ? hostname.slice(1, -1) : hostname;
  if (isIP(bare)) {
    const verdict = classifyAddress(bare);
    if (!admitted(verdict)) throw new ToolError('E_EGRESS_DENIED', `${hostname} is ${describe(verdict.category)}; refused`);
    return { address: verdict.address, family: verdict.family === 6 ? 6 : 4 };
  }
  let answers: readonly ResolvedAddress[];
  try {
    answers = await untilAborted(resolve(hostname), signal);
  } catch (err) {
    if (signal.aborted) throw err;
    throw new ToolError('E_TOOL_FAILED', `could not resolve ${hostname}`);
  }
  if (answers.length === 0) throw new ToolError('E_TOOL_FAILED', `could not resolve ${hostname}`);
  const verdicts = answers.map((answer) => classifyAddress(answer.address));
  const blocked = verdicts.find((v) => !admitted(v));
  // The blocked address itself stays out of the message: it would map the internal network for the caller.
  if (blocked) throw new ToolError('E_EGRESS_DENIED', `${hostname} resolves to ${describe(blocked.category)}; refused`);
  const first = verdicts[0];
  if (!first) throw new ToolError('E_TOOL_FAILED', `could not resolve ${hostname}`);
  return { address: first.address, family: first.family === 6 ? 6 : 4 };
}

/** Where to connect for `url`: its vetted address (or, in tests, the loopback server standing in for it). */
async function pinnedTarget(
  url: URL,
  network: UnsafeTestNetwork | undefined,
  signal: AbortSignal,
  also: ReadonlySet<AddressCategory> = NOTHING_ELSE,
): Promise<Target> {
  const pinned = await resolveVetted(url.hostname, network?.resolve ?? systemResolver, signal, also);
  const port = effectivePort(url);
  const target = network ? { host: '127.0.0.1', port: network.loopbackPortFor(pinned, port) } : { host: pinned.address, port };
  return { ...target, ca: network?.trustedCa };
}

interface Target {
  host: string;
  port: number;
  ca: string | undefined;
}

function describe(category: AddressCategory): string {
  return category === 'public' ? 'a public address' : CATEGORY_TEXT[category];
}

/**
 * Sends the GET over a socket opened by us to `target` (the vetted address), never through an agent: no pooled
 * connection from another call, no proxy from the environment, no lookup of the name a second time. TLS still
 * verifies the certificate against the host name (SNI `servername`).
 */
function send(url: URL, target: Target, req: OutgoingRequest, signal: AbortSignal): Promise<http.IncomingMessage> {
  return new Promise((resolve, reject) => {
    const secure = url.protocol === 'https:';
    const name = url.hostname.replace(/\.$/, '');
    const servername = isIP(name.replace(/^\[|\]$/g, '')) ? undefined : name;
    const request = (secure ? https : http).request(
      {
        method: req.method,
        path: `${url.pathname}${url.search}`,
        setHost: false,
        headers: {
          ...req.headers,
          host: url.host,
          'user-agent': USER_AGENT,
          accept: req.accept,
          ...(req.body ? { 'content-type': req.contentType, 'content-length': String(req.body.length) } : {}),
          // Compressed bodies are still handled (see readBody), but asking for none keeps the byte cap honest.
          'accept-encoding': 'identity',
          connection: 'close',
        },
        signal,
        createConnection: () =>
          secure
            ? tlsConnect({ host: target.host, port: target.port, servername, ALPNProtocols: ['http/1.1'], ...(target.ca ? { ca: target.ca } : {}) })
            : tcpConnect({ host: target.host, port: target.port }),
      },
      resolve,
    );
    request.on('error', reject);
    request.end(req.body);
  });
}

interface OutgoingRequest {
  method: SafeFetchMethod;
  accept: string;
  body: Buffer | undefined;
  contentType: string;
  /** Further headers (vettedFetch's caller's); ours above override them. */
  headers?: Record<string, string>;
}

function requestOf(options: SafeFetchOptions, sameOrigin: boolean): OutgoingRequest {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(options.headers ?? {})) {
    const lower = name.toLowerCase();
    if (!DROPPED_HEADERS.has(lower) && !lower.startsWith('proxy-') && lower !== 'accept' && lower !== 'content-type') headers[lower] = value;
  }
  // After the caller's headers, so that none of them can stand in for the credential or carry it further.
  if (options.credential) {
    if (sameOrigin) headers[options.credential.header] = options.credential.value;
    else delete headers[options.credential.header];
  }
  return {
    method: options.method ?? 'GET',
    accept: options.accept ?? '*/*',
    body: options.body,
    contentType: options.contentType ?? 'application/octet-stream',
    headers,
  };
}

function followsRedirects(options: SafeFetchOptions): boolean {
  return options.method === undefined || options.method === 'GET' || options.method === 'HEAD';
}

function decoderFor(encoding: string): Transform | undefined {
  switch (encoding) {
    case '':
    case 'identity':
      return undefined;
    case 'gzip':
    case 'x-gzip':
      return createGunzip();
    case 'deflate':
      return createInflate();
    case 'br':
      return createBrotliDecompress();
    default:
      throw new ToolError('E_TOOL_FAILED', `the response uses an unsupported content encoding (${encoding})`);
  }
}

/** Reads at most `maxBytes` of the (decoded) body, then stops reading and closes the connection. */
async function readBody(res: http.IncomingMessage, maxBytes: number): Promise<{ body: Buffer; truncated: boolean }> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    const decoder = decoderFor((res.headers['content-encoding'] ?? '').trim().toLowerCase());
    const stream: Readable = decoder ? pipeline(res, decoder, () => undefined) : res;
    for await (const chunk of stream) {
      const buffer = chunk as Buffer;
      if (size + buffer.length > maxBytes) {
        chunks.push(buffer.subarray(0, maxBytes - size));
        return { body: Buffer.concat(chunks, maxBytes), truncated: true };
      }
      chunks.push(buffer);
      size += buffer.length;
    }
    return { body: Buffer.concat(chunks, size), truncated: false };
  } catch (err) {
    if (err instanceof ToolError) throw err;
    const code = (err as NodeJS.ErrnoException).code ?? '';
    if (code.startsWith('Z_') || code.startsWith('ERR__')) throw new ToolError('E_TOOL_FAILED', 'could not decode the response body');
    throw err;
  } finally {
    res.destroy();
  }
}

/** Settles with `promise`, or rejects as soon as `signal` aborts (DNS lookups cannot be cancelled themselves). */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    void promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

function checkLimits({ maxBytes, timeoutMs, maxRedirects, method, body }: SafeFetchOptions): void {
  if (body !== undefined && (method === undefined || method === 'GET' || method === 'HEAD')) throw new RangeError(`a ${method ?? 'GET'} request has no body`);
  if (!Number.isSafeInteger(maxBytes) || maxBytes <= 0) throw new RangeError('maxBytes must be a positive integer');
  if (!Number.isSafeInteger(timeoutMs) || timeoutMs <= 0) throw new RangeError('timeoutMs must be a positive integer');
  if (!Number.isSafeInteger(maxRedirects) || maxRedirects < 0) throw new RangeError('maxRedirects must be a non-negative integer');
}

/** `AbortSignal.timeout()` aborts with a DOMException named TimeoutError (checked by name: it may come from another realm). */
function isTimeout(reason: unknown): boolean {
  return typeof reason === 'object' && reason !== null && (reason as { name?: unknown }).name === 'TimeoutError';
}

/** Maps whatever went wrong to a code and a message fit for the model and the timeline (never a stack trace). */
function toToolError(err: unknown, ctx: { caller: AbortSignal | undefined; deadline: AbortSignal; timeoutMs: number; host: string }): ToolError {
  if (err instanceof ToolError) return err;
  if (ctx.caller?.aborted) {
    return isTimeout(ctx.caller.reason)
      ? new ToolError('E_TOOL_TIMEOUT', 'the tool call ran out of time')
      : new ToolError('E_TOOL_FAILED', 'the request was cancelled');
  }
  if (ctx.deadline.aborted) return new ToolError('E_TOOL_TIMEOUT', `no complete response from ${ctx.host} within ${ctx.timeoutMs} ms`);
  const code = (err as NodeJS.ErrnoException | undefined)?.code ?? '';
  if (code === 'ECONNREFUSED') return new ToolError('E_TOOL_FAILED', `${ctx.host} refused the connection`);
  if (code === 'ECONNRESET' || code === 'EPIPE') return new ToolError('E_TOOL_FAILED', `${ctx.host} closed the connection early`);
  if (code === 'ETIMEDOUT' || code === 'ENETUNREACH' || code === 'EHOSTUNREACH') {
    return new ToolError('E_TOOL_FAILED', `${ctx.host} could not be reached`);
  }
  if (code.startsWith('HPE_')) return new ToolError('E_TOOL_FAILED', `${ctx.host} sent an invalid HTTP response`);
  if (code.startsWith('ERR_TLS_') || code.includes('CERT') || code.startsWith('ERR_SSL_')) {
    return new ToolError('E_TOOL_FAILED', `the TLS connection to ${ctx.host} could not be verified`);
  }
  return new ToolError('E_TOOL_FAILED', `the request to ${ctx.host} failed`);
}

export interface VettedFetchOptions {
  /** Hosts these requests may contact (see {@link HostAllowlist}, both entry forms); checked on every request. */
  allowHosts: readonly EgressAllowValue[];
  /** Body bytes read per response; a longer body fails while it is read (`E_TOOL_RESOURCE_LIMIT`). */
  maxBytes: number;
  /** Ends every request made through this fetch (the call's deadline, the run's cancellation). */
  signal: AbortSignal;
  /** Told about every refusal or failure, including a body cut while the caller reads it (an SDK may hide the cause). */
  onFailure?: (err: ToolError) => void;
  /** Sends `Authorization` on (a model provider's key); off for tools, which never send credentials. */
  forwardAuthorization?: boolean;
  /** Address categories admitted besides public ones: `loopback` for local provider presets only (D44). */
  alsoAllow?: ReadonlySet<AddressCategory>;
  /** TEST ONLY, see {@link UnsafeTestNetwork}. */
  unsafeTestNetwork?: UnsafeTestNetwork;
}

/** The shape of `fetch` that SDKs accept as an option (e.g. the MCP SDK's Streamable HTTP transport). */
export type FetchFn = (url: string | URL, init?: RequestInit) => Promise<Response>;

/** Request headers never forwarded: credentials, and what we set ourselves for every request. */
const DROPPED_HEADERS = new Set([
  'authorization',
  'cookie',
  'proxy-authorization',
  'host',
  'user-agent',
  'accept-encoding',
  'connection',
  'content-length',
  'transfer-encoding',
  'keep-alive',
  'upgrade',
  'te',
  'trailer',
]);
const NULL_BODY_STATUSES = new Set([204, 205, 304]);

/**
 * A `fetch` for SDKs that speak HTTP on our behalf, with the vetting of {@link safeFetch}: every request is checked
 * against the allowlist, resolved by us, refused if any address is not public (or private, for an `allow_private`
 * entry's host), and sent over a socket to the vetted
 * address (no agent, no proxy, no second lookup). Unlike `safeFetch` the body streams (Server-Sent Events), capped at
 * `maxBytes` per response; redirects are not followed (the caller sees the 3xx); credentials and cookies are never
 * sent. Failures are {@link ToolError}s.
 */
export function vettedFetch(options: VettedFetchOptions): FetchFn {
  const allowlist = new HostAllowlist(options.allowHosts);
  const network = options.unsafeTestNetwork;
  return async (input, init = {}) => {
    const url = parseUrl(String(input));
    const signal = init.signal ? AbortSignal.any([options.signal, init.signal]) : options.signal;
    const method = (init.method ?? 'GET').toUpperCase();
    if (!['GET', 'POST', 'DELETE'].includes(method)) throw new ToolError('E_EGRESS_DENIED', `${method} requests are not sent`);
    const headers: Record<string, string> = {};
    new Headers(init.headers).forEach((value, name) => {
      const credential = name === 'authorization' && options.forwardAuthorization === true;
      if ((credential || !DROPPED_HEADERS.has(name)) && !name.startsWith('proxy-')) headers[name] = value;
    });
    const body = init.body === undefined || init.body === null ? undefined : Buffer.from(await new Response(init.body).arrayBuffer());
    let res: http.IncomingMessage;
    try {
      signal.throwIfAborted();
      const match = vetUrl(url, allowlist);
      const target = await pinnedTarget(url, network, signal, admittedBy(match, options.alsoAllow));
      res = await send(
        url,
        target,
        {
          method: method as SafeFetchMethod,
          accept: headers['accept'] ?? '*/*',
          body,
          contentType: headers['content-type'] ?? 'application/octet-stream',
          headers,
        },
        signal,
      );
    } catch (err) {
      const failure = toToolError(err, { caller: signal, deadline: NEVER, timeoutMs: 0, host: url.host });
      options.onFailure?.(failure);
      throw failure;
    }
    return responseOf(res, url.host, options, method);
  };
}

const NEVER = new AbortController().signal;

/** The web `Response` for a Node response: headers as sent, the body streamed through a byte cap. */
function responseOf(res: http.IncomingMessage, host: string, { maxBytes, onFailure }: VettedFetchOptions, method: string): Response {
  const status = res.statusCode ?? 0;
  if (status < 200 || status > 599) return refuse(res, new ToolError('E_TOOL_FAILED', `${host} sent an invalid HTTP response`), onFailure);
  const headers = new Headers();
  for (const [name, value] of Object.entries(res.headers)) {
    for (const v of [value ?? []].flat()) headers.append(name, v);
  }
  if (NULL_BODY_STATUSES.has(status) || method === 'HEAD') {
    res.destroy();
    return new Response(null, { status, headers });
  }
  const encoding = (res.headers['content-encoding'] ?? '').trim().toLowerCase();
  if (encoding !== '' && encoding !== 'identity') {
    return refuse(res, new ToolError('E_TOOL_FAILED', `${host} sent a compressed response although none was asked for`), onFailure);
  }
  let size = 0;
  const capped = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      size += chunk.length;
      if (size <= maxBytes) return done(null, chunk);
      const failure = new ToolError('E_TOOL_RESOURCE_LIMIT', `the response from ${host} is larger than ${maxBytes} bytes`);
      onFailure?.(failure);
      done(failure);
    },
  });
  pipeline(res, capped, () => res.destroy());
  return new Response(Readable.toWeb(capped) as ReadableStream<Uint8Array>, { status, headers });
}

function refuse(res: http.IncomingMessage, failure: ToolError, onFailure: VettedFetchOptions['onFailure']): never {
  res.destroy();
  onFailure?.(failure);
  throw failure;
}
