import Docker from 'dockerode';
import { Run, type RunEvent } from '@omniai/contracts';
import { approvalDecisionSignal } from '@omniai/workflow-api';
import { TemporalService } from '../src/temporal/temporal.service';
import { APPROVED_TOOL_RUN, DENIED_TOOL_RUN, grantFileWrites, pythonCall, runDriver, shapeOf, signalRejections } from './support/run-driver';
import type { TestApi } from './support/test-api';
import { startTestStack, type TestStack } from './support/test-stack';

// The scripted model asks for tools on cue; its second turn (after the results) is fixed text.
const FIXTURES = [
  { match: '[t] compute', reply: 'Computing.', tool_calls: pythonCall('print(6 * 7)'), after_tools: 'Done.' },
  { match: '[t] fork bomb', reply: 'Forking.', tool_calls: pythonCall('import os\nwhile True:\n    os.fork()'), after_tools: 'Done.' },
  {
    match: '[t] memory',
    reply: 'Allocating.',
    tool_calls: pythonCall('x = bytearray(8 * 1024 ** 3)\nx[::4096] = b"1" * len(x[::4096])\nprint(len(x))'),
    after_tools: 'Done.',
  },
  { match: '[t] loop', reply: 'Looping.', tool_calls: pythonCall('while True:\n    pass'), after_tools: 'Done.' },
  { match: '[t] bad input', reply: 'Oops.', tool_calls: [{ id: 'c1', name: 'python__compute', arguments: '{"cmd": "ls"}' }], after_tools: 'Done.' },
  {
    match: '[t] ingest',
    reply: 'Saving.',
    tool_calls: [
      { id: 'c1', name: 'files__ingest', arguments: JSON.stringify({ path: 'notes/durable.md', text: 'Temporal keeps the history of every durable run.\n' }) },
    ],
    after_tools: 'Saved.',
  },
  {
    match: '[t] search',
    reply: 'Searching.',
    tool_calls: [{ id: 'c1', name: 'documents__search', arguments: JSON.stringify({ query: 'durable history' }) }],
    after_tools: 'Found.',
  },
  {
    match: '[t] fetch the api',
    reply: 'Fetching.',
    tool_calls: [{ id: 'c1', name: 'web__fetch_extract', arguments: JSON.stringify({ url: 'http://127.0.0.1:9/' }) }],
    after_tools: 'Fetched.',
  },
  { match: '[t] unknown tool', reply: 'Hmm.', tool_calls: [{ id: 'c1', name: 'shell__exec', arguments: '{}' }], after_tools: 'Done.' },
];

/** A python.compute call that reports what the sandbox lets it see and reach. */
const probeFixture = (apiPort: number, temporalPort: number) => ({
  match: '[t] probe',
  reply: 'Probing.',
  tool_calls: pythonCall(
    [
      'import os, socket, json',
      "st = dict(l.split(':', 1) for l in open('/proc/self/status').read().splitlines() if ':' in l)",
      'def reach(host, port):',
      '    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)',
      '    s.settimeout(2)',
      '    try:',
      '        s.connect((host, port))',
      "        return 'connected'",
      '    except OSError as e:',
      '        return type(e).__name__',
      '    finally:',
      '        s.close()',
      'try:',
      "    open('/probe', 'w'); ro = False",
      'except OSError:',
      '    ro = True',
      "print(json.dumps({'uid': os.getuid(), 'cap': st['CapEff'].strip(), 'nnp': st['NoNewPrivs'].strip(), 'ro': ro,",
      "  'docker_socket': any(os.path.exists(p) for p in ('/var/run/docker.sock', '/run/docker.sock')),",
      `  'api': reach('127.0.0.1', ${apiPort}), 'temporal': reach('127.0.0.1', ${temporalPort}), 'metadata': reach('169.254.169.254', 80)}))`,
    ].join('\n'),
  ),
  after_tools: 'Probed.',
});

