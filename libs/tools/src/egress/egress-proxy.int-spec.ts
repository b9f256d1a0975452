import { existsSync } from 'node:fs';
import * as http from 'node:http';
import { type AddressInfo, type Server, connect, createServer } from 'node:net';
import { LoopbackWeb, PUBLIC_V4 } from '../testing/loopback-web';
import { type EgressGrant, EgressProxy, type EgressSession } from './egress-proxy';

// The proxy on its own, driven from Node over the call's Unix socket. The same proxy seen from inside a real
// container is tested in apps/worker/src/tools/sandbox-egress.int-spec.ts.

let web: LoopbackWeb;
let tcpEcho: Server;
let proxy: EgressProxy;
const refusals: Array<{ callId: string; host: string; reason: string }> = [];

const DNS: Record<string, string[]> = {
  'allowed.test': [PUBLIC_V4],
  'also.allowed.test': [PUBLIC_V4],
  'other.test': [PUBLIC_V4],
  'loopback.allowed.test': ['127.0.0.1'],
  'metadata.allowed.test': ['169.254.169.254'],
};

beforeAll(async () => {
  web = await LoopbackWeb.start({
    '/ok': (req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end(`ok ${req.headers.host} ${req.headers['proxy-authorization'] ?? '-'}`),
    '/to-loopback': (_req, res, url) => res.writeHead(302, { location: `http://127.0.0.1:${url.searchParams.get('port')}/secret` }).end(),
    '/big': (_req, res) => res.writeHead(200).end('b'.repeat(200_000)),
  });
  // What a CONNECT tunnel reaches in these tests: an echo server (the tunnel is opaque, so it needs no TLS).
  tcpEcho = createServer((s) => s.pipe(s));
  await new Promise<void>((resolve) => tcpEcho.listen(0, '127.0.0.1', resolve));
  const network = web.network(DNS);
  const echoPort = (tcpEcho.address() as AddressInfo).port;
  proxy = await EgressProxy.start({
    onRefusal: (entry) => refusals.push(entry),
    unsafeTestNetwork: {
      resolve: network.resolve,
      loopbackPortFor: (vetted, port) => (port === 443 || port === 8443 ? echoPort : network.loopbackPortFor(vetted, port)),
    },
  });
});
afterAll(async () => {
  await proxy.close();
  await web.close();
  await new Promise((resolve) => tcpEcho.close(resolve));
});

const grant = (over: Partial<EgressGrant> = {}): EgressGrant => ({
  callId: `run-1/call-${Math.random().toString(36).slice(2)}`,
  allowHosts: [['*'], ['allowed.test', '*.allowed.test', '127.0.0.1']],
  maxBytes: 1_000_000,
  timeoutMs: 30_000,
  ...over,
});

/** One plain-HTTP request through the session's socket, as a proxied client sends it. */
function get(
  session: EgressSession,
  url: string,
  headers: http.OutgoingHttpHeaders = {},
): Promise<{ status: number; body: string; refused: boolean; location?: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ socketPath: session.socketPath, path: url, headers: { host: new URL(url).host, ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          body: Buffer.concat(chunks).toString(),
          refused: res.headers['x-omni-egress'] === 'refused',
          ...(res.headers.location ? { location: res.headers.location } : {}),
        }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/** CONNECT host:port, then (if established) one line through the tunnel; resolves with what came back. */
function tunnel(session: EgressSession, authority: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(session.socketPath);
    let seen = '';
    socket.on('data', (d) => {
      seen += d.toString();
      if (seen.startsWith('HTTP/1.1 200') && seen.endsWith('\r\n\r\n')) socket.write('ping through the tunnel\n');
      if (seen.includes('ping through the tunnel\n')) socket.end();
    });
    socket.on('end', () => resolve(seen));
    socket.on('error', reject);
    socket.write(`CONNECT ${authority} HTTP/1.1\r\nhost: ${authority}\r\n\r\n`);
  });
}

