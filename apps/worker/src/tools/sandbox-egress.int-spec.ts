import type { ToolManifest } from '@omniai/contracts';
import { DockerSandbox, SANDBOX_IMAGE, SANDBOX_LABEL } from '@omniai/sandbox';
import { EgressProxy, ToolError } from '@omniai/tools';
import { LoopbackWeb, PUBLIC_V4 } from '@omniai/tools/testing';
import Docker from 'dockerode';
import { existsSync } from 'node:fs';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { networkInterfaces } from 'node:os';
import { pythonComputeManifest } from './python-compute';
import { IDEMPOTENCY_LABEL, runSandboxJob } from './sandbox-executor';

// A sandboxed tool's network, seen from inside real containers (D32): without a grant there is none at all; with a
// grant the only way out is the call's egress proxy, which lets through the allowed host and refuses the rest.

const docker = new Docker();
const sandbox = new DockerSandbox(docker);
const runId = `egress-test-${process.pid}`;
let manifest: ToolManifest;
let web: LoopbackWeb;
let api: Server;
let apiPort: number;
const apiHits: string[] = [];
let proxy: EgressProxy;
const logged: Array<{ callId: string; host: string; reason: string }> = [];

/**
 * What a container might try directly: the API-like server, the test run's real Temporal and Postgres, each on
 * loopback and on every IPv4 address of this host, and the metadata service.
 */
function directTargets(): Array<[string, number]> {
  const own = Object.values(networkInterfaces())
    .flat()
    .filter((a) => a !== undefined && a.family === 'IPv4')
    .map((a) => a!.address);
  const ports = [
    apiPort,
    Number(process.env['OMNI_TEST_TEMPORAL_ADDRESS']?.split(':').pop()),
    Number(new URL(process.env['OMNI_TEST_PG_ADMIN_URL'] ?? 'postgres://x').port),
  ].filter((p) => Number.isInteger(p) && p > 0);
  const hosts = [...new Set(['127.0.0.1', ...own])];
  return [...hosts.flatMap((h) => ports.map((p): [string, number] => [h, p])), ['169.254.169.254', 80]];
}

