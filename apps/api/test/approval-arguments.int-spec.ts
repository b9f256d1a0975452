import { createHash, randomUUID } from 'node:crypto';
import { canonicalJson, previewIsTruncated } from '@omniai/contracts';
import { createTestDatabase } from '@omniai/store/testing';
import { startTestWorker, type TestWorker } from '@omniai/worker/testing';
import { runDriver } from './support/run-driver';
import { startTestApi, type TestApi } from './support/test-api';

// A call whose arguments are far above the preview's limits and the 4 KiB claim-check: they travel as an artifact.
const LONG_TEXT = [
  'passage: the bypass road is closed; the password hint is "ask Ada".',
  'key sk-live-abcdefghij0123456789 must not be shown in the preview.',
  ...Array.from({ length: 400 }, (_, i) => `line ${i} ${'x'.repeat(40)}`),
].join('\n');
const LARGE = { path: 'notes/large.md', text: LONG_TEXT };
const SMALL = { path: 'notes/small.md', text: 'The passage about the bypass.' };
const ingest = (args: object) => [{ id: 'c1', name: 'files__ingest', arguments: JSON.stringify(args) }];
const FIXTURES = [
  { match: '[a] large', reply: 'Saving.', tool_calls: ingest(LARGE), after_tools: 'Saved.' },
  { match: '[a] small', reply: 'Saving.', tool_calls: ingest(SMALL), after_tools: 'Saved.' },
];

const hashOf = (value: unknown) => createHash('sha256').update(canonicalJson(value)).digest('hex');

describe('approval arguments: reviewers can see all of what they approve (issue 13, item 3; D42)', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let worker: TestWorker;
  let api: TestApi;
  let threadId: string;
  const { run, waitFor, waitForApproval } = runDriver(
    () => api,
    () => threadId,
  );

  beforeAll(async () => {
    db = await createTestDatabase('approvalargs');
    const taskQueue = `test-${randomUUID()}`;
    api = await startTestApi({ DATABASE_URL: db.url, OMNI_TASK_QUEUE: taskQueue });
    worker = await startTestWorker(db.url, { taskQueue, fixtures: FIXTURES });
    const projectId = (await api.post('/v1/projects', { name: 'Approval arguments' })).body.id;
    threadId = (await api.post(`/v1/projects/${projectId}/threads`, { title: 't' })).body.id;
    await api.put('/v1/policy', {
      grants: [{ level: 'workspace', subject: '*', scopes: ['write_files'], require_approval: true }],
      kill_switch_external_writes: false,
    });
  }, 300_000); // bundling the workflows takes long on a loaded 2-core machine

  afterAll(async () => {
    await api.close();
    await worker.stop();
    await db.drop();
  });

  const deny = async (runId: string, approval: { id: string; arguments_hash: string }) => {
    await api.post(`/v1/approvals/${approval.id}/decide`, { decision: 'deny', arguments_hash: approval.arguments_hash });
    await waitFor(runId, ['completed']);
  };

  it('large arguments: the preview says it is cut, the detail leads to the full arguments, and they hash to arguments_hash', async () => {
    const r = await run('[a] large');
    const approval = await waitForApproval(r.id);
    expect(approval.arguments_hash).toBe(hashOf(LARGE));
    // The preview: cut (and saying so), nothing blanked for its key name, the known secret value masked.
    expect(previewIsTruncated(approval.arguments_redacted)).toBe(true);
    const preview = JSON.stringify(approval.arguments_redacted);
    expect(preview).toContain('the password hint is \\"ask Ada\\"');
    expect(preview).not.toContain('abcdefghij0123456789');

    const detail = (await api.get(`/v1/approvals/${approval.id}`)).body;
    expect(detail.arguments).toEqual({ artifact: expect.objectContaining({ media_type: 'application/json' }) });
    const artifact = await api.get(`/v1/runs/${r.id}/artifacts/${detail.arguments.artifact.sha256}`);
    expect(artifact.status).toBe(200);
    expect(artifact.body).toEqual(LARGE); // complete: every line, the key included
    expect(hashOf(artifact.body)).toBe(detail.arguments_hash);
    await deny(r.id, approval);
  });

  it('small arguments: the detail carries them inline, whole, and they hash to arguments_hash', async () => {
    const r = await run('[a] small');
    const approval = await waitForApproval(r.id);
    expect(previewIsTruncated(approval.arguments_redacted)).toBe(false);
    expect(approval.arguments_redacted).toEqual(SMALL);
    const detail = (await api.get(`/v1/approvals/${approval.id}`)).body;
    expect(detail.arguments).toEqual({ inline: SMALL });
    expect(hashOf(detail.arguments.inline)).toBe(detail.arguments_hash);
    await deny(r.id, approval);
  });
});