describe('EgressProxy', () => {
  it('forwards a request to a host every allowlist allows, to the vetted address, without proxy credentials', async () => {
    const session = await proxy.open(grant());
    try {
      const res = await get(session, 'http://allowed.test/ok', { 'proxy-authorization': 'Basic c2VjcmV0' });
      expect(res).toMatchObject({ status: 200, body: 'ok allowed.test -', refused: false });
      expect(session.refusals).toEqual([]);
      expect(session.bytes()).toBeGreaterThan(0);
    } finally {
      await session.close();
    }
  });

  it('refuses a host outside any one of the allowlists with a 403 naming the reason, and logs the call id', async () => {
    const g = grant({ allowHosts: [['allowed.test'], ['allowed.test', 'other.test']] });
    const session = await proxy.open(g);
    try {
      const res = await get(session, 'http://other.test/ok');
      expect(res.status).toBe(403);
      expect(res.refused).toBe(true);
      expect(res.body).toBe("OmniAI egress proxy refused other.test: other.test is not in this call's egress allowlist\n");
      expect(session.refusals).toEqual([{ host: 'other.test', reason: "other.test is not in this call's egress allowlist" }]);
      expect(refusals).toContainEqual({ callId: g.callId, host: 'other.test', reason: "other.test is not in this call's egress allowlist" });
    } finally {
      await session.close();
    }
  });

  it('refuses loopback, metadata and private targets even when the allowlist names them (each redirect hop is a new request)', async () => {
    // The local server's port named too (D44): only the address policy stands between the request and loopback.
    const session = await proxy.open(
      grant({
        allowHosts: [
          ['*', `*:${web.port}`],
          ['allowed.test', '*.allowed.test', '127.0.0.1', `127.0.0.1:${web.port}`],
        ],
      }),
    );
    try {
      const hop = await get(session, `http://allowed.test/to-loopback?port=${web.port}`);
      expect(hop.status).toBe(302); // the client follows it with a new request, checked like the first
      expect(hop.location).toBe(`http://127.0.0.1:${web.port}/secret`);
      const next = await get(session, hop.location!);
      expect(next.status).toBe(403);
      expect(next.body).toContain('127.0.0.1 is a loopback address; refused');
      expect((await get(session, 'http://loopback.allowed.test/secret')).body).toContain('resolves to a loopback address; refused');
      expect((await get(session, 'http://metadata.allowed.test/latest/meta-data/')).body).toContain('resolves to a cloud metadata address');
      expect(await tunnel(session, `127.0.0.1:443`)).toMatch(/^HTTP\/1\.1 403 .*127\.0\.0\.1 is a loopback address; refused/s);
      expect(web.paths()).not.toContain('/secret');
      expect(web.paths()).not.toContain('/latest/meta-data/');
    } finally {
      await session.close();
    }
  });

  it('reaches ports 80 and 443 only, plain HTTP and tunnels alike, unless every allowlist names the port (D44)', async () => {
    const session = await proxy.open(grant());
    try {
      expect(await tunnel(session, 'allowed.test:443')).toBe('HTTP/1.1 200 Connection established\r\n\r\nping through the tunnel\n');
      expect(await tunnel(session, 'allowed.test:22')).toMatch(/^HTTP\/1\.1 403 .*allowed\.test:22 is not in this call's egress allowlist/s);
      const redis = await get(session, 'http://allowed.test:6379/');
      expect([redis.status, redis.body]).toEqual([403, "OmniAI egress proxy refused allowed.test: allowed.test:6379 is not in this call's egress allowlist\n"]);
      expect(await tunnel(session, 'other.test:443')).toMatch(/^HTTP\/1\.1 403 .*not in this call's egress allowlist/s);
    } finally {
      await session.close();
    }
    const named = await proxy.open(grant({ allowHosts: [['*:8443'], ['allowed.test:8443']] }));
    try {
      expect(await tunnel(named, 'allowed.test:8443')).toBe('HTTP/1.1 200 Connection established\r\n\r\nping through the tunnel\n');
      expect(await tunnel(named, 'allowed.test:443')).toMatch(/^HTTP\/1\.1 403 .*allowed\.test is not in this call's egress allowlist/s);
    } finally {
      await named.close();
    }
  });

  it('refuses https URLs sent as plain requests and origin-form requests (it is a proxy, not a server)', async () => {
    const session = await proxy.open(grant());
    try {
      expect((await get(session, 'https://allowed.test/ok')).status).toBe(400);
      const origin = await new Promise<number>((resolve, reject) => {
        http.get({ socketPath: session.socketPath, path: '/ok' }, (res) => resolve(res.statusCode ?? 0)).on('error', reject);
      });
      expect(origin).toBe(400);
    } finally {
      await session.close();
    }
  });

  it('cuts the call off once its byte budget is spent, and refuses its later requests', async () => {
    const session = await proxy.open(grant({ maxBytes: 50_000 }));
    try {
      await get(session, 'http://allowed.test/big').then(
        (res) => expect(res.body.length).toBeLessThan(200_000),
        (err: Error) => expect(err.message).toMatch(/aborted|socket hang up|ECONNRESET/),
      );
      const after = await get(session, 'http://allowed.test/ok');
      expect(after.status).toBe(403);
      expect(after.body).toContain('50000-byte egress budget is spent');
    } finally {
      await session.close();
    }
  });

  it('removes the socket when the call ends', async () => {
    const session = await proxy.open(grant());
    expect(existsSync(session.socketPath)).toBe(true);
    await session.close();
    expect(existsSync(session.socketPath)).toBe(false);
  });
});
