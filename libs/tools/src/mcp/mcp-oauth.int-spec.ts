import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { type UnsafeTestNetwork, vettedFetch } from '../egress/safe-fetch';
import { ToolError } from '../tool';
import { callMcpTool, listMcpTools } from './mcp-client';
import { beginMcpAuthorization, completeMcpAuthorization, type McpOAuthState, type McpOAuthVault, VaultOAuthProvider } from './mcp-oauth';

// OAuth 2.1 with PKCE against a real authorization server (oidc-provider) guarding a real MCP server, both over
// https (tools/testing/oauth-mcp-fixture.mjs): the admin's authorization, the callback, calls with the token, the
// refresh when it expires, and the refusals (state mismatch, plain http).

const ROOT = resolve(__dirname, '../../../..');
const REDIRECT = 'https://omni.test/v1/mcp/oauth/callback';
const SERVER_URL = 'https://mcp.test/mcp';
const ADDRESSES: Record<string, string> = { 'auth.test': '93.184.215.14', 'mcp.test': '93.184.215.15' };
/** Access tokens live this long in the fixture, so the test sees one expire and be refreshed. */
const ACCESS_TTL_S = 2;

/** Stands in for the hub's sealed store: the state the client reads and writes, kept as JSON like the store seals it. */
class JsonVault implements McpOAuthVault {
  json = '{}';
  writes = 0;
  async load(): Promise<McpOAuthState> {
    return JSON.parse(this.json) as McpOAuthState;
  }
  async save(state: McpOAuthState): Promise<void> {
    this.json = JSON.stringify(state);
    this.writes += 1;
  }
}

function certificate(dir: string): { cert: string; key: string } {
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=auth.test',
      '-addext',
      'subjectAltName=DNS:auth.test,DNS:mcp.test',
      '-keyout',
      join(dir, 'key.pem'),
      '-out',
      join(dir, 'cert.pem'),
    ],
    { stdio: 'ignore' },
  );
  return { cert: join(dir, 'cert.pem'), key: join(dir, 'key.pem') };
}

