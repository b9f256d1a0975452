import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { Run, type RunEvent } from '@omniai/contracts';
import { PETS_SPEC, startTestWorker, type TestWorker } from '@omniai/worker/testing';
import { APPROVED_TOOL_RUN, DENIED_TOOL_RUN, grantFileWrites, runDriver, shapeOf } from './support/run-driver';
import type { TestApi } from './support/test-api';
import { startTestStack, type TestStack } from './support/test-stack';

const PATCH = [
  'diff --git a/docs/hello.md b/docs/hello.md',
  'new file mode 100644',
  '--- /dev/null',
  '+++ b/docs/hello.md',
  '@@ -0,0 +1,2 @@',
  '+# Hello',
  '+Written by the agent, approved by a person.',
  '',
].join('\n');

// The scripted model asks for tools on cue; its second turn (after the results) is fixed text.
const FIXTURES = [
  {
    match: '[g] commit',
    reply: 'Committing.',
    tool_calls: [{ id: 'c1', name: 'git__apply_patch', arguments: JSON.stringify({ patch: PATCH, message: 'Add a greeting' }) }],
    after_tools: 'Committed.',
  },
  { match: '[g] diff', reply: 'Diffing.', tool_calls: [{ id: 'c1', name: 'git__diff', arguments: '{}' }], after_tools: 'Shown.' },
  {
    match: '[o] add a pet',
    reply: 'Adding.',
    tool_calls: [{ id: 'c1', name: 'api__pets__createpet', arguments: JSON.stringify({ body: { name: 'Rex' } }) }],
    after_tools: 'Added.',
  },
];

