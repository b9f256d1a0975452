import type { EgressAllowValue, ErrorCode } from '@omniai/contracts';
import * as http from 'node:http';
import { type AddressInfo, type Server, connect, createServer } from 'node:net';
import { LoopbackWeb } from '../testing/loopback-web';
import { ToolError } from '../tool';
import { EgressProxy, type EgressSession } from './egress-proxy';
import { safeFetch, type SafeFetchOptions, vettedFetch } from './safe-fetch';

// Entries with `allow_private` (D58) against real servers on 127.0.0.1, with the operating system's
// resolver and real connections: no test network stands in, because the point is that this one named host really
// reaches loopback while every other name still may not.

let web: LoopbackWeb;
let tcpEcho: Server;
let port: number;
let echoPort: number;

beforeAll(async () => {
  web = await LoopbackWeb.start({
    '/hello': (_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('hello from loopback'),
    '/to': (_req, res, url) => res.writeHead(302, { location: url.searchParams.get('url') ?? '/hello' }).end(),
  });
  port = web.port;
  tcpEcho = createServer((s) => s.pipe(s));
  await new Promise<void>((resolve) => tcpEcho.listen(0, '127.0.0.1', resolve));
  echoPort = (tcpEcho.address() as AddressInfo).port;
});
afterAll(async () => {
  await web.close();
  await new Promise((resolve) => tcpEcho.close(resolve));
});

const local = (hostPort: string): EgressAllowValue => ({ host: hostPort, allow_private: true, note: 'a server we run' });
const fetchOptions = (allowHosts: EgressAllowValue[]): SafeFetchOptions => ({ allowHosts, maxBytes: 10_000, timeoutMs: 5_000, maxRedirects: 3 });

async function failure(promise: Promise<unknown>): Promise<{ code: ErrorCode; message: string }> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof ToolError)) throw new Error(`expected a ToolError, got ${String(err)}`);
  return { code: err.code, message: err.message };
}

