import type { ErrorCode } from '@omniai/contracts';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { type Server, createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { gzipSync } from 'node:zlib';
import { LoopbackWeb, PUBLIC_V4, PUBLIC_V6 } from '../testing/loopback-web';
import { ToolError } from '../tool';
import { type SafeFetchOptions, USER_AGENT, safeFetch } from './safe-fetch';

const BIG = 'a'.repeat(100_000);

let web: LoopbackWeb;
beforeAll(async () => {
  web = await LoopbackWeb.start({
    '/hello': (_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('hello'),
    '/secret': (_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('internal secret'),
    '/echo': (req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(req.headers)),
    // Echoes the method, headers and body it received.
    '/mirror': (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () =>
        res
          .writeHead(201, { 'content-type': 'application/json' })
          .end(JSON.stringify({ method: req.method, headers: req.headers, body: Buffer.concat(chunks).toString() })),
      );
    },
    '/moved': (_req, res) => res.writeHead(307, { location: '/mirror' }).end('moved'),
    // Redirects `n` times to itself, then to `to`.
    '/hop': (_req, res, url) => {
      const n = Number(url.searchParams.get('n') ?? 0);
      const to = url.searchParams.get('to') ?? '/hello';
      const next = n > 0 ? `/hop?n=${n - 1}&to=${encodeURIComponent(to)}` : to;
      res.writeHead(302, { location: next }).end();
    },
    '/loop': (_req, res) => res.writeHead(301, { location: '/loop' }).end(),
    '/set-cookie': (_req, res) => res.writeHead(302, { location: '/echo', 'set-cookie': 'session=s3cret; Path=/' }).end(),
    '/big': (_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end(BIG),
    '/exact': (_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('x'.repeat(1000)),
    '/gzip': (_req, res) => res.writeHead(200, { 'content-type': 'text/plain', 'content-encoding': 'gzip' }).end(gzipSync(BIG)),
    '/not-found': (_req, res) => res.writeHead(404, { 'content-type': 'text/plain' }).end('nope'),
    '/hang': () => undefined, // never answers
    '/stall': (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '1000' });
      res.write('partial'); // and never the rest
    },
  });
});
afterAll(() => web.close());

const DNS = {
  'allowed.test': [PUBLIC_V4],
  'www.allowed.test': [PUBLIC_V4, PUBLIC_V6],
  'other.test': [PUBLIC_V4],
  // One private answer among public ones: whoever controls this zone must not get to choose our target.
  'internal.allowed.test': [PUBLIC_V4, '10.0.0.5'],
  'loopback.allowed.test': ['127.0.0.1'],
  'metadata.allowed.test': ['169.254.169.254'],
  'ula.allowed.test': [PUBLIC_V6, 'fd00::1'],
  'mapped.allowed.test': ['::ffff:127.0.0.1'],
};

function options(overrides: Partial<SafeFetchOptions> = {}): SafeFetchOptions {
  return {
    allowHosts: ['allowed.test', '*.allowed.test'],
    maxBytes: 1_000_000,
    timeoutMs: 5_000,
    maxRedirects: 5,
    unsafeTestNetwork: web.network(DNS),
    ...overrides,
  };
}

/** Rejects with a ToolError of `code` whose message is one line (no stack trace) and optionally matches `pattern`. */
async function expectToolError(promise: Promise<unknown>, code: ErrorCode, pattern?: RegExp): Promise<ToolError> {
  const err: unknown = await promise.then(
    () => new Error('expected a rejection'),
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ToolError);
  const toolError = err as ToolError;
  expect({ code: toolError.code, message: toolError.message }).toEqual({ code, message: expect.any(String) });
  expect(toolError.message).not.toMatch(/\n|\bat .*\(|node:internal/);
  if (pattern) expect(toolError.message).toMatch(pattern);
  return toolError;
}

/** Requests the server has seen since `before` (an index into `web.seen`). */
const pathsSince = (before: number) => web.paths().slice(before);

describe('safeFetch: the happy path', () => {
  it('fetches an allowed host through the vetted, pinned address', async () => {
    const network = web.network(DNS);
    const res = await safeFetch('http://allowed.test/hello', options({ unsafeTestNetwork: network }));
    expect(res).toMatchObject({ status: 200, url: 'http://allowed.test/hello', finalUrl: 'http://allowed.test/hello', truncated: false });
    expect(res.body.toString()).toBe('hello');
    expect(res.contentType).toBe('text/plain');
    expect(network.lookups).toEqual(['allowed.test']);
    expect(network.routed).toEqual([{ address: PUBLIC_V4, family: 4 }]);
  });

  it('returns non-2xx responses instead of throwing', async () => {
    const res = await safeFetch('http://allowed.test/not-found', options());
    expect(res.status).toBe(404);
    expect(res.body.toString()).toBe('nope');
  });

  it('sends a clear User-Agent and never cookies or credentials, even after a Set-Cookie', async () => {
    const before = web.seen.length;
    const res = await safeFetch('http://allowed.test/set-cookie', options());
    const headers = JSON.parse(res.body.toString()) as Record<string, string>;
    expect(headers['user-agent']).toBe(USER_AGENT);
    expect(USER_AGENT).toBe('OmniAI-fetch/0.1');
    expect(headers['host']).toBe('allowed.test');
    expect(headers).not.toHaveProperty('cookie');
    expect(headers).not.toHaveProperty('authorization');
    expect(headers).not.toHaveProperty('proxy-authorization');
    expect(pathsSince(before)).toEqual(['/set-cookie', '/echo']);
  });

  it('connects to the address it vetted: one lookup per hop, so a rebinding DNS answer is never used', async () => {
    const network = web.network(DNS);
    let calls = 0;
    const rebinding = {
      ...network,
      // First answer public, every later one loopback: a classic DNS-rebinding server.
      resolve: async (hostname: string) => {
        calls += 1;
        return network.resolve(calls === 1 ? hostname : 'loopback.allowed.test');
      },
    };
    const res = await safeFetch('http://allowed.test/hello', options({ unsafeTestNetwork: rebinding }));
    expect(res.status).toBe(200);
    expect(calls).toBe(1);
    expect(network.routed).toEqual([{ address: PUBLIC_V4, family: 4 }]);
  });
});

describe('safeFetch: methods other than GET', () => {
  it('sends the method, the body and its type', async () => {
    const res = await safeFetch('http://allowed.test/mirror', options({ method: 'POST', body: Buffer.from('{"a":1}'), contentType: 'application/json' }));
    expect(res.status).toBe(201);
    const seen = JSON.parse(res.body.toString()) as { method: string; headers: Record<string, string>; body: string };
    expect(seen).toMatchObject({
      method: 'POST',
      body: '{"a":1}',
      headers: { 'content-type': 'application/json', 'content-length': '7', 'user-agent': USER_AGENT },
    });
    const del = JSON.parse((await safeFetch('http://allowed.test/mirror', options({ method: 'DELETE' }))).body.toString()) as { method: string };
    expect(del.method).toBe('DELETE');
  });

  it('sends further headers, but never credentials, cookies or a second value of its own headers', async () => {
    const headers = {
      'Webhook-Id': 'msg_1',
      'webhook-signature': 'v1,abc',
      authorization: 'Bearer leaked',
      cookie: 'a=b',
      'proxy-authorization': 'x',
      host: 'elsewhere.test',
      'user-agent': 'spoofed',
      'content-type': 'text/plain',
    };
    const res = await safeFetch('http://allowed.test/mirror', options({ method: 'POST', body: Buffer.from('{}'), contentType: 'application/json', headers }));
    const seen = JSON.parse(res.body.toString()) as { headers: Record<string, string> };
    expect(seen.headers).toMatchObject({
      'webhook-id': 'msg_1',
      'webhook-signature': 'v1,abc',
      host: 'allowed.test',
      'user-agent': USER_AGENT,
      'content-type': 'application/json',
    });
    for (const name of ['authorization', 'cookie', 'proxy-authorization']) expect(seen.headers).not.toHaveProperty(name);
  });

  it('does not follow a redirect of a write: the 3xx itself is the answer', async () => {
    const before = web.seen.length;
    const res = await safeFetch('http://allowed.test/moved', options({ method: 'PUT', body: Buffer.from('x'), contentType: 'text/plain' }));
    expect(res).toMatchObject({ status: 307, redirects: [] });
    expect(pathsSince(before)).toEqual(['/moved']);
  });

  it('refuses a body on GET or HEAD', async () => {
    await expect(safeFetch('http://allowed.test/mirror', options({ body: Buffer.from('x') }))).rejects.toThrow(RangeError);
  });
});

describe('safeFetch: schemes and URLs', () => {
  it.each(['file:///etc/passwd', 'gopher://allowed.test/', 'ftp://allowed.test/file', 'data:text/plain,hi', 'javascript:alert(1)', 'ws://allowed.test/'])(
    'refuses %s',
    async (url) => {
      await expectToolError(safeFetch(url, options()), 'E_EGRESS_DENIED', /only http and https/);
    },
  );

  it('refuses URLs that carry credentials', async () => {
    await expectToolError(safeFetch('http://user:pass@allowed.test/hello', options()), 'E_EGRESS_DENIED', /user name or password/);
  });

  it('refuses what is not a URL', async () => {
    await expectToolError(safeFetch('not a url', options()), 'E_VALIDATION');
  });
});

describe('safeFetch: the allowlist', () => {
  it('refuses a host that is not granted, before any DNS lookup', async () => {
    const network = web.network(DNS);
    await expectToolError(safeFetch('http://other.test/hello', options({ unsafeTestNetwork: network })), 'E_EGRESS_DENIED', /other\.test is not in/);
    expect(network.lookups).toEqual([]);
  });

  it('grants subdomains through a wildcard entry, and the bare domain only through its own entry', async () => {
    const wildcardOnly = options({ allowHosts: ['*.allowed.test'] });
    expect((await safeFetch('http://www.allowed.test/hello', wildcardOnly)).status).toBe(200);
    await expectToolError(safeFetch('http://allowed.test/hello', wildcardOnly), 'E_EGRESS_DENIED');
    const exactOnly = options({ allowHosts: ['allowed.test'] });
    expect((await safeFetch('http://allowed.test/hello', exactOnly)).status).toBe(200);
    await expectToolError(safeFetch('http://www.allowed.test/hello', exactOnly), 'E_EGRESS_DENIED');
  });

  it('denies everything with an empty allowlist', async () => {
    await expectToolError(safeFetch('http://allowed.test/hello', options({ allowHosts: [] })), 'E_EGRESS_DENIED');
  });

  it('reaches ports 80 and 443 only, unless an entry names the port (D44)', async () => {
    await expectToolError(
      safeFetch('http://allowed.test:6379/hello', options()),
      'E_EGRESS_DENIED',
      /^allowed\.test:6379 is not in this call's egress allowlist$/,
    );
  });

  it('refuses a malformed allowlist entry instead of guessing', async () => {
    await expectToolError(
      safeFetch('http://allowed.test/hello', options({ allowHosts: ['http://allowed.test'] })),
      'E_EGRESS_DENIED',
      /invalid egress allowlist entry/,
    );
  });
});

describe('safeFetch: DNS answers', () => {
  it.each([
    ['internal.allowed.test', /private-network/],
    ['loopback.allowed.test', /loopback/],
    ['metadata.allowed.test', /cloud metadata/],
    ['ula.allowed.test', /private-network/],
    ['mapped.allowed.test', /loopback/],
  ])('refuses %s because one of its addresses is blocked, without connecting', async (host, reason) => {
    const before = web.seen.length;
    const network = web.network(DNS);
    const err = await expectToolError(safeFetch(`http://${host}/secret`, options({ unsafeTestNetwork: network })), 'E_EGRESS_DENIED', reason);
    expect(err.message).not.toMatch(/10\.0\.0\.5|fd00|169\.254/); // the internal address itself is not echoed back
    expect(network.routed).toEqual([]);
    expect(pathsSince(before)).toEqual([]);
  });

  it('reports a name that does not resolve', async () => {
    await expectToolError(safeFetch('http://missing.allowed.test/', options()), 'E_TOOL_FAILED', /could not resolve missing\.allowed\.test/);
  });
});

describe('safeFetch: without the test network (production path)', () => {
  const production = (allowHosts: string[]): SafeFetchOptions => ({ allowHosts, maxBytes: 1000, timeoutMs: 5000, maxRedirects: 5 });

  it.each([
    (port: number) => `http://127.0.0.1:${port}/secret`,
    (port: number) => `http://2130706433:${port}/secret`,
    (port: number) => `http://0x7f.1:${port}/secret`,
    (port: number) => `http://[::ffff:127.0.0.1]:${port}/secret`,
    (port: number) => `http://0.0.0.0:${port}/secret`,
    (port: number) => `http://localhost:${port}/secret`,
  ])('refuses the local server even when it is allowlisted (%#)', async (urlFor) => {
    const before = web.seen.length;
    const url = urlFor(web.port);
    // host:port: the port is named (D44), so only the address policy stands between the fetch and the server.
    await expectToolError(safeFetch(url, production([new URL(url).host])), 'E_EGRESS_DENIED', /loopback|unspecified/);
    expect(pathsSince(before)).toEqual([]);
  });
});

describe('safeFetch: redirects', () => {
  it('follows relative redirects on allowed hosts and reports each hop', async () => {
    const res = await safeFetch('http://allowed.test/hop?n=2&to=/hello', options());
    expect(res.status).toBe(200);
    expect(res.body.toString()).toBe('hello');
    expect(res.finalUrl).toBe('http://allowed.test/hello');
    expect(res.redirects).toEqual(['http://allowed.test/hop?n=1&to=%2Fhello', 'http://allowed.test/hop?n=0&to=%2Fhello', 'http://allowed.test/hello']);
  });

  it('follows a redirect to another allowed host, re-checking it', async () => {
    const network = web.network(DNS);
    const res = await safeFetch(`http://allowed.test/hop?to=${encodeURIComponent('http://www.allowed.test/hello')}`, options({ unsafeTestNetwork: network }));
    expect(res.finalUrl).toBe('http://www.allowed.test/hello');
    expect(network.lookups).toEqual(['allowed.test', 'www.allowed.test']);
  });

  // The invariant: a granted first host cannot bounce the fetch into the internal network. The first hop reaches the
  // local server only through the stand-in network (allowed.test → a public address, routed here after vetting);
  // the redirect targets get no such help, and the allowlist here names them too, so only the address policy stands
  // between the fetch and its target.
  const internalTargets = (port: number) => [
    `http://127.0.0.1:${port}/secret`,
    `http://169.254.169.254/latest/meta-data/`,
    `http://[::1]:${port}/secret`,
    `http://2130706433:${port}/secret`,
    `http://[::ffff:127.0.0.1]:${port}/secret`,
    `http://[::ffff:169.254.169.254]/latest/meta-data/`,
    `http://0.0.0.0:${port}/secret`,
    `http://[fd00::1]/`,
    `http://10.0.0.1/`,
  ];

  it.each(internalTargets(0).map((_, i) => i))('refuses a redirect chain that ends at internal target #%i', async (i) => {
    const target = internalTargets(web.port)[i] as string;
    const host = new URL(target).host;
    const before = web.seen.length;
    const careless = options({ allowHosts: ['allowed.test', host] });
    await expectToolError(
      safeFetch(`http://allowed.test/hop?n=2&to=${encodeURIComponent(target)}`, careless),
      'E_EGRESS_DENIED',
      /loopback|link-local|metadata|unspecified|private-network/,
    );
    expect(pathsSince(before).filter((p) => p.startsWith('/hop'))).toHaveLength(3);
    expect(pathsSince(before)).not.toContain('/secret');
  });

  it('refuses a redirect to a name that resolves to an internal address', async () => {
    await expectToolError(
      safeFetch(`http://allowed.test/hop?to=${encodeURIComponent('http://metadata.allowed.test/latest/meta-data/')}`, options()),
      'E_EGRESS_DENIED',
      /metadata\.allowed\.test resolves to a cloud metadata address/,
    );
  });

  it('refuses a redirect to a host outside the allowlist', async () => {
    await expectToolError(
      safeFetch(`http://allowed.test/hop?to=${encodeURIComponent(`http://127.0.0.1:${web.port}/secret`)}`, options()),
      'E_EGRESS_DENIED',
      /127\.0\.0\.1:\d+ is not in/,
    );
    await expectToolError(safeFetch(`http://allowed.test/hop?to=${encodeURIComponent('http://other.test/')}`, options()), 'E_EGRESS_DENIED', /other\.test/);
  });

  it('refuses a redirect to another scheme', async () => {
    await expectToolError(safeFetch(`http://allowed.test/hop?to=${encodeURIComponent('file:///etc/passwd')}`, options()), 'E_EGRESS_DENIED', /file:/);
  });

  it('gives up after maxRedirects', async () => {
    const before = web.seen.length;
    await expectToolError(safeFetch('http://allowed.test/loop', options({ maxRedirects: 3 })), 'E_TOOL_RESOURCE_LIMIT', /3 redirects/);
    expect(pathsSince(before)).toEqual(['/loop', '/loop', '/loop', '/loop']);
    await expectToolError(safeFetch('http://allowed.test/hop?to=/hello', options({ maxRedirects: 0 })), 'E_TOOL_RESOURCE_LIMIT');
  });
});

describe('safeFetch: limits', () => {
  it('cuts the body at maxBytes and says so', async () => {
    const res = await safeFetch('http://allowed.test/big', options({ maxBytes: 1000 }));
    expect(res.truncated).toBe(true);
    expect(res.body).toHaveLength(1000);
  });

  it('does not call a body of exactly maxBytes truncated', async () => {
    const res = await safeFetch('http://allowed.test/exact', options({ maxBytes: 1000 }));
    expect(res.truncated).toBe(false);
    expect(res.body).toHaveLength(1000);
  });

  it('applies the cap to the decompressed body', async () => {
    const res = await safeFetch('http://allowed.test/gzip', options({ maxBytes: 5000 }));
    expect(res.truncated).toBe(true);
    expect(res.body.toString()).toBe('a'.repeat(5000));
    const whole = await safeFetch('http://allowed.test/gzip', options());
    expect(whole.body.toString()).toBe(BIG);
  });

  it('times out when the server never answers', async () => {
    const started = Date.now();
    await expectToolError(safeFetch('http://allowed.test/hang', options({ timeoutMs: 300 })), 'E_TOOL_TIMEOUT', /within 300 ms/);
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('times out when the body stalls', async () => {
    await expectToolError(safeFetch('http://allowed.test/stall', options({ timeoutMs: 300 })), 'E_TOOL_TIMEOUT');
  });

  it('stops when the caller aborts', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const started = Date.now();
    await expectToolError(safeFetch('http://allowed.test/hang', options({ signal: controller.signal })), 'E_TOOL_FAILED', /cancelled/);
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it("reports the caller's own timeout as a timeout", async () => {
    await expectToolError(safeFetch('http://allowed.test/hang', options({ signal: AbortSignal.timeout(100) })), 'E_TOOL_TIMEOUT');
  });

  it('sends nothing when the signal is already aborted', async () => {
    const before = web.seen.length;
    await expectToolError(safeFetch('http://allowed.test/hello', options({ signal: AbortSignal.abort() })), 'E_TOOL_FAILED', /cancelled/);
    expect(pathsSince(before)).toEqual([]);
  });

  it('rejects nonsensical limits as programming errors', async () => {
    await expect(safeFetch('http://allowed.test/', options({ maxBytes: 0 }))).rejects.toThrow(RangeError);
    await expect(safeFetch('http://allowed.test/', options({ maxRedirects: -1 }))).rejects.toThrow(RangeError);
  });
});

/** A self-signed certificate for `secure.test`, made with Debian's openssl (the test is skipped without it). */
function selfSignedCert(): { key: string; cert: string } | undefined {
  const dir = mkdtempSync(join(tmpdir(), 'omni-tls-'));
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=secure.test',
        '-addext',
        'subjectAltName=DNS:secure.test,DNS:www.secure.test',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    return { key: readFileSync(join(dir, 'key.pem'), 'utf8'), cert: readFileSync(join(dir, 'cert.pem'), 'utf8') };
  } catch {
    return undefined;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const tls = selfSignedCert();
(tls ? describe : describe.skip)('safeFetch: https to the pinned address', () => {
  let server: Server;
  let port: number;
  const sni: (string | false | null)[] = [];
  beforeAll(async () => {
    server = createHttpsServer({ key: tls?.key, cert: tls?.cert }, (req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' }).end(`host=${req.headers.host}`);
    });
    server.on('secureConnection', (socket: TLSSocket) => sni.push(socket.servername));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const network = (trustedCa: string | undefined) => ({
    resolve: async () => [{ address: PUBLIC_V4, family: 4 as const }],
    loopbackPortFor: () => port,
    trustedCa,
  });
  const opts = (trustedCa: string | undefined): SafeFetchOptions => ({
    allowHosts: ['secure.test', 'other.secure.test'],
    maxBytes: 1000,
    timeoutMs: 5000,
    maxRedirects: 0,
    unsafeTestNetwork: network(trustedCa),
  });

  it('verifies the certificate against the URL host name (SNI) while connecting to the pinned address', async () => {
    const res = await safeFetch('https://secure.test/', opts(tls?.cert));
    expect(res.body.toString()).toBe('host=secure.test');
    expect(sni.at(-1)).toBe('secure.test');
  });

  it('refuses a certificate that does not name the host', async () => {
    await expectToolError(safeFetch('https://other.secure.test/', opts(tls?.cert)), 'E_TOOL_FAILED', /could not be verified/);
  });

  it('refuses a certificate no trusted root signed', async () => {
    await expectToolError(safeFetch('https://secure.test/', opts(undefined)), 'E_TOOL_FAILED', /could not be verified/);
  });
});
