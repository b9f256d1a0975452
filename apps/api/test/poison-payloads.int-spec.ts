import { Client } from 'pg';
import { MAX_RUN_TOOLS, type RunEvent } from '@omniai/contracts';
import { pythonCall, runDriver } from './support/run-driver';
import type { TestApi } from './support/test-api';
import { startTestStack, type TestStack } from './support/test-stack';

// Text Postgres cannot store (NUL, lone surrogates) arriving from a client, a model reply or a tool's output is stored
// with U+FFFD in its place (D38): the API answers 2xx, never 500, and the run ends instead of retrying its append forever.
const R = '\ufffd';
const FIXTURES = [
  { match: '[p] nul reply', reply: `model said\u0000 this\ud800 and 😀` },
  {
    match: '[p] nul tool',
    reply: 'Printing.',
    tool_calls: pythonCall('print("a" + chr(0) + "b")'),
    after_tools: 'Done.',
  },
];

describe('poison payloads: unstorable text is stored safely, never a 500 or a run that never ends', () => {
  let stack: TestStack;
  let api: TestApi;
  let threadId: string;

  const { events, run, waitFor } = runDriver(
    () => api,
    () => threadId,
  );
  const text = (e: RunEvent | undefined) =>
    e && (e.kind === 'assistant_message' || e.kind === 'user_message') && 'text' in e.payload.content ? e.payload.content.text : null;

  beforeAll(async () => {
    stack = await startTestStack('poison', { worker: { fixtures: FIXTURES } });
    api = stack.api;
    ({ threadId } = await stack.newThread('Poison'));
  }, 300_000);

  afterAll(() => stack.stop());

  it('stores a project name with NUL and a lone surrogate with U+FFFD in their place (2xx, not 500)', async () => {
    const res = await api.post('/v1/projects', { name: 'a\u0000', description: 'lone \udc00 low' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ name: `a${R}`, description: `lone ${R} low` });
    const listed = (await api.get('/v1/projects')).body.items.find((p: { id: string }) => p.id === res.body.id);
    expect(listed.name).toBe(`a${R}`);
  });

  it('completes a run whose message holds NUL and a lone surrogate; the stored message has U+FFFD', async () => {
    const res = await api.post(`/v1/threads/${threadId}/runs`, { message: 'hi\u0000 there \ud800!', pins: { params: { delay_ms: 0 } } });
    expect(res.status).toBe(201);
    await waitFor(res.body.id, ['completed']);
    const evs = await events(res.body.id);
    expect(text(evs[1])).toBe(`hi${R} there ${R}!`);
  });

  it('completes a run whose model reply holds NUL and a lone surrogate (valid pairs kept)', async () => {
    const r = await run('[p] nul reply');
    expect((await waitFor(r.id, ['completed', 'failed'])).status).toBe('completed');
    const evs = await events(r.id);
    expect(text(evs.find((e) => e.kind === 'assistant_message'))).toBe(`model said${R} this${R} and 😀`);
  });

  it('completes a run whose python.compute output holds chr(0)', async () => {
    await api.put('/v1/policy', {
      grants: [{ level: 'workspace', subject: '*', scopes: ['python_exec'], require_approval: false }],
      kill_switch_external_writes: false,
    });
    const r = await run('[p] nul tool');
    expect((await waitFor(r.id, ['completed', 'failed'], 120_000)).status).toBe('completed');
    const result = (await events(r.id)).find((e) => e.kind === 'tool_result');
    expect(result?.kind === 'tool_result' && result.payload.result).toEqual({ inline: { stdout: `a${R}b\n`, stderr: '', exit_code: 0 } });
  }, 180_000);

  it('lets a user with a 254-character email sign in and run (Actor.id allows the longest email)', async () => {
    const email = `${'x'.repeat(254 - '@omni.test'.length)}@omni.test`;
    expect(email).toHaveLength(254);
    const invite = await api.post('/v1/invites', { email, role: 'admin', projects: [] });
    expect(invite.status).toBe(201);
    const password = 'a-long-enough-password';
    const accepted = await api.anon('POST', `/v1/auth/invites/${invite.body.token}/accept`, { body: { display_name: 'Long', password } });
    expect(accepted.status).toBe(200);
    const user = await api.as(email, password);
    const asUser = runDriver(
      () => user,
      () => threadId,
    );
    const r = await asUser.run('from a long address');
    await asUser.waitFor(r.id, ['completed']);
    const evs = await events(r.id);
    expect(evs[1]!.actor).toEqual({ type: 'user', id: email });
  });

  // Last: it leaves the registry with more tools than any run may be offered.
  it('refuses to start a run the project would pin to more tools than RunPins allows (400 pins.tools, not a wedged run)', async () => {
    const pg = new Client({ connectionString: stack.databaseUrl });
    await pg.connect();
    try {
      const have = Number((await pg.query(`select count(distinct tool_id) as n from tool_manifests`)).rows[0].n);
      for (let i = have; i <= MAX_RUN_TOOLS; i++) {
        const id = `zz.extra_${i}`;
        await pg.query(`insert into tool_manifests (tool_id, version, manifest_hash, manifest) values ($1, '1.0.0', $2, $3)`, [
          id,
          i.toString(16).padStart(64, '0'),
          JSON.stringify({ id, version: '1.0.0' }),
        ]);
      }
    } finally {
      await pg.end();
    }
    const res = await api.post(`/v1/threads/${threadId}/runs`, { message: 'too many tools' });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'E_VALIDATION', detail: [{ path: 'pins.tools', message: expect.any(String) }] });
  });
});
