import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Policy } from '@omniai/contracts';
import { evaluatePolicy } from '@omniai/policy';
import type { OpenApiSpecStore, PolicyStore, ToolRegistryStore } from '@omniai/store';
import { describeOperation, manifestForOperation, manifestHash, ToolError, type UnsafeTestNetwork, validateJson } from '@omniai/tools';
import { PUBLIC_V4 } from '@omniai/tools/testing';
import { PETS_SPEC } from '../testing/openapi-fixtures';
import { callOperation, openApiResolver } from './openapi-executor';
import { ToolCatalog } from './tool-catalog';

interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

const spec = PETS_SPEC as unknown as Record<string, unknown>;
const ctx = { signal: new AbortController().signal };
const ALLOW = ['api.pets.test'];

describe('openapi_proxy executor (a local server behind the test network)', () => {
  let server: Server;
  let port: number;
  const seen: Seen[] = [];
  /** What the server answers next, by path prefix. */
  let answer: (s: Seen) => { status: number; type?: string; body?: string; headers?: Record<string, string> } = () => ({
    status: 200,
    type: 'application/json',
    body: '{}',
  });

  // DNS of the test network: only the document's server resolves, to a public-looking address routed to our server.
  const network = (): UnsafeTestNetwork => ({
    resolve: async (host) => {
      if (host === 'api.pets.test' || host === 'elsewhere.test') return [{ address: PUBLIC_V4, family: 4 }];
      throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
    },
    loopbackPortFor: () => port,
  });
  const call = (operationId: string, input: unknown, allowHosts: readonly string[] = ALLOW, maxBytes?: number) =>
    callOperation(describeOperation(spec, operationId), input, ctx, { allowHosts, unsafeTestNetwork: network(), ...(maxBytes ? { maxBytes } : {}) });
  const codeOf = (p: Promise<unknown>) =>
    p.then(
      () => 'resolved',
      (e: unknown) => (e instanceof ToolError ? e.code : `not a ToolError: ${String(e)}`),
    );

  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const s = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString() };
        seen.push(s);
        const a = answer(s);
        res.writeHead(a.status, { ...(a.type ? { 'content-type': a.type } : {}), ...a.headers }).end(a.body ?? '');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  beforeEach(() => {
    seen.length = 0;
    answer = (s) => ({ status: 200, type: 'application/json', body: JSON.stringify({ echo: s.url }) });
  });

  it('GET: fills the path and query, percent-encoded, and returns status and parsed JSON', async () => {
    const out = await call('getPet', { path: { petId: 'a/b c?#%' }, query: { fields: ['name', 'tag&x'], verbose: true } });
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ method: 'GET', url: '/v1/pets/a%2Fb%20c%3F%23%25?fields=name&fields=tag%26x&verbose=true', body: '' });
    expect(seen[0]!.headers).toMatchObject({ host: 'api.pets.test', accept: expect.stringContaining('application/json') });
    // No credentials and no headers from the input: the optional X-Trace header parameter is never sent.
    expect(seen[0]!.headers).not.toHaveProperty('authorization');
    expect(seen[0]!.headers).not.toHaveProperty('x-trace');
    expect(out).toEqual({ status: 200, body: { echo: seen[0]!.url } });
  });

  it('GET: a non-exploded array is one comma-joined value; numbers as written', async () => {
    await call('listPets', { query: { tags: ['a b', 'c,d'], limit: 5 } });
    expect(seen[0]!.url).toBe('/v1/pets?tags=a%20b,c%2Cd&limit=5');
  });

  it('POST: sends the JSON body with its type and returns the status the API chose', async () => {
    answer = (s) => ({ status: 201, type: 'application/json; charset=utf-8', body: JSON.stringify({ id: 7, ...JSON.parse(s.body) }) });
    const out = await call('createPet', { body: { name: 'Rex', tag: null } });
    expect(seen[0]).toMatchObject({
      method: 'POST',
      url: '/v1/pets',
      body: '{"name":"Rex","tag":null}',
      headers: { 'content-type': 'application/json', 'content-length': '25' },
    });
    expect(out).toEqual({ status: 201, body: { id: 7, name: 'Rex', tag: null } });
  });

  it('non-2xx answers are results; text stays text; an empty body is null', async () => {
    answer = () => ({ status: 404, type: 'application/json', body: '{"error":"no such pet"}' });
    expect(await call('getPet', { path: { petId: 'x' } })).toEqual({ status: 404, body: { error: 'no such pet' } });
    answer = () => ({ status: 503, type: 'text/plain', body: 'down for maintenance' });
    expect(await call('getPet', { path: { petId: 'x' } })).toEqual({ status: 503, body: 'down for maintenance' });
    answer = () => ({ status: 204 });
    expect(await call('getPet', { path: { petId: 'x' } })).toEqual({ status: 204, body: null });
  });

  it('refuses path values that would leave the operation path, before anything is sent', async () => {
    for (const petId of ['..', '.', '']) expect(await codeOf(call('getPet', { path: { petId } }))).toBe('E_VALIDATION');
    expect(await codeOf(call('getPet', { path: { petId: { nested: 1 } } }))).toBe('E_VALIDATION');
    expect(await codeOf(call('getPet', { path: {} }))).toBe('E_VALIDATION');
    // Encoded, a dot segment is just text: "%2e%2e" is sent as %252e%252e and stays inside the segment.
    await call('getPet', { path: { petId: '%2e%2e' } });
    expect(seen.map((s) => s.url)).toEqual(['/v1/pets/%252e%252e']);
  });

  it('contacts the server only when the egress allowlist names its host', async () => {
    expect(await codeOf(call('getPet', { path: { petId: '1' } }, []))).toBe('E_EGRESS_DENIED');
    expect(await codeOf(call('getPet', { path: { petId: '1' } }, ['other.test']))).toBe('E_EGRESS_DENIED');
    expect(await codeOf(call('getPet', { path: { petId: '1' } }, ['*.pets.test']))).toBe('resolved');
    expect(seen).toHaveLength(1);
  });

  it('never follows a redirect off the server host, even to a host the allowlist names', async () => {
    answer = (s) => (s.url.startsWith('/v1/pets/') ? { status: 302, headers: { location: 'http://elsewhere.test/steal' } } : { status: 200 });
    expect(await codeOf(call('getPet', { path: { petId: '1' } }, ['api.pets.test', 'elsewhere.test']))).toBe('E_EGRESS_DENIED');
    expect(seen.map((s) => s.url)).toEqual(['/v1/pets/1']);
  });

  it('caps the response: a larger one is refused, not cut; a body it cannot read is a tool error', async () => {
    answer = () => ({ status: 200, type: 'application/json', body: JSON.stringify({ big: 'x'.repeat(5_000) }) });
    expect(await codeOf(call('getPet', { path: { petId: '1' } }, ALLOW, 1_000))).toBe('E_TOOL_RESOURCE_LIMIT');
    answer = () => ({ status: 200, type: 'application/json', body: '{"unfinished": ' });
    expect(await codeOf(call('getPet', { path: { petId: '1' } }))).toBe('E_TOOL_FAILED');
    answer = () => ({ status: 200, type: 'image/png', body: 'PNG' });
    expect(await codeOf(call('getPet', { path: { petId: '1' } }))).toBe('E_TOOL_FAILED');
  });

  describe('the derived manifests', () => {
    const getPet = manifestForOperation('pets', spec, 'getPet');
    const createPet = manifestForOperation('pets', spec, 'createPet');
    const listPets = manifestForOperation('pets', spec, 'listPets');

    it('hold input to the operation: path and query closed, body as the document says', () => {
      const valid = (m: typeof getPet, input: unknown) => validateJson(m.input_schema, input).ok;
      expect(valid(getPet, { path: { petId: '1' } })).toBe(true);
      expect(valid(getPet, {})).toBe(false); // path is required
      expect(valid(getPet, { path: { petId: '1', other: 2 } })).toBe(false);
      expect(valid(getPet, { path: { petId: '1' }, query: { verbose: 'yes' } })).toBe(false);
      expect(valid(getPet, { path: { petId: '1' }, headers: { 'X-Trace': 'x' } })).toBe(false);
      expect(valid(listPets, { query: { limit: 5 } })).toBe(true);
      expect(valid(listPets, { query: { limit: 0 } })).toBe(false);
      expect(valid(listPets, {})).toBe(false); // limit is a required query parameter
      expect(valid(createPet, { body: { name: 'Rex' } })).toBe(true);
      expect(valid(createPet, { body: { name: 'Rex', tag: null } })).toBe(true); // nullable
      expect(valid(createPet, { body: { name: 'Rex', age: 0 } })).toBe(false); // exclusiveMinimum: true
      expect(valid(createPet, { body: {} })).toBe(false);
      expect(valid(createPet, {})).toBe(false);
    });

    it('GET reads and POST is an external write; both need a reviewer, and the kill switch stops the write', () => {
      expect(getPet.risk).toEqual({ side_effect: 'read', scopes: ['read_web'], egress_hosts: ['api.pets.test'], limits: expect.any(Object) });
      expect(createPet.risk).toMatchObject({ side_effect: 'external_write', scopes: ['write_web'], egress_hosts: ['api.pets.test'] });
      const policy = (kill: boolean): Policy => ({
        grants: [{ level: 'workspace', subject: '*', scopes: ['read_web', 'write_web'], require_approval: false }],
        kill_switch_external_writes: kill,
        egress_allow: ALLOW,
      });
      const subject = { project_id: 'p', user_id: 'u' };
      const decide = (tool: typeof getPet, kill: boolean, approval: 'none' | 'approved') => evaluatePolicy({ tool, policy: policy(kill), subject, approval });
      expect(decide(getPet, false, 'none')).toMatchObject({ decision: 'require_approval', reason_code: 'egress_needs_approval' });
      expect(decide(createPet, false, 'none')).toMatchObject({ decision: 'require_approval', reason_code: 'write_needs_approval' });
      expect(decide(createPet, false, 'approved')).toMatchObject({ decision: 'allow' });
      expect(decide(createPet, true, 'approved')).toMatchObject({ decision: 'deny', reason_code: 'kill_switch' });
      expect(decide(getPet, true, 'approved')).toMatchObject({ decision: 'allow' });
      // No grant of write_web: denied by default.
      expect(evaluatePolicy({ tool: createPet, policy: { grants: [], kill_switch_external_writes: false }, subject, approval: 'approved' }).decision).toBe(
        'deny',
      );
    });
  });

  describe('openApiResolver: tools registered through the API, found when called', () => {
    const manifest = manifestForOperation('pets', spec, 'createPet');
    const registered = { manifest, manifest_hash: manifestHash(manifest), registered_at: new Date().toISOString() };
    const stores = (specStored: boolean, row = registered) => ({
      registry: { get: async (id: string, version: string) => (id === manifest.id && version === '1.0.0' ? row : null) } as unknown as ToolRegistryStore,
      specs: { get: async (id: string) => (specStored && id === 'pets' ? { id, spec, spec_hash: 'h', created_at: '' } : null) } as unknown as OpenApiSpecStore,
      policies: { get: async () => ({ grants: [], kill_switch_external_writes: false, egress_allow: [] }) } as unknown as PolicyStore,
    });

    it('resolves the pinned version with its hash; misses are not remembered', async () => {
      const catalog = new ToolCatalog().addResolver(openApiResolver(stores(true)));
      const entry = await catalog.resolve(manifest.id, '1.0.0');
      expect(entry).toMatchObject({ manifest, manifest_hash: registered.manifest_hash });
      expect(await catalog.resolve(manifest.id, '2.0.0')).toBeUndefined();
      // Production wiring reads the policy's allowlist at call time: empty here, so nothing is sent.
      expect(
        await codeOf(
          entry!.run!({ body: { name: 'Rex' } }, { ...ctx, project_id: 'p', run_id: 'r', call_id: 'c', idempotency_key: 'r/c', heartbeat: () => undefined }),
        ),
      ).toBe('E_EGRESS_DENIED');
      expect(seen).toHaveLength(0);
    });

    it('resolves nothing when the document is missing or the manifest was tampered with', async () => {
      expect(await new ToolCatalog().addResolver(openApiResolver(stores(false))).resolve(manifest.id, '1.0.0')).toBeUndefined();
      const downgraded = { ...manifest, risk: { ...manifest.risk, side_effect: 'read' as const } };
      const tampered = { ...registered, manifest: downgraded, manifest_hash: manifestHash(downgraded) };
      expect(await new ToolCatalog().addResolver(openApiResolver(stores(true, tampered))).resolve(manifest.id, '1.0.0')).toBeUndefined();
      expect(
        await new ToolCatalog().addResolver(openApiResolver(stores(true, { ...registered, manifest_hash: 'f'.repeat(64) }))).resolve(manifest.id, '1.0.0'),
      ).toBeUndefined();
    });
  });
});
