import { Client } from 'pg';
import { ErrorEnvelope, PROVIDER_PRESETS, ProviderConfig, ProviderPresetInfo, Run, listOf, toProviderPresetInfo } from '@omniai/contracts';
import { startOpenAiWireServer, type WireServer } from '@omniai/providers/testing';
import type { TestApi } from './support/test-api';
import { startTestStack, type TestStack } from './support/test-stack';

const KEY = 'sk-delete-me-7c1e9a';

describe('provider presets and deleting providers (real Postgres, Temporal and worker)', () => {
  let stack: TestStack;
  let api: TestApi;
  let server: WireServer;
  let pg: Client;

  const count = async (table: 'secrets' | 'provider_configs') => Number((await pg.query(`select count(*)::int as n from ${table}`)).rows[0].n);
  const waitForEnd = async (runId: string): Promise<Run> => {
    for (let i = 0; i < 200; i++) {
      const run = Run.parse((await api.get(`/v1/runs/${runId}`)).body);
      if (['completed', 'failed', 'cancelled'].includes(run.status)) return run;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('run did not end');
  };

  beforeAll(async () => {
    server = await startOpenAiWireServer(KEY);
    stack = await startTestStack('providers');
    api = stack.api;
    pg = new Client({ connectionString: stack.databaseUrl });
    await pg.connect();
  });

  afterAll(async () => {
    await pg.end();
    await stack.stop();
    await server.close();
  });

  it('lists every preset from the contracts, in order, with what the console needs to build its form', async () => {
    const res = await api.get('/v1/provider-presets');
    expect(res.status).toBe(200);
    const { items } = listOf(ProviderPresetInfo).parse(res.body);
    expect(items).toEqual(PROVIDER_PRESETS.map(toProviderPresetInfo));
    expect(items.find((p) => p.id === 'ollama')).toMatchObject({ label: 'Ollama', requires_key: false, local: true, auth_header: 'none' });
    expect(items.find((p) => p.id === 'anthropic')).toMatchObject({ api: 'anthropic', requires_key: true, local: false, auth_header: 'x-api-key' });
  });

  it('deletes a provider and destroys its sealed key; unknown and malformed ids get the error envelope', async () => {
    const keyed = ProviderConfig.parse((await api.post('/v1/providers', { name: 'Doomed', preset: 'openai', api_key: KEY })).body);
    const keyless = ProviderConfig.parse((await api.post('/v1/providers', { name: 'Local', preset: 'ollama' })).body);
    expect([await count('provider_configs'), await count('secrets')]).toEqual([2, 1]);

    const gone = await api.del(`/v1/providers/${keyed.id}`);
    expect(gone).toEqual({ status: 204, body: null });
    expect([await count('provider_configs'), await count('secrets')]).toEqual([1, 0]);
    const listed = listOf(ProviderConfig).parse((await api.get('/v1/providers')).body).items;
    expect(listed.map((p) => p.id)).toEqual([keyless.id]);

    expect((await api.del(`/v1/providers/${keyless.id}`)).status).toBe(204);
    expect([await count('provider_configs'), await count('secrets')]).toEqual([0, 0]);

    const again = await api.del(`/v1/providers/${keyed.id}`);
    expect(again.status).toBe(404);
    expect(ErrorEnvelope.parse(again.body).error).toMatchObject({ code: 'E_NOT_FOUND', message: `No provider ${keyed.id}.` });

    const malformed = await api.del('/v1/providers/not-a-uuid');
    expect(malformed.status).toBe(400);
    expect(ErrorEnvelope.parse(malformed.body).error).toMatchObject({
      code: 'E_VALIDATION',
      detail: [{ path: '(root)', message: 'expected a UUID' }],
    });
  });

  it('names the preset when its key is missing, with the field in detail', async () => {
    const res = await api.post('/v1/providers', { name: 'No key', preset: 'anthropic' });
    expect(res.status).toBe(400);
    expect(ErrorEnvelope.parse(res.body).error).toMatchObject({
      code: 'E_VALIDATION',
      message: 'The Anthropic preset needs an API key.',
      detail: [{ path: 'api_key', message: 'required for this preset' }],
    });
  });

  it('keeps the pins of runs through a deleted provider; a retry fails with E_PROVIDER_BAD_REQUEST', async () => {
    const config = ProviderConfig.parse((await api.post('/v1/providers', { name: 'Wire', preset: 'openai', base_url: `${server.url}/v1`, api_key: KEY })).body);
    const project = (await api.post('/v1/projects', { name: 'Deleted provider' })).body;
    const thread = (await api.post(`/v1/projects/${project.id}/threads`, {})).body;
    const first = Run.parse((await api.post(`/v1/threads/${thread.id}/runs`, { message: 'hi', pins: { provider: config.id, model: 'gpt-test' } })).body);
    expect(await waitForEnd(first.id)).toMatchObject({ status: 'completed', output_tokens: 4 });
    const calls = server.requests.length;

    expect((await api.del(`/v1/providers/${config.id}`)).status).toBe(204);

    // The finished run is untouched: same pins, same status, same events.
    const after = Run.parse((await api.get(`/v1/runs/${first.id}`)).body);
    expect(after).toMatchObject({ status: 'completed', pins: { provider: config.id, model: 'gpt-test' } });
    expect((await api.get(`/v1/runs/${first.id}/events`)).body.items).toHaveLength(4);

    // A retry reuses the pins, so it names a provider that no longer exists.
    const retry = await api.post(`/v1/runs/${first.id}/retry`);
    expect(retry.status).toBe(201);
    const failed = await waitForEnd(Run.parse(retry.body).id);
    expect(failed.status).toBe('failed');
    expect(failed.pins.provider).toBe(config.id);
    expect(failed.error?.code).toBe('E_PROVIDER_BAD_REQUEST');
    expect(failed.error?.message).toBe(`No provider "${config.id}" is configured; use the offline model or configure the provider.`);
    expect(server.requests.length).toBe(calls); // nothing reached the provider
  });
});
