import { Client } from 'pg';
import { ErrorEnvelope, SEARCH_BACKEND_DEFAULT_URLS, SearchBackend, listOf } from '@omniai/contracts';
import { SearchBackendStore, SecretBox, parseMasterKey } from '@omniai/store';
import { createTestDatabase } from '@omniai/store/testing';
import { DataSource } from 'typeorm';
import { type ApiClient, startTestApi, type TestApi } from './support/test-api';

// Web search backends of research runs (issue 16): `/v1/research/backends` on the real API and Postgres (no worker
// needed): the admin-only changes, the key and URL rules, keys sealed and never returned, deletion destroying the key.

const KEY = 'brave-key-never-shown-5b1f';

describe('search backends (real API and Postgres)', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let api: TestApi;
  let viewer: ApiClient;
  let pg: Client;

  const count = async (table: 'secrets' | 'search_backends') => Number((await pg.query(`select count(*)::int as n from ${table}`)).rows[0].n);
  const error = (body: unknown) => ErrorEnvelope.parse(body).error;

  beforeAll(async () => {
    db = await createTestDatabase('search_backends');
    api = await startTestApi({ DATABASE_URL: db.url, OMNI_TASK_QUEUE: `search-backends-${process.pid}` });
    viewer = await api.newUser('viewer');
    pg = new Client({ connectionString: db.url });
    await pg.connect();
  });

  afterAll(async () => {
    await pg.end();
    await api.close();
    await db.drop();
  });

  it('creates each kind, defaults Brave and Tavily URLs, seals keys and never returns them', async () => {
    const secretsBefore = await count('secrets');
    const brave = await api.post('/v1/research/backends', { kind: 'brave', name: 'Brave', api_key: KEY });
    expect(brave.status).toBe(201);
    expect(SearchBackend.parse(brave.body)).toMatchObject({ kind: 'brave', name: 'Brave', base_url: SEARCH_BACKEND_DEFAULT_URLS.brave, has_key: true });
    const tavily = await api.post('/v1/research/backends', { kind: 'tavily', name: 'Tavily', api_key: 'tvly-key', base_url: 'https://tavily.example.org' });
    expect(SearchBackend.parse(tavily.body)).toMatchObject({ base_url: 'https://tavily.example.org', has_key: true });
    const searx = await api.post('/v1/research/backends', { kind: 'searxng', name: 'Our SearXNG', base_url: 'https://searx.example.org/' });
    expect(SearchBackend.parse(searx.body)).toMatchObject({ kind: 'searxng', base_url: 'https://searx.example.org/', has_key: false });
    expect(await count('secrets')).toBe(secretsBefore + 2);

    // Anyone signed in may list them (a research form offers them), without keys or secret references.
    const listed = await viewer.get('/v1/research/backends');
    expect(listed.status).toBe(200);
    const { items } = listOf(SearchBackend).parse(listed.body);
    expect(items.map((b) => b.name)).toEqual(['Our SearXNG', 'Tavily', 'Brave']);
    for (const body of [brave.body, tavily.body, searx.body, listed.body]) {
      expect(JSON.stringify(body)).not.toMatch(new RegExp(`${KEY}|tvly-key|secret_id|created_by`));
    }
    // The row holds a reference, the secrets table ciphertext: the key is nowhere in the clear.
    const rows = await pg.query(`select s.ciphertext::text as c, b.* from search_backends b join secrets s on s.id = b.secret_id`);
    expect(JSON.stringify(rows.rows)).not.toContain(KEY);
  });

  it('reveals the key to the worker (the store), for the row it was sealed for', async () => {
    const created = SearchBackend.parse((await api.post('/v1/research/backends', { kind: 'tavily', name: 'Reveal', api_key: 'tvly-reveal' })).body);
    const ds = new DataSource({ type: 'postgres', url: db.url });
    await ds.initialize();
    try {
      const store = new SearchBackendStore(ds, new SecretBox(ds, parseMasterKey(process.env['OMNI_TEST_SECRETS_KEY']!)));
      expect(await store.reveal(created.id)).toEqual({
        id: created.id,
        kind: 'tavily',
        name: 'Reveal',
        base_url: SEARCH_BACKEND_DEFAULT_URLS.tavily,
        api_key: 'tvly-reveal',
      });
      expect(await store.reveal('00000000-0000-4000-8000-000000000000')).toBeNull();
    } finally {
      await ds.destroy();
    }
  });

  it.each([
    [{ kind: 'brave', name: 'No key' }, 'A Brave Search backend needs an API key.', 'api_key'],
    [{ kind: 'tavily', name: 'No key', base_url: 'https://t.example.org' }, 'A Tavily backend needs an API key.', 'api_key'],
    [{ kind: 'searxng', name: 'No URL' }, 'A SearXNG backend needs the URL of its instance.', 'base_url'],
  ])('refuses %j with 400 naming the field', async (body, message, path) => {
    const before = [await count('search_backends'), await count('secrets')];
    const res = await api.post('/v1/research/backends', body);
    expect(res.status).toBe(400);
    expect(error(res.body)).toMatchObject({ code: 'E_VALIDATION', message, detail: [{ path }] });
    expect([await count('search_backends'), await count('secrets')]).toEqual(before);
  });

  it.each([
    { kind: 'bing', name: 'x', api_key: 'k' },
    { kind: 'searxng', name: 'x', base_url: 'ftp://searx.example.org' },
    { kind: 'searxng', name: '', base_url: 'https://searx.example.org' },
    { kind: 'searxng', name: 'x', base_url: 'https://searx.example.org', extra: true },
  ])('refuses an invalid body %j with 400', async (body) => {
    const res = await api.post('/v1/research/backends', body);
    expect(res.status).toBe(400);
    expect(error(res.body).code).toBe('E_VALIDATION');
  });

  it('lets only admins create and delete', async () => {
    const created = await viewer.post('/v1/research/backends', { kind: 'searxng', name: 'Mine', base_url: 'https://searx.example.org' });
    expect(created.status).toBe(403);
    const some = listOf(SearchBackend).parse((await api.get('/v1/research/backends')).body).items[0]!;
    expect((await viewer.del(`/v1/research/backends/${some.id}`)).status).toBe(403);
  });

  it('deletes a backend with its sealed key; unknown and malformed ids get the error envelope', async () => {
    const created = SearchBackend.parse((await api.post('/v1/research/backends', { kind: 'brave', name: 'Doomed', api_key: 'doomed-key' })).body);
    const before = [await count('search_backends'), await count('secrets')];
    expect(await api.del(`/v1/research/backends/${created.id}`)).toEqual({ status: 204, body: null });
    expect([await count('search_backends'), await count('secrets')]).toEqual([before[0]! - 1, before[1]! - 1]);
    const again = await api.del(`/v1/research/backends/${created.id}`);
    expect(again.status).toBe(404);
    expect(error(again.body)).toMatchObject({ code: 'E_NOT_FOUND', message: `No search backend ${created.id}.` });
    const malformed = await api.del('/v1/research/backends/not-a-uuid');
    expect(malformed.status).toBe(400);
    expect(error(malformed.body).code).toBe('E_VALIDATION');
  });

  it('a research run names a configured backend by id and records its kind and host; an unknown one is 400', async () => {
    const project = (await api.post('/v1/projects', { name: 'Web research' })).body as { id: string };
    const backend = SearchBackend.parse(
      (await api.post('/v1/research/backends', { kind: 'searxng', name: 'For runs', base_url: 'https://searx.example.org:8443/searx' })).body,
    );
    const started = await api.post(`/v1/projects/${project.id}/research`, {
      question: 'What does event sourcing replay?',
      sources: { documents: false, web: { backend_id: backend.id } },
    });
    expect(started.status).toBe(202);
    const view = await api.get(`/v1/runs/${(started.body as { id: string }).id}/research`);
    expect(view.status).toBe(200);
    expect(view.body.request.sources.web).toEqual({ backend_id: backend.id, kind: 'searxng', hosts: ['searx.example.org:8443'] });
    expect(view.body.request.plan_review).toBe(true);

    const unknown = await api.post(`/v1/projects/${project.id}/research`, {
      question: 'What does event sourcing replay?',
      sources: { documents: false, web: { backend_id: '00000000-0000-4000-8000-000000000000' } },
    });
    expect(unknown.status).toBe(400);
    expect(error(unknown.body)).toMatchObject({ code: 'E_VALIDATION', detail: [{ path: 'sources.web.backend_id' }] });
  });
});