describe('project tools through the whole loop: git.apply_patch, git.diff and OpenAPI operations', () => {
  let stack: TestStack;
  let api: TestApi;
  let projectId: string;
  let threadId: string;
  const reposDir = mkdtempSync(join(process.env['OMNI_TEST_DIR'] ?? tmpdir(), 'repos-'));

  const { run, waitFor, events, waitForApproval } = runDriver(
    () => api,
    () => threadId,
  );
  const shape = shapeOf;
  const resultOf = async (runId: string) => {
    const e = (await events(runId)).find((x) => x.kind === 'tool_result' || x.kind === 'tool_error');
    if (e?.kind === 'tool_result') return (e.payload.result as { inline: Record<string, unknown> }).inline;
    throw new Error(`no tool_result: ${JSON.stringify(e?.payload)}`);
  };

  beforeAll(async () => {
    stack = await startTestStack('ptools', { worker: { fixtures: FIXTURES, reposDir } });
    api = stack.api;
    ({ projectId, threadId } = await stack.newThread('Project tools'));
    // Bundling the workflows takes most of this; on a busy 2-core machine it can pass the default two minutes.
  }, 300_000);

  afterAll(() => stack.stop());

  it('offers the git tools to every run', async () => {
    const tools = (await api.get(`/v1/projects/${projectId}/tools`)).body.items.map((t: { id: string }) => t.id);
    expect(tools).toEqual(expect.arrayContaining(['git.apply_patch', 'git.diff']));
  });

  it('git.apply_patch waits for a reviewer, then commits; git.diff (read_files granted) shows the change', async () => {
    await grantFileWrites(api);
    const r = await run('[g] commit');
    const approval = await waitForApproval(r.id);
    expect(approval).toMatchObject({ tool_id: 'git.apply_patch', reason_code: 'write_needs_approval', arguments_redacted: { message: 'Add a greeting' } });
    expect((await api.post(`/v1/approvals/${approval.id}/decide`, { decision: 'approve', arguments_hash: approval.arguments_hash })).body.outcome).toBe(
      'applied',
    );
    await waitFor(r.id, ['completed']);
    expect(shape(await events(r.id))).toEqual(APPROVED_TOOL_RUN);
    const committed = await resultOf(r.id);
    expect(committed).toEqual({ commit: expect.stringMatching(/^[0-9a-f]{40}$/), files_changed: ['docs/hello.md'] });

    // The commit is on main of the project's repository, with the call's key as a trailer.
    const gitDir = join(reposDir, `${projectId}.git`);
    const log = execFileSync('git', ['--git-dir', gitDir, 'log', '--format=%H %an%n%B', '-1', 'main'], {
      env: { PATH: process.env['PATH'], HOME: reposDir },
    }).toString();
    expect(log).toContain(`${committed['commit']} OmniAI`);
    // The key is the run plus the seq of the tool_call event (the workflow assigns both; D41), never the model's call id.
    const call = (await events(r.id)).find((e) => e.kind === 'tool_call')!;
    expect(log).toContain(`Omni-Idempotency-Key: ${r.id}/seq-${call.seq}`);

    const d = await run('[g] diff');
    await waitFor(d.id, ['completed']);
    expect(shape(await events(d.id))).toEqual([
      'run_created',
      'user_message',
      'assistant_message',
      'tool_call',
      'tool_result',
      'assistant_message',
      'run_completed',
    ]);
    const diff = await resultOf(d.id);
    expect(diff).toMatchObject({ to: committed['commit'], files_changed: ['docs/hello.md'], truncated: false });
    expect(diff['diff']).toContain('+# Hello\n+Written by the agent, approved by a person.');
  });

  describe('POST /v1/tools/openapi', () => {
    it('stores the document and registers one tool per operation it can proxy, listing the others as skipped', async () => {
      const res = await api.post('/v1/tools/openapi', { id: 'pets', spec: PETS_SPEC });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ spec_id: 'pets', spec_hash: expect.stringMatching(/^[0-9a-f]{64}$/), created: true });
      expect(res.body.tools.map((t: { manifest: { id: string } }) => t.manifest.id)).toEqual(['api.pets.getpet', 'api.pets.listpets', 'api.pets.createpet']);
      expect(res.body.tools[2].manifest).toMatchObject({
        version: '1.0.0',
        risk: { side_effect: 'external_write', scopes: ['write_web'], egress_hosts: ['api.pets.test'] },
        binding: { type: 'openapi_proxy', spec_ref: 'pets', operation_id: 'createPet' },
      });
      expect(res.body.skipped).toEqual([{ operation_id: 'resetEverything', reason: expect.stringContaining('header parameter "X-Api-Key" is required') }]);
      const listed = (await api.get('/v1/tools')).body.items.map((t: { manifest: { id: string } }) => t.manifest.id);
      expect(listed).toEqual(expect.arrayContaining(['api.pets.getpet', 'api.pets.createpet']));
    });

    it('is idempotent for the same document; another document under the same id is refused', async () => {
      const first = (await api.post('/v1/tools/openapi', { id: 'pets', spec: PETS_SPEC })).body;
      expect(first.created).toBe(false);
      const changed = await api.post('/v1/tools/openapi', { id: 'pets', spec: { ...PETS_SPEC, info: { title: 'Pets', version: '2.0.0' } } });
      expect([changed.status, changed.body.error.code]).toEqual([409, 'E_CONFLICT']);
    });

    it('refuses what it cannot proxy with the reason, and documents that are not OpenAPI 3', async () => {
      const listed = await api.post('/v1/tools/openapi', { id: 'pets2', spec: PETS_SPEC, operations: ['getPet', 'resetEverything'] });
      expect([listed.status, listed.body.error.code]).toEqual([400, 'E_VALIDATION']);
      expect(listed.body.error.message).toContain('resetEverything');
      const swagger = await api.post('/v1/tools/openapi', { id: 'old', spec: { swagger: '2.0', info: { title: 'x', version: '1' }, paths: {} } });
      expect(swagger.status).toBe(400);
      const bad = await api.post('/v1/tools/openapi', { id: 'Bad Id', spec: PETS_SPEC });
      expect(bad.status).toBe(400);
      // Nothing was stored for the refused requests.
      expect((await api.post('/v1/tools/openapi', { id: 'pets2', spec: PETS_SPEC, operations: ['getPet'] })).body).toMatchObject({
        created: true,
        skipped: [],
      });
    });

    it('a run calls a write operation: the kill switch denies it; otherwise a reviewer approves and the worker executes it', async () => {
      const grants = [{ level: 'workspace', subject: '*', scopes: ['write_web'], require_approval: false }];
      await api.put('/v1/policy', { grants, kill_switch_external_writes: true });
      const killed = await run('[o] add a pet');
      await waitFor(killed.id, ['completed']);
      const killedEvents = await events(killed.id);
      expect(shape(killedEvents)).toEqual(DENIED_TOOL_RUN);
      expect(killedEvents[3]!.kind === 'tool_call' && killedEvents[3]!.payload).toMatchObject({
        tool_id: 'api.pets.createpet',
        arguments: { inline: { body: { name: 'Rex' } } },
      });
      expect(killedEvents[4]!.kind === 'system_event' && killedEvents[4]!.payload.data).toMatchObject({ reason_code: 'kill_switch' });

      // Switched back on, the write waits for a reviewer; approved, the worker resolves the tool from the registry and
      // runs it. The workspace allows no egress to the document's host, so the request is refused before it is sent.
      await api.put('/v1/policy', { grants, kill_switch_external_writes: false, egress_allow: ['example.org'] });
      const r = await run('[o] add a pet');
      const approval = await waitForApproval(r.id);
      expect(approval).toMatchObject({ tool_id: 'api.pets.createpet', reason_code: 'write_needs_approval', risk: { side_effect: 'external_write' } });
      await api.post(`/v1/approvals/${approval.id}/decide`, { decision: 'approve', arguments_hash: approval.arguments_hash });
      await waitFor(r.id, ['completed']);
      const error = (await events(r.id)).find((e) => e.kind === 'tool_error');
      expect(error?.kind === 'tool_error' && error.payload).toMatchObject({ code: 'E_EGRESS_DENIED', message: expect.stringContaining('api.pets.test') });
    });
  });
});
