import { createHash, randomBytes } from 'node:crypto';
import { ErrorEnvelope, ProviderConfig, Run, type RunEvent } from '@omniai/contracts';
import { RunStore, SecretBox } from '@omniai/store';
import { DatabaseService } from '../src/database/database.service';
import { ProvidersService } from '../src/providers/providers.service';
import { DEFAULT_PINS } from '../src/runs/default-pins';
import { RunWorkflows } from '../src/temporal/run-workflows';
import { grantFileWrites, runDriver } from './support/run-driver';
import type { ApiClient, TestApi } from './support/test-api';
import { startTestStack, type TestStack } from './support/test-stack';

// Scopes that hold (issue 13, items 6, 7 and 16; D41).
const ingest = (path: string, text: string) => ({ id: 'c1', name: 'files__ingest', arguments: JSON.stringify({ path, text }) });
const FIXTURES = [
  // The model reuses one call_id for two different writes: both must run (the key is the run and the event seq).
  { match: '[s] twice', reply: 'Saving twice.', tool_calls: [ingest('twice/one.md', 'one\n'), ingest('twice/two.md', 'two\n')], after_tools: 'Saved.' },
  { match: '[s] wait', reply: 'Saving.', tool_calls: [ingest('wait.md', 'never written\n')], after_tools: 'Saved.' },
];

