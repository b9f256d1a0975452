import { Client } from 'pg';
import { ProviderConfig, Run, RunEvent } from '@omniai/contracts';
import { startOpenAiWireServer, type WireServer } from '@omniai/providers/testing';
import { createTestDatabase } from '@omniai/store/testing';
import { startTestWorker, testPayloadKeys, type TestWorker } from '@omniai/worker/testing';
import { AesGcmPayloadCodec, openHistoryPayloads } from '@omniai/workflow-api/codec';
import { TemporalService } from '../src/temporal/temporal.service';
import { startTestApi, type TestApi } from './support/test-api';

// A canary secret: it must reach the provider, and nothing else.
const CANARY = 'sk-canary-OMNI-4f9d2c7a1e8b';

/** History JSON plus every payload decoded (payload data is base64: a plain grep would miss a secret inside). */
function historyText(value: unknown): string {
  const parts: string[] = [];
  const walk = (v: unknown, key?: string) => {
    if (typeof v === 'string') {
      parts.push(v);
      if (key === 'data') parts.push(Buffer.from(v, 'base64').toString('utf8'));
    } else if (Array.isArray(v)) v.forEach((x) => walk(x));
    else if (v && typeof v === 'object') Object.entries(v).forEach(([k, x]) => walk(x, k));
  };
  walk(JSON.parse(JSON.stringify(value)));
  return parts.join('\n');
}

describe('provider keys are used by reference only (real SDK against a local OpenAI wire server)', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let worker: TestWorker;
  let api: TestApi;
  let server: WireServer;
  const responses: string[] = [];
  const output: string[] = [];
  const spies: jest.SpyInstance[] = [];

  const call = async (method: 'get' | 'post', path: string, body?: unknown) => {
    const res = method === 'get' ? await api.get(path) : await api.post(path, body);
    responses.push(JSON.stringify(res.body));
    return res;
  };
  const waitForEnd = async (runId: string): Promise<Run> => {
    for (let i = 0; i < 200; i++) {
      const run = Run.parse((await call('get', `/v1/runs/${runId}`)).body);
      if (['completed', 'failed', 'cancelled'].includes(run.status)) return run;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('run did not end');
  };

  beforeAll(async () => {
    // Everything this process writes (Nest, the Temporal worker's logs, console) is kept for the canary grep.
    for (const stream of [process.stdout, process.stderr]) {
      const original = stream.write.bind(stream);
      spies.push(
        jest.spyOn(stream, 'write').mockImplementation(((chunk: string | Uint8Array, ...rest: unknown[]) => {
          output.push(String(chunk));
          return (original as (...a: unknown[]) => boolean)(chunk, ...rest);
        }) as typeof stream.write),
      );
    }
    server = await startOpenAiWireServer(CANARY);
    db = await createTestDatabase('keys');
    worker = await startTestWorker(db.url);
    api = await startTestApi({ DATABASE_URL: db.url, OMNI_TASK_QUEUE: worker.taskQueue, OMNI_LOG_LEVEL: 'debug' });
  });

  afterAll(async () => {
    spies.forEach((s) => s.mockRestore());
    await api.close();
    await worker.stop();
    await db.drop();
    await server.close();
  });

  it('runs through the configured provider and never lets the key out', async () => {
    const created = await call('post', '/v1/providers', { name: 'Local OpenAI', preset: 'openai', base_url: `${server.url}/v1`, api_key: CANARY });
    expect(created.status).toBe(201);
    const config = ProviderConfig.parse(created.body);
    expect(config).toMatchObject({ has_key: true, preset: 'openai' });
    expect(config.key_fingerprint).toMatch(/^[0-9a-f]{12}$/);
    const wrong = ProviderConfig.parse(
      (await call('post', '/v1/providers', { name: 'Wrong key', preset: 'openai', base_url: `${server.url}/v1`, api_key: `${CANARY}-x` })).body,
    );
    expect((await call('post', '/v1/providers', { name: 'No key', preset: 'openai' })).status).toBe(400);

    const project = (await call('post', '/v1/projects', { name: 'Keys' })).body;
    const thread = (await call('post', `/v1/projects/${project.id}/threads`, {})).body;
    const ok = Run.parse(
      (await call('post', `/v1/threads/${thread.id}/runs`, { message: 'hello provider', pins: { provider: config.id, model: 'gpt-test' } })).body,
    );
    const bad = Run.parse(
      (await call('post', `/v1/threads/${thread.id}/runs`, { message: 'hello again', pins: { provider: wrong.id, model: 'gpt-test' } })).body,
    );

    const okDone = await waitForEnd(ok.id);
    expect(okDone).toMatchObject({ status: 'completed', input_tokens: 11, output_tokens: 4 });
    const events = (await call('get', `/v1/runs/${ok.id}/events`)).body.items as RunEvent[];
    const reply = events.find((e) => e.kind === 'assistant_message');
    expect(reply?.kind === 'assistant_message' && reply.payload.content).toEqual({ text: 'Hello from the wire' });
    expect(server.requests.some((r) => r.headers.authorization === `Bearer ${CANARY}`)).toBe(true);

    const badDone = await waitForEnd(bad.id);
    expect(badDone.error?.code).toBe('E_PROVIDER_AUTH');
    await call('get', `/v1/runs/${bad.id}/events`);
    await call('get', '/v1/providers');

    // The sinks: Temporal history, every Postgres table, every API response, everything logged.
    const temporal = api.app.get(TemporalService).client;
    // Opened with the payload keys (D45): the key must be absent from what the payloads say, not only from ciphertext.
    const codec = new AesGcmPayloadCodec(testPayloadKeys());
    const histories = await Promise.all(
      [okDone, badDone].map(async (r) => openHistoryPayloads(await temporal.workflow.getHandle(r.workflow_id).fetchHistory(), codec)),
    );
    const pg = new Client({ connectionString: db.url });
    await pg.connect();
    const tables = (await pg.query(`select tablename from pg_tables where schemaname = 'public'`)).rows.map((r) => r.tablename as string);
    const dump: string[] = [];
    for (const t of tables) dump.push(...(await pg.query(`select t::text as row from "${t}" t`)).rows.map((r) => r.row as string));
    const ciphertexts = (await pg.query(`select ciphertext from secrets`)).rows.map((r) => (r.ciphertext as Buffer).toString('latin1'));
    await pg.end();

    expect(tables).toEqual(expect.arrayContaining(['secrets', 'provider_configs', 'run_events', 'runs']));
    expect(ciphertexts).toHaveLength(2);
    const sinks = {
      temporal_history: historyText(histories),
      postgres: dump.join('\n') + ciphertexts.join(''),
      api_responses: responses.join('\n'),
      logs: output.join(''),
    };
    for (const [sink, text] of Object.entries(sinks)) {
      expect([sink, text.includes(CANARY) || text.includes(Buffer.from(CANARY).toString('hex'))]).toEqual([sink, false]);
    }
    expect(sinks.temporal_history).toContain(config.id); // runs pin the provider by reference
  });
});