describe('MCP OAuth 2.1 client (real authorization server and MCP server over https)', () => {
  let dir: string;
  let fixture: ChildProcess;
  let ports: Record<string, number>;
  let ca: string;
  let network: UnsafeTestNetwork;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'omni-oauth-'));
    const tls = certificate(dir);
    ca = readFileSync(tls.cert, 'utf8');
    fixture = spawn(process.execPath, [join(ROOT, 'tools/testing/oauth-mcp-fixture.mjs'), tls.cert, tls.key, String(ACCESS_TTL_S)], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const line = await new Promise<string>((done, fail) => {
      createInterface({ input: fixture.stdout! }).once('line', done);
      fixture.once('exit', (code) => fail(new Error(`the OAuth fixture exited with ${code}`)));
    });
    const started = JSON.parse(line) as { as_port: number; mcp_port: number };
    ports = { [ADDRESSES['auth.test']!]: started.as_port, [ADDRESSES['mcp.test']!]: started.mcp_port };
    network = {
      resolve: async (host) => {
        const address = ADDRESSES[host];
        if (!address) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
        return [{ address, family: 4 }];
      },
      loopbackPortFor: (vetted) => ports[vetted.address]!,
      trustedCa: ca,
    };
  }, 30_000);

  afterAll(() => {
    fixture?.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  });

  const fetchFn = () =>
    vettedFetch({ allowHosts: ['auth.test', 'mcp.test'], maxBytes: 1024 * 1024, signal: AbortSignal.timeout(15_000), unsafeTestNetwork: network });

  /** The admin's browser: follows the authorization URL through login and consent to OmniAI's callback. */
  async function browse(start: string): Promise<URL> {
    const cookies = new Map<string, string>();
    let at = new URL(start);
    for (let hop = 0; hop < 12; hop += 1) {
      if (at.href.startsWith(REDIRECT)) return at;
      const answer = await new Promise<{ status: number; location?: string; setCookie: string[] }>((done, fail) => {
        const req = httpsRequest(
          {
            host: '127.0.0.1',
            port: ports[ADDRESSES[at.hostname]!],
            servername: at.hostname,
            ca,
            path: `${at.pathname}${at.search}`,
            headers: { host: at.host, cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
          },
          (res) => {
            res.resume();
            done({ status: res.statusCode ?? 0, location: res.headers.location, setCookie: res.headers['set-cookie'] ?? [] });
          },
        );
        req.on('error', fail);
        req.end();
      });
      for (const c of answer.setCookie) {
        const [pair] = c.split(';');
        const eq = pair!.indexOf('=');
        cookies.set(pair!.slice(0, eq), pair!.slice(eq + 1));
      }
      if (!answer.location) throw new Error(`the authorization server answered ${answer.status} at ${at.pathname} without a redirect`);
      at = new URL(answer.location, at);
    }
    throw new Error('too many redirects');
  }

  async function authorize(vault: JsonVault): Promise<void> {
    const { authorizationUrl } = await beginMcpAuthorization(SERVER_URL, vault, { redirectUrl: REDIRECT }, fetchFn());
    expect(authorizationUrl).not.toBeNull();
    const url = new URL(authorizationUrl!);
    expect(url.origin).toBe('https://auth.test');
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    expect(url.searchParams.get('resource')).toBe(SERVER_URL);
    const callback = await browse(authorizationUrl!);
    await completeMcpAuthorization(
      SERVER_URL,
      vault,
      { redirectUrl: REDIRECT },
      { code: callback.searchParams.get('code')!, state: callback.searchParams.get('state')!, iss: callback.searchParams.get('iss') ?? undefined },
      fetchFn(),
    );
  }

  const connect = (vault: JsonVault) => ({
    allowHosts: ['mcp.test', 'auth.test'],
    timeoutMs: 15_000,
    unsafeTestNetwork: network,
    authProvider: new VaultOAuthProvider(vault, { redirectUrl: REDIRECT }, false),
  });

  it('refuses calls without authorization, then authorizes with PKCE and calls with the token', async () => {
    const vault = new JsonVault();
    await expect(listMcpTools(SERVER_URL, connect(vault))).rejects.toMatchObject({ code: 'E_AUTH_REQUIRED', message: expect.stringMatching(/not authorized/) });

    await authorize(vault);
    const state = await vault.load();
    expect(state.tokens?.access_token).toEqual(expect.any(String));
    expect(state.tokens?.refresh_token).toEqual(expect.any(String));
    expect(state.client?.client_id).toEqual(expect.any(String)); // registered dynamically
    expect(state.pending_state).toBeUndefined();
    expect(state.code_verifier).toBeUndefined();

    const listing = await listMcpTools(SERVER_URL, connect(vault));
    expect(listing.tools.map((t) => t.name)).toEqual(['whoami']);
    expect((await callMcpTool(SERVER_URL, 'whoami', {}, connect(vault))).text).toBe('you are alice');
  }, 60_000);

  it('refreshes an expired access token and keeps the new one', async () => {
    const vault = new JsonVault();
    await authorize(vault);
    const first = (await vault.load()).tokens!;
    await new Promise((r) => setTimeout(r, (ACCESS_TTL_S + 1) * 1000));
    expect((await callMcpTool(SERVER_URL, 'whoami', {}, connect(vault))).text).toBe('you are alice');
    const second = (await vault.load()).tokens!;
    expect(second.access_token).not.toBe(first.access_token);
    expect(second.refresh_token).not.toBe(first.refresh_token); // rotated
  }, 60_000);

  it('exchanges no code whose state is not the pending one', async () => {
    const vault = new JsonVault();
    const { authorizationUrl } = await beginMcpAuthorization(SERVER_URL, vault, { redirectUrl: REDIRECT }, fetchFn());
    const callback = await browse(authorizationUrl!);
    const attempt = completeMcpAuthorization(
      SERVER_URL,
      vault,
      { redirectUrl: REDIRECT },
      { code: callback.searchParams.get('code')!, state: 'forged' },
      fetchFn(),
    );
    await expect(attempt).rejects.toBeInstanceOf(ToolError);
    await expect(attempt).rejects.toMatchObject({ code: 'E_VALIDATION' });
    expect((await vault.load()).tokens).toBeUndefined();
  }, 60_000);

  it('uses OAuth only over https (loopback excepted)', async () => {
    await expect(beginMcpAuthorization('http://mcp.example.org/mcp', new JsonVault(), { redirectUrl: REDIRECT }, fetchFn())).rejects.toMatchObject({
      code: 'E_VALIDATION',
    });
  });
});