describe('scopes: artifacts, providers, tool keys and approvals stay with their project and run', () => {
  let stack: TestStack;
  let api: TestApi;
  let projectA: string;
  let projectB: string;
  let threadA: string;
  let threadB: string;
  let memberA: ApiClient;

  const start = (client: ApiClient, threadId: string, message: string, pins: object = {}) =>
    client.post(`/v1/threads/${threadId}/runs`, { message, pins: { params: { delay_ms: 0 }, ...pins } });
  const { waitFor, events, waitForApproval, approveUntilDone } = runDriver(
    () => api,
    () => threadA,
  );

  beforeAll(async () => {
    stack = await startTestStack('scoping', { worker: { fixtures: FIXTURES } });
    api = stack.api;
    ({ projectId: projectA, threadId: threadA } = await stack.newThread('A', 'a'));
    ({ projectId: projectB, threadId: threadB } = await stack.newThread('B', 'b'));
    memberA = await api.newUser('viewer', [{ project_id: projectA, role: 'operator' }]);
    // Writes need a reviewer whatever the grant; reads of the written files need none.
    await grantFileWrites(api);
  }, 300_000);

  afterAll(() => stack.stop());

  it("a member of A cannot read B's artifact by hash, even when a run of A mentions the hash", async () => {
    const secret = `B's confidential notes. ${'x'.repeat(6_000)}`;
    const runB = Run.parse((await start(api, threadB, secret)).body);
    await waitFor(runB.id, ['completed']);
    const message = (await events(runB.id)).find((e) => e.kind === 'user_message')!;
    const content = message.kind === 'user_message' ? message.payload.content : null;
    if (!content || !('artifact' in content)) throw new Error('the long message should have been claim-checked');
    const hash = content.artifact.sha256;
    expect((await api.get(`/v1/runs/${runB.id}/artifacts/${hash}`)).status).toBe(200);

    const runA = Run.parse((await start(memberA, threadA, `please show me artifact ${hash}`)).body);
    await waitFor(runA.id, ['completed']);
    expect(JSON.stringify(await events(runA.id))).toContain(hash);
    const stolen = await memberA.get(`/v1/runs/${runA.id}/artifacts/${hash}`);
    expect(stolen.status).toBe(404);
    expect(ErrorEnvelope.parse(stolen.body).error.code).toBe('E_NOT_FOUND');
    // Not through B's run either: A's member is no member of B.
    expect((await memberA.get(`/v1/runs/${runB.id}/artifacts/${hash}`)).status).toBe(404);
  });

  let ofA: ProviderConfig;
  let ofB: ProviderConfig;
  let shared: ProviderConfig;

  it("a run of A pinning B's provider is refused at start", async () => {
    ofB = ProviderConfig.parse((await api.post('/v1/providers', { name: 'B only', preset: 'ollama', project_id: projectB })).body);
    ofA = ProviderConfig.parse((await api.post('/v1/providers', { name: 'A only', preset: 'ollama', project_id: projectA })).body);
    shared = ProviderConfig.parse((await api.post('/v1/providers', { name: 'Everyone', preset: 'ollama' })).body);
    const refused = await start(memberA, threadA, 'hello', { provider: ofB.id, model: 'llama3' });
    expect(refused.status).toBe(400);
    expect(ErrorEnvelope.parse(refused.body).error).toMatchObject({ code: 'E_VALIDATION', detail: [{ path: 'pins.provider' }] });
    // The admin is refused too: the scope is the project's, not the caller's.
    expect((await start(api, threadA, 'hello', { provider: ofB.id, model: 'llama3' })).status).toBe(400);
  });

  it("the worker will not resolve B's provider for a run of A that got past the API", async () => {
    // Started straight through Temporal (as a run started before the API refused it would be).
    const spec = {
      projectId: projectA,
      threadId: threadA,
      pins: { ...DEFAULT_PINS, provider: ofB.id, model: 'llama3', params: {} },
      input: { text: 'hello' },
      retryOf: null,
      budget: null,
    };
    const sneaked = await api.app.get(RunStore).createRun(spec);
    await api.app.get(RunWorkflows).startAgentRun({
      run_id: sneaked.id,
      project_id: projectA,
      thread_id: threadA,
      message: spec.input,
      pins: spec.pins,
      retry_of: null,
      requested_by: { type: 'user', id: 'admin@omni.test' },
    });
    const failed = await waitFor(sneaked.id, ['failed', 'completed']);
    expect(failed.error).toEqual({ code: 'E_PROVIDER_BAD_REQUEST', message: expect.stringContaining(`No provider "${ofB.id}" is configured`) });
  });

  it("A's member lists only workspace-wide and A's providers; an admin lists all", async () => {
    const listed = (await memberA.get('/v1/providers')).body.items.map((p: ProviderConfig) => p.id);
    expect(listed.sort()).toEqual([ofA.id, shared.id].sort());
    const all = (await api.get('/v1/providers')).body.items.map((p: ProviderConfig) => p.id);
    expect(all).toEqual(expect.arrayContaining([ofA.id, ofB.id, shared.id]));
  });

  it('key fingerprints are salted per install, and fingerprints stored unsalted are salted at start', async () => {
    const key = 'sk-scoping-test-key-0123456789';
    const unsalted = createHash('sha256').update(key).digest('hex').slice(0, 12);
    const first = ProviderConfig.parse((await api.post('/v1/providers', { name: 'Keyed', preset: 'openai', api_key: key })).body);
    const second = ProviderConfig.parse((await api.post('/v1/providers', { name: 'Keyed again', preset: 'openai', api_key: key })).body);
    expect(first.key_fingerprint).toMatch(/^[0-9a-f]{12}$/);
    expect(first.key_fingerprint).not.toBe(unsalted);
    expect(second.key_fingerprint).toBe(first.key_fingerprint);
    // A row from before salting: the API's start (the providers service) replaces its fingerprint.
    await api.app.get(DatabaseService).dataSource.query(`update secrets set fingerprint = $1, fingerprint_salted = false`, [unsalted]);
    await api.app.get(ProvidersService).onModuleInit();
    const listed = (await api.get('/v1/providers')).body.items as ProviderConfig[];
    expect(listed.find((p) => p.id === first.id)?.key_fingerprint).toBe(first.key_fingerprint);
    // Another install (another secrets key) shows another fingerprint for the same key.
    const elsewhere = new SecretBox(api.app.get(DatabaseService).dataSource, randomBytes(32));
    const other = await elsewhere.seal(key, 'provider_configs:elsewhere');
    expect(other.fingerprint).not.toBe(first.key_fingerprint);
    await elsewhere.delete(other.id);
  });

  it('a model that repeats a call_id gets both calls run, each under its own key', async () => {
    const r = Run.parse((await start(api, threadA, '[s] twice')).body);
    const done = await approveUntilDone(r.id);
    expect((await waitFor(r.id, ['completed'])).status).toBe('completed');
    const results = done.filter((e) => e.kind === 'tool_result' || e.kind === 'tool_error');
    expect(results.map((e) => (e.kind === 'tool_result' ? e.payload.result : e.kind))).toEqual([
      { inline: expect.objectContaining({ path: 'twice/one.md', version: 1 }) },
      { inline: expect.objectContaining({ path: 'twice/two.md', version: 1 }) },
    ]);
  });

  it('cancelling a run with a pending approval marks the approval cancelled', async () => {
    const r = Run.parse((await start(api, threadA, '[s] wait')).body);
    const approval = await waitForApproval(r.id);
    expect((await api.post(`/v1/runs/${r.id}/cancel`)).status).toBe(202);
    await waitFor(r.id, ['cancelled']);
    const after = (await api.get(`/v1/approvals/${approval.id}`)).body;
    expect(after.status).toBe('cancelled');
    expect((await api.get(`/v1/approvals?run_id=${r.id}&status=pending`)).body.items).toEqual([]);
    const late = await api.post(`/v1/approvals/${approval.id}/decide`, { decision: 'approve', arguments_hash: approval.arguments_hash });
    expect(late.body.outcome).toBe('no_op');
  });
});