beforeAll(async () => {
  const image = await docker.getImage(SANDBOX_IMAGE).inspect();
  const base = pythonComputeManifest(`omniai/sandbox-python@${image.Id}`, 'egress-test');
  // python.compute itself declares no egress; a sandboxed tool that does is the same runner with egress hosts.
  manifest = { ...base, risk: { ...base.risk, egress_hosts: ['*'], limits: { ...base.risk.limits, timeout_ms: 60_000 } } };
  // Stands in for the API, Temporal, Postgres …: listening on every host address.
  api = createServer((req, res) => {
    apiHits.push(req.url ?? '');
    res.end('internal');
  });
  await new Promise<void>((resolve) => api.listen(0, '0.0.0.0', resolve));
  apiPort = (api.address() as AddressInfo).port;
  web = await LoopbackWeb.start({
    '/ok': (_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('hello from allowed.test'),
    '/to-api': (_req, res) => res.writeHead(302, { location: `http://127.0.0.1:${apiPort}/secret` }).end(),
  });
  const network = web.network({ 'allowed.test': [PUBLIC_V4], 'other.test': [PUBLIC_V4], 'rebind.test': ['127.0.0.1'] });
  proxy = await EgressProxy.start({ onRefusal: (e) => logged.push(e), unsafeTestNetwork: network });
});

afterAll(async () => {
  await proxy?.close();
  await web?.close();
  await new Promise((resolve) => (api ? api.close(resolve) : resolve(undefined)));
});

/** Runs `code` as the tool's Python in a fresh container; `allow` is the workspace's egress_allow. */
async function runPython(code: string, allow: readonly string[], callId: string): Promise<{ stdout: string; stderr: string; exit_code: number }> {
  return (await runSandboxJob(sandbox, manifest, { code }, { run_id: runId, idempotency_key: `${runId}/${callId}` }, { proxy, workspaceAllow: allow })) as {
    stdout: string;
    stderr: string;
    exit_code: number;
  };
}

/** Python that tries each address directly (no proxy) and reports `connected` or the error. */
const directProbe = (targets: Array<[string, number]>) => `
import errno, json, os, socket
direct = {}
for host, port in ${JSON.stringify(targets)}:
    try:
        socket.create_connection((host, port), timeout=5).close()
        direct[f"{host}:{port}"] = "connected"
    except OSError as e:
        direct[f"{host}:{port}"] = errno.errorcode.get(e.errno, type(e).__name__)
`;

describe('sandboxed tools and the egress proxy (real Docker engine)', () => {
  it('without a grant: no proxy, no socket, and neither the API, Temporal, Postgres, the proxy port nor the metadata address is reachable', async () => {
    const targets: Array<[string, number]> = [...directTargets(), ['127.0.0.1', 3128]];
    expect(targets.length).toBeGreaterThanOrEqual(4); // the API-like server, Temporal and Postgres at least on loopback
    const code = `${directProbe(targets)}
print(json.dumps({"direct": direct, "proxy_env": [k for k in os.environ if "proxy" in k.lower()], "socket": os.path.exists("/run/omni-egress.sock"),
  "ifs": [l.split(":")[0].strip() for l in open("/proc/net/dev").read().splitlines()[2:]]}))`;
    // The manifest asks for egress, but the workspace allows none: the call gets no way out at all.
    const out = await runPython(code, [], 'no-grant');
    expect(out.exit_code).toBe(0);
    const seen = JSON.parse(out.stdout) as { direct: Record<string, string>; proxy_env: string[]; socket: boolean; ifs: string[] };
    expect(seen.proxy_env).toEqual([]);
    expect(seen.socket).toBe(false);
    expect(seen.ifs).toEqual(['lo']);
    expect(Object.keys(seen.direct)).toHaveLength(targets.length);
    for (const [target, result] of Object.entries(seen.direct)) expect([target, result]).not.toEqual([target, 'connected']);
    expect(apiHits).toEqual([]);
  });

  it('with a grant: the allowed host answers through the proxy; another host, a redirect to 127.0.0.1 and direct connections do not', async () => {
    const targets = directTargets();
    const code = `${directProbe(targets)}
import urllib.request, urllib.error
def fetch(url):
    try:
        with urllib.request.urlopen(url, timeout=20) as r:
            return [r.status, r.read().decode()]
    except urllib.error.HTTPError as e:
        return [e.code, e.read().decode()]
print(json.dumps({"direct": direct, "allowed": fetch("http://allowed.test/ok"), "other": fetch("http://other.test/ok"),
  "redirect": fetch("http://allowed.test/to-api"), "rebind": fetch("http://rebind.test/secret"),
  "literal": fetch("http://127.0.0.1:${apiPort}/secret"), "proxy": os.environ.get("HTTP_PROXY")}))`;
    const out = await runPython(code, ['allowed.test', 'rebind.test', '127.0.0.1'], 'grant');
    expect(out.stderr).toBe('');
    const seen = JSON.parse(out.stdout) as Record<string, [number, string]> & { direct: Record<string, string>; proxy: string };
    expect(seen.proxy).toBe('http://127.0.0.1:3128');
    expect(seen.allowed).toEqual([200, 'hello from allowed.test']);
    expect(seen.other).toEqual([403, "OmniAI egress proxy refused other.test: other.test is not in this call's egress allowlist\n"]);
    // urllib followed the 302 with a new request through the proxy, which refused it.
    // The redirect names a port no entry allows (D44), so the allowlist refuses it before the address policy would.
    expect(seen.redirect).toEqual([
      403,
      expect.stringMatching(/^OmniAI egress proxy refused 127\.0\.0\.1: 127\.0\.0\.1:\d+ is not in this call's egress allowlist\n$/),
    ]);
    expect(seen.rebind).toEqual([403, 'OmniAI egress proxy refused rebind.test: rebind.test resolves to a loopback address; refused\n']);
    expect(seen.literal?.[0]).toBe(403);
    for (const [target, result] of Object.entries(seen.direct)) expect([target, result]).not.toEqual([target, 'connected']);
    expect(apiHits).toEqual([]);
    expect(web.paths()).toEqual(['/ok', '/to-api']);
    expect(logged.filter((l) => l.callId === `${runId}/grant`).map((l) => l.host)).toEqual(['other.test', '127.0.0.1', 'rebind.test', '127.0.0.1']);
  });

  it('a tool that fails on a refused request ends as E_EGRESS_DENIED naming the refusal; its container and socket are gone', async () => {
    const code = 'import urllib.request\nurllib.request.urlopen("http://other.test/data", timeout=20)';
    const err = await runPython(code, ['allowed.test'], 'denied').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ToolError);
    expect((err as ToolError).code).toBe('E_EGRESS_DENIED');
    expect((err as ToolError).message).toContain('HTTP Error 403');
    expect((err as ToolError).message).toContain("the egress proxy refused other.test: other.test is not in this call's egress allowlist");
    const left = await docker.listContainers({ all: true, filters: { label: [`${SANDBOX_LABEL}=1`, `${IDEMPOTENCY_LABEL}=${runId}/denied`] } });
    expect(left).toEqual([]);
  });

  it('closes every call socket with the worker', async () => {
    const other = await EgressProxy.start();
    const session = await other.open({ callId: 'x', allowHosts: [['allowed.test']], maxBytes: 1000, timeoutMs: 60_000 });
    expect(existsSync(session.socketPath)).toBe(true);
    await other.close();
    expect(existsSync(session.socketPath)).toBe(false);
  });
});