describe('tool runtime: the model calls tools, the policy decides, reviewers approve, the sandbox runs', () => {
  let stack: TestStack;
  let api: TestApi;
  let threadId: string;
  const docker = new Docker();

  const { run, waitFor, events, waitForApproval } = runDriver(
    () => api,
    () => threadId,
  );
  const shape = shapeOf;
  const grant = (requireApproval: boolean, extra: object = {}) =>
    api.put('/v1/policy', {
      grants: [{ level: 'workspace', subject: '*', scopes: ['python_exec'], require_approval: requireApproval }],
      kill_switch_external_writes: false,
      ...extra,
    });

  beforeAll(async () => {
    // The probe fixture gets the API's port, which it must not be able to reach.
    const temporalPort = Number(process.env['OMNI_TEST_TEMPORAL_ADDRESS']!.split(':').pop());
    stack = await startTestStack('tools', { worker: (a) => ({ fixtures: [...FIXTURES, probeFixture(Number(new URL(a.url).port), temporalPort)] }) });
    api = stack.api;
    ({ threadId } = await stack.newThread('Tools'));
  }, 300_000); // bundling the workflows and starting two workers takes long on a loaded 2-core machine

  afterAll(() => stack.stop());

  it('lists the registered tools and pins them to each run with their manifest hash', async () => {
    const tools = (await api.get('/v1/tools')).body.items;
    const compute = tools.find((t: { manifest: { id: string } }) => t.manifest.id === 'python.compute');
    expect(compute.manifest.binding.image).toMatch(/@sha256:[0-9a-f]{64}$/);
    const r = await run('hello');
    expect(r.pins.tools).toContainEqual({ id: 'python.compute', version: compute.manifest.version, manifest_hash: compute.manifest_hash });
    expect(r.pins.tools!.map((t) => t.id).sort()).toEqual([
      'documents.search',
      'files.ingest',
      'files.read',
      'files.write_patch',
      'git.apply_patch',
      'git.diff',
      'python.compute',
      'web.fetch_extract',
    ]);
    await waitFor(r.id, ['completed']);
  });

  it('denies by default: no grant → policy_denied and a tool_error the model sees; the run still completes', async () => {
    await api.put('/v1/policy', { grants: [], kill_switch_external_writes: false });
    const r = await run('[t] compute');
    await waitFor(r.id, ['completed']);
    const evs = await events(r.id);
    expect(shape(evs)).toEqual(DENIED_TOOL_RUN);
    const call = evs[3]!;
    expect(call.kind === 'tool_call' && call.payload).toMatchObject({ tool_id: 'python.compute', arguments: { inline: { code: 'print(6 * 7)' } } });
    expect(call.kind === 'tool_call' && call.payload.manifest_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(evs[5]!.kind === 'tool_error' && evs[5]!.payload.code).toBe('E_POLICY_DENIED');
  });

  it('runs a granted tool in the sandbox and feeds the result back to the model', async () => {
    await grant(false);
    const r = await run('[t] compute');
    const done = await waitFor(r.id, ['completed']);
    const evs = await events(r.id);
    expect(shape(evs)).toEqual(['run_created', 'user_message', 'assistant_message', 'tool_call', 'tool_result', 'assistant_message', 'run_completed']);
    expect(evs[4]!.kind === 'tool_result' && evs[4]!.payload.result).toEqual({ inline: { stdout: '42\n', stderr: '', exit_code: 0 } });
    expect(evs[5]!.kind === 'assistant_message' && evs[5]!.payload.content).toEqual({ text: 'Done.' });
    expect(evs[2]!.kind === 'assistant_message' && evs[2]!.payload.finish_reason).toBe('tool_calls');
    expect(done.input_tokens).toBeGreaterThan(0);
  });

  it('pauses the call until a reviewer approves; a wrong arguments hash is refused; approving twice executes once', async () => {
    await grant(true);
    const r = await run('[t] compute');
    const approval = await waitForApproval(r.id);
    expect(approval).toMatchObject({
      tool_id: 'python.compute',
      status: 'pending',
      arguments_redacted: { code: 'print(6 * 7)' },
      reason_code: 'grant_needs_approval',
    });
    expect((await api.get(`/v1/runs/${r.id}`)).body.status).toBe('running');
    const wrong = await api.post(`/v1/approvals/${approval.id}/decide`, { decision: 'approve', arguments_hash: 'f'.repeat(64) });
    expect(wrong.status).toBe(409);
    expect(wrong.body.error.code).toBe('E_APPROVAL_MISMATCH');
    const [first, second] = await Promise.all([
      api.post(`/v1/approvals/${approval.id}/decide`, { decision: 'approve', reason: 'looks fine', arguments_hash: approval.arguments_hash }),
      api.post(`/v1/approvals/${approval.id}/decide`, { decision: 'approve', arguments_hash: approval.arguments_hash }),
    ]);
    expect([first.body.outcome, second.body.outcome].sort()).toEqual(['applied', 'no_op']);
    await waitFor(r.id, ['completed']);
    const evs = await events(r.id);
    expect(shape(evs)).toEqual(APPROVED_TOOL_RUN);
    expect(evs.filter((e) => e.kind === 'tool_result')).toHaveLength(1);
    const detail = (await api.get(`/v1/approvals/${approval.id}`)).body;
    expect(detail.status).toBe('approved');
    expect(detail.decisions.map((d: { outcome: string }) => d.outcome).sort()).toEqual(['applied', 'no_op', 'refused']);
  });

  it('a decision signal is only a doorbell: forged and malformed ones are recorded as rejected, only the API decides (D37)', async () => {
    await grant(true);
    const r = await run('[t] compute');
    const approval = await waitForApproval(r.id);
    // Straight to Temporal, past the API: the right hash, a made-up reviewer; then payloads that break the contract.
    const handle = api.app.get(TemporalService).client.workflow.getHandle(r.workflow_id);
    const forged = { approval_id: approval.id, decision: 'approve', arguments_hash: approval.arguments_hash } as const;
    await handle.signal(approvalDecisionSignal, { ...forged, decided_by: { type: 'user', id: 'mallory@nowhere' } });
    await handle.signal(approvalDecisionSignal, {} as never);
    await handle.signal(approvalDecisionSignal, forged as never); // no decided_by: used to fail the workflow task for ever
    expect(await signalRejections(() => events(r.id), 3)).toEqual(
      expect.arrayContaining([
        { signal: 'approvalDecision', reason: 'unrecorded', approval_id: approval.id, problem: null },
        { signal: 'approvalDecision', reason: 'malformed', approval_id: null, problem: 'bad approval_id' },
        { signal: 'approvalDecision', reason: 'malformed', approval_id: null, problem: 'bad decided_by' },
      ]),
    );
    expect((await api.get(`/v1/runs/${r.id}`)).body.status).toBe('running');
    expect(shape(await events(r.id))).not.toContain('approval_decided');
    expect((await api.get(`/v1/approvals/${approval.id}`)).body).toMatchObject({ status: 'pending', decisions: [] });
    // A real decision through the API still approves, and the timeline names the reviewer the API recorded.
    const decided = await api.post(`/v1/approvals/${approval.id}/decide`, { decision: 'approve', arguments_hash: approval.arguments_hash });
    expect(decided.body.outcome).toBe('applied');
    await waitFor(r.id, ['completed']);
    const evs = await events(r.id);
    expect(evs.filter((e) => e.kind === 'tool_result')).toHaveLength(1);
    const decidedEvent = evs.find((e) => e.kind === 'system_event' && e.payload.type === 'approval_decided')!;
    expect(decidedEvent.actor).toEqual({ type: 'user', id: api.user.email });
    expect(decidedEvent.kind === 'system_event' && decidedEvent.payload.data).toEqual({
      approval_id: approval.id,
      status: 'approved',
      decided_by: api.user.email,
      reason: null,
    });
  });

  it('approval rules: no self-approval, and two distinct reviewers before the call runs', async () => {
    const project = (await api.get('/v1/projects')).body.items[0].id as string; // the suite's one project
    await grant(true, { approval_rules: [{ project_id: '*', min_approvers: 2, no_self_approval: true }] });
    const r = await run('[t] compute');
    const approval = await waitForApproval(r.id);
    expect(approval.requested_by).toEqual({ type: 'user', id: api.user.email });
    const decide = (who: { post: typeof api.post }) =>
      who.post(`/v1/approvals/${approval.id}/decide`, { decision: 'approve', arguments_hash: approval.arguments_hash });
    // The admin started this run: the rule refuses their approval.
    const self = await decide(api);
    expect([self.status, self.body.error.code]).toEqual([403, 'E_AUTH_FORBIDDEN']);
    const [alice, bob] = [
      await api.newUser('reviewer', [{ project_id: project, role: 'reviewer' }]),
      await api.newUser('reviewer', [{ project_id: project, role: 'reviewer' }]),
    ];
    expect((await decide(alice)).body).toMatchObject({ outcome: 'counted', approvers: { have: 1, need: 2 } });
    expect((await decide(alice)).body).toMatchObject({ outcome: 'no_op', approvers: { have: 1, need: 2 } }); // one reviewer counts once
    expect((await api.get(`/v1/runs/${r.id}`)).body.status).toBe('running');
    expect(shape(await events(r.id))).not.toContain('approval_decided');
    expect((await decide(bob)).body.outcome).toBe('applied');
    await waitFor(r.id, ['completed']);
    const evs = await events(r.id);
    expect(evs.filter((e) => e.kind === 'tool_result')).toHaveLength(1);
    const decided = evs.flatMap((e) => (e.kind === 'system_event' && e.payload.type === 'approval_decided' ? [e.payload.data] : []))[0];
    expect(decided?.decided_by).toBe(bob.user.email);
    const log = (await api.get(`/v1/approvals/${approval.id}`)).body.decisions.map(
      (d: { outcome: string; decided_by: string }) => `${d.decided_by}:${d.outcome}`,
    );
    // The last approval is counted, completes the rule, and is applied.
    expect(log).toEqual([
      `${api.user.email}:refused`,
      `${alice.user.email}:counted`,
      `${alice.user.email}:no_op`,
      `${bob.user.email}:counted`,
      `${bob.user.email}:applied`,
    ]);
    await grant(true);
  });

  it('an integration decides through the public lane with a review-scoped token', async () => {
    await grant(true);
    const r = await run('[t] compute');
    const approval = await waitForApproval(r.id);
    const bearer = async (scopes: string[]) => ({ authorization: `Bearer ${(await api.post('/v1/tokens', { name: scopes.join('+'), scopes })).body.secret}` });
    const readOnly = await bearer(['read']);
    const pending = await api.anon('GET', `/v1/public/approvals?status=pending&run_id=${r.id}`, { headers: readOnly });
    expect(pending.body.items.map((a: { id: string }) => a.id)).toEqual([approval.id]);
    const body = { decision: 'approve', reason: 'from the chat bot', arguments_hash: approval.arguments_hash };
    expect((await api.anon('POST', `/v1/public/approvals/${approval.id}/decide`, { body, headers: readOnly })).status).toBe(403);
    const decided = await api.anon('POST', `/v1/public/approvals/${approval.id}/decide`, { body, headers: await bearer(['read', 'review']) });
    expect([decided.status, decided.body.outcome]).toEqual([200, 'applied']);
    await waitFor(r.id, ['completed']);
    expect((await events(r.id)).filter((e) => e.kind === 'tool_result')).toHaveLength(1);
  });

  it('a denial and a timeout both end as policy_denied; the tool never runs', async () => {
    await grant(true);
    const r = await run('[t] compute');
    const approval = await waitForApproval(r.id);
    expect(
      (await api.post(`/v1/approvals/${approval.id}/decide`, { decision: 'deny', reason: 'not now', arguments_hash: approval.arguments_hash })).body.outcome,
    ).toBe('applied');
    await waitFor(r.id, ['completed']);
    expect(shape(await events(r.id)).slice(4, 8)).toEqual(['approval_requested', 'approval_decided', 'policy_denied', 'tool_error']);

    await grant(true, { approval_timeout_s: 1 });
    const late = await run('[t] compute');
    await waitFor(late.id, ['completed']);
    const evs = await events(late.id);
    expect(shape(evs).slice(4, 8)).toEqual(['approval_requested', 'approval_decided', 'policy_denied', 'tool_error']);
    expect(evs[5]!.kind === 'system_event' && evs[5]!.payload.data).toMatchObject({ status: 'expired' });
    expect((await api.get(`/v1/approvals?run_id=${late.id}`)).body.items[0].status).toBe('expired');
  });

  it('a write tool waits for a reviewer even when its scope is granted; the written file is then searchable', async () => {
    await grantFileWrites(api);
    const r = await run('[t] ingest');
    const approval = await waitForApproval(r.id);
    expect(approval).toMatchObject({ tool_id: 'files.ingest', reason_code: 'write_needs_approval', risk: { side_effect: 'write', scopes: ['write_files'] } });
    expect((await api.post(`/v1/approvals/${approval.id}/decide`, { decision: 'approve', arguments_hash: approval.arguments_hash })).body.outcome).toBe(
      'applied',
    );
    await waitFor(r.id, ['completed']);
    const written = (await events(r.id)).find((e) => e.kind === 'tool_result');
    expect(written?.kind === 'tool_result' && written.payload.result).toMatchObject({ inline: { path: 'notes/durable.md', version: 1 } });
    // Reads need no reviewer.
    const s = await run('[t] search');
    await waitFor(s.id, ['completed']);
    const found = (await events(s.id)).find((e) => e.kind === 'tool_result');
    expect(found?.kind === 'tool_result' && JSON.stringify(found.payload.result)).toContain('notes/durable.md');
  });

  it('inside the container: no capabilities, no-new-privileges, read-only root, non-root, no Docker socket, no way out', async () => {
    await grant(false);
    const r = await run('[t] probe');
    await waitFor(r.id, ['completed']);
    const result = (await events(r.id)).find((e) => e.kind === 'tool_result');
    const seen = JSON.parse((result?.kind === 'tool_result' && (result.payload.result as { inline: { stdout: string } }).inline.stdout) || '{}');
    console.log(`sandbox probe: ${JSON.stringify(seen)}`);
    expect(seen).toMatchObject({ uid: 65534, cap: '0000000000000000', nnp: '1', ro: true, docker_socket: false });
    for (const target of ['api', 'temporal', 'metadata']) expect(seen[target]).not.toBe('connected');
  });

  it('egress needs a reviewer, and even a granted, approved fetch of a loopback address is refused', async () => {
    await api.put('/v1/policy', {
      grants: [{ level: 'workspace', subject: '*', scopes: ['read_web'], require_approval: false }],
      kill_switch_external_writes: false,
      // Every host (`*`): the address policy refuses loopback whatever the allowlist says (and the API would refuse
      // '127.0.0.1' as an entry, D44).
      egress_allow: ['*'],
    });
    const r = await run('[t] fetch the api');
    const approval = await waitForApproval(r.id);
    expect(approval).toMatchObject({ tool_id: 'web.fetch_extract', reason_code: 'egress_needs_approval' });
    await api.post(`/v1/approvals/${approval.id}/decide`, { decision: 'approve', arguments_hash: approval.arguments_hash });
    await waitFor(r.id, ['completed']);
    const error = (await events(r.id)).find((e) => e.kind === 'tool_error');
    expect(error?.kind === 'tool_error' && error.payload.code).toBe('E_EGRESS_DENIED');
  });

  it('validates input before running: bad arguments and unknown tools are tool_errors, nothing executes', async () => {
    await grant(false);
    for (const [message, code] of [
      ['[t] bad input', 'E_VALIDATION'],
      ['[t] unknown tool', 'E_VALIDATION'],
    ] as const) {
      const r = await run(message);
      await waitFor(r.id, ['completed']);
      const evs = await events(r.id);
      expect(shape(evs)).toEqual(['run_created', 'user_message', 'assistant_message', 'tool_call', 'tool_error', 'assistant_message', 'run_completed']);
      expect(evs[4]!.kind === 'tool_error' && evs[4]!.payload.code).toBe(code);
    }
  });

  it('a fork bomb, an 8 GB allocation and an endless loop each end as a tool_error within their limits; no container is left', async () => {
    await grant(false);
    const cases = [
      ['[t] fork bomb', ['E_TOOL_FAILED', 'E_TOOL_RESOURCE_LIMIT']],
      ['[t] memory', ['E_TOOL_RESOURCE_LIMIT']],
      ['[t] loop', ['E_TOOL_TIMEOUT']],
    ] as const;
    const runs = await Promise.all(cases.map(([message]) => run(message)));
    for (const [i, r] of runs.entries()) {
      const t0 = Date.now();
      await waitFor(r.id, ['completed'], 90_000);
      const error = (await events(r.id)).find((e) => e.kind === 'tool_error');
      console.log(
        `${cases[i]![0]} → ${error?.kind === 'tool_error' ? `${error.payload.code}: ${error.payload.message.slice(0, 120)}` : 'no error'} (${Date.now() - t0} ms after start wait)`,
      );
      expect(error?.kind === 'tool_error' && (cases[i]![1] as readonly string[]).includes(error.payload.code)).toBe(true);
      expect(await docker.listContainers({ all: true, filters: { label: [`ai.omni.run_id=${r.id}`] } })).toHaveLength(0);
    }
    // The worker is still healthy: another call works.
    const after = await run('[t] compute');
    await waitFor(after.id, ['completed']);
    expect((await events(after.id)).some((e) => e.kind === 'tool_result')).toBe(true);
  });
});