describe('safeFetch with an allow_private entry', () => {
  it('refuses 127.0.0.1 without the flag, even when the entry names it, and connects nowhere', async () => {
    const before = web.seen.length;
    expect(await failure(safeFetch(`http://127.0.0.1:${port}/hello`, fetchOptions([`127.0.0.1:${port}`])))).toEqual({
      code: 'E_EGRESS_DENIED',
      message: '127.0.0.1 is a loopback address; refused',
    });
    expect(await failure(safeFetch(`http://127.0.0.1:${port}/hello`, fetchOptions([{ host: `127.0.0.1:${port}`, allow_private: false }])))).toMatchObject({
      code: 'E_EGRESS_DENIED',
    });
    expect(web.seen.length).toBe(before);
  });

  it('reaches 127.0.0.1 with the flag, and follows a redirect that stays on that host', async () => {
    const res = await safeFetch(`http://127.0.0.1:${port}/to?url=/hello`, fetchOptions(['*', local(`127.0.0.1:${port}`)]));
    expect([res.status, res.body.toString(), res.redirects]).toEqual([200, 'hello from loopback', [`http://127.0.0.1:${port}/hello`]]);
  });

  it('reaches a flagged name through the system resolver (localhost → loopback), pinned to what it resolved to', async () => {
    const res = await safeFetch(`http://localhost:${port}/hello`, fetchOptions([local(`localhost:${port}`)]));
    expect(res.body.toString()).toBe('hello from loopback');
  });

  it('still refuses another name that resolves to 127.0.0.1 (DNS rebinding), even next to a flagged entry', async () => {
    const before = web.seen.length;
    expect(await failure(safeFetch(`http://localhost:${port}/hello`, fetchOptions([local(`127.0.0.1:${port}`), `localhost:${port}`, `*:${port}`])))).toEqual({
      code: 'E_EGRESS_DENIED',
      message: 'localhost resolves to a loopback address; refused',
    });
    // The flag is for the port it names too: the same host on another port is an ordinary host.
    expect(await failure(safeFetch(`http://127.0.0.1:${echoPort}/`, fetchOptions([local(`127.0.0.1:${port}`), `127.0.0.1:${echoPort}`])))).toEqual({
      code: 'E_EGRESS_DENIED',
      message: '127.0.0.1 is a loopback address; refused',
    });
    expect(web.seen.length).toBe(before);
  });

  it("checks a redirect to another host against that host's own entry: a private target without the flag is refused", async () => {
    const allow = [local(`127.0.0.1:${port}`), `localhost:${port}`, `127.0.0.2:${port}`];
    const before = web.seen.length;
    expect(await failure(safeFetch(`http://127.0.0.1:${port}/to?url=${encodeURIComponent(`http://localhost:${port}/hello`)}`, fetchOptions(allow)))).toEqual({
      code: 'E_EGRESS_DENIED',
      message: 'localhost resolves to a loopback address; refused',
    });
    expect(await failure(safeFetch(`http://127.0.0.1:${port}/to?url=${encodeURIComponent(`http://127.0.0.2:${port}/hello`)}`, fetchOptions(allow)))).toEqual({
      code: 'E_EGRESS_DENIED',
      message: '127.0.0.2 is a loopback address; refused',
    });
    // Only the redirects were served; their targets never were.
    expect(
      web
        .paths()
        .slice(before)
        .every((p) => p.startsWith('/to?')),
    ).toBe(true);
  });

  it.each([
    ['http://169.254.169.254/latest/meta-data/', '169.254.169.254', '169.254.169.254 is a cloud metadata address; refused'],
    ['http://[fd00:ec2::254]/latest/meta-data/', '[fd00:ec2::254]', '[fd00:ec2::254] is a cloud metadata address; refused'],
    ['http://[::ffff:169.254.169.254]/', '[::ffff:a9fe:a9fe]', '[::ffff:a9fe:a9fe] is a cloud metadata address; refused'],
    ['http://0.0.0.0:8080/', '0.0.0.0:8080', '0.0.0.0 is an unspecified address; refused'],
    ['http://224.0.0.1/', '224.0.0.1', '224.0.0.1 is a multicast address; refused'],
  ])('refuses %s even with the flag', async (url, host, message) => {
    expect(await failure(safeFetch(url, fetchOptions([local(host)])))).toEqual({ code: 'E_EGRESS_DENIED', message });
  });

  it('refuses a flagged name that resolves to a metadata address', async () => {
    const network = web.network({ 'metadata.corp.test': ['10.0.0.7', '169.254.169.254'], 'mcp.corp.test': ['10.0.0.7'] });
    const options = { ...fetchOptions([local('metadata.corp.test'), local('mcp.corp.test')]), unsafeTestNetwork: network };
    expect(await failure(safeFetch('http://metadata.corp.test/', options))).toEqual({
      code: 'E_EGRESS_DENIED',
      message: 'metadata.corp.test resolves to a cloud metadata address; refused',
    });
    // The same network lets the flagged name with a private answer through (to the vetted 10.0.0.7, routed here).
    expect((await safeFetch('http://mcp.corp.test/hello', options)).body.toString()).toBe('hello from loopback');
    expect(network.routed).toEqual([{ address: '10.0.0.7', family: 4 }]);
  });
});

describe('vettedFetch with an allow_private entry', () => {
  const fetchWith = (allowHosts: EgressAllowValue[]) => vettedFetch({ allowHosts, maxBytes: 10_000, signal: AbortSignal.timeout(5_000) });

  it('reaches the flagged host and refuses it without the flag', async () => {
    const res = await fetchWith([local(`127.0.0.1:${port}`)])(`http://127.0.0.1:${port}/hello`);
    expect([res.status, await res.text()]).toEqual([200, 'hello from loopback']);
    expect(await failure(fetchWith([`127.0.0.1:${port}`])(`http://127.0.0.1:${port}/hello`))).toEqual({
      code: 'E_EGRESS_DENIED',
      message: '127.0.0.1 is a loopback address; refused',
    });
    expect(await failure(fetchWith([local(`127.0.0.1:${port}`), `localhost:${port}`])(`http://localhost:${port}/hello`))).toEqual({
      code: 'E_EGRESS_DENIED',
      message: 'localhost resolves to a loopback address; refused',
    });
  });
});

describe('the egress proxy with an allow_private entry', () => {
  let proxy: EgressProxy;
  beforeAll(async () => {
    proxy = await EgressProxy.start();
  });
  afterAll(() => proxy.close());

  /** A sandboxed call's grant: the manifest's hosts (plain strings) and the workspace's `egress_allow`. */
  const open = (manifest: string[], workspace: EgressAllowValue[]) =>
    proxy.open({ callId: `run-1/call-${Math.random().toString(36).slice(2)}`, allowHosts: [manifest, workspace], maxBytes: 1_000_000, timeoutMs: 10_000 });

  function get(session: EgressSession, url: string): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
      const req = http.request({ socketPath: session.socketPath, path: url, headers: { host: new URL(url).host } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end();
    });
  }

  function tunnel(session: EgressSession, authority: string): Promise<string> {
    return new Promise((resolve, reject) => {
      const socket = connect(session.socketPath);
      let seen = '';
      socket.on('data', (d) => {
        seen += d.toString();
        if (seen.startsWith('HTTP/1.1 200') && seen.endsWith('\r\n\r\n')) socket.write('ping\n');
        if (seen.endsWith('ping\n')) socket.end();
      });
      socket.on('end', () => resolve(seen));
      socket.on('error', reject);
      socket.write(`CONNECT ${authority} HTTP/1.1\r\nhost: ${authority}\r\n\r\n`);
    });
  }

  it('forwards to the flagged loopback host and tunnels to a flagged port; refuses both without the flag', async () => {
    const flagged = await open(['*', `127.0.0.1:${port}`, `127.0.0.1:${echoPort}`], [local(`127.0.0.1:${port}`), local(`127.0.0.1:${echoPort}`)]);
    const plain = await open(['*', `127.0.0.1:${port}`, `127.0.0.1:${echoPort}`], [`127.0.0.1:${port}`, `127.0.0.1:${echoPort}`]);
    try {
      expect(await get(flagged, `http://127.0.0.1:${port}/hello`)).toEqual({ status: 200, body: 'hello from loopback' });
      expect(await tunnel(flagged, `127.0.0.1:${echoPort}`)).toMatch(/^HTTP\/1\.1 200 Connection established\r\n\r\nping\n$/);
      expect(flagged.refusals).toEqual([]);
      expect(await get(plain, `http://127.0.0.1:${port}/hello`)).toEqual({
        status: 403,
        body: 'OmniAI egress proxy refused 127.0.0.1: 127.0.0.1 is a loopback address; refused\n',
      });
      expect(await tunnel(plain, `127.0.0.1:${echoPort}`)).toMatch(/^HTTP\/1\.1 403 Forbidden\r\n[\s\S]*127\.0\.0\.1 is a loopback address; refused\n$/);
    } finally {
      await flagged.close();
      await plain.close();
    }
  });

  it('refuses another name resolving to loopback, a host the manifest does not name, and metadata even when flagged', async () => {
    const session = await open(
      [`127.0.0.1:${port}`, `localhost:${port}`, '169.254.169.254'],
      [local(`127.0.0.1:${port}`), `localhost:${port}`, local(`127.0.0.2:${port}`), local('169.254.169.254')],
    );
    try {
      expect((await get(session, `http://localhost:${port}/hello`)).body).toContain('localhost resolves to a loopback address; refused');
      expect((await get(session, `http://127.0.0.2:${port}/hello`)).body).toContain(`127.0.0.2:${port} is not in this call's egress allowlist`);
      expect((await get(session, 'http://169.254.169.254/latest/meta-data/')).body).toContain('169.254.169.254 is a cloud metadata address; refused');
      expect(session.refusals.map((r) => r.host)).toEqual(['localhost', '127.0.0.2', '169.254.169.254']);
    } finally {
      await session.close();
    }
  });
});
