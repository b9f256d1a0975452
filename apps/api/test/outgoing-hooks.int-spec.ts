import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { CreatedOutgoingHook, ErrorEnvelope, OutgoingDelivery, OutgoingHook, RunEndedNotification } from '@omniai/contracts';
import { LoopbackWeb, PUBLIC_V4 } from '@omniai/tools/testing';
import { Webhook } from 'standardwebhooks';
import { startTestStack, type TestStack } from './support/test-stack';

// Outgoing run notifications (issue 15, docs/TRIGGERS.md) through the API on the real dev server, Postgres and worker:
// the routes (list / create / delete / deliveries), their checks (target in the project, URL through the egress
// policy), and one notification end to end. The receiver is a local server reached through the stand-in network
// (receiver.test resolves to a public-looking address, vetted, then routed to 127.0.0.1): the address policy is unchanged.

const OUTPUT_ONLY = {
  schema: 'omni.graph/v1',
  name: 'Tell me when done',
  nodes: [{ id: 'done', kind: 'output', value: { ok: true } }],
  edges: [],
};

const codeOf = (body: unknown) => ErrorEnvelope.parse(body).error.code;

describe('outgoing hooks (real API, worker, Postgres and Temporal)', () => {
  let stack: TestStack;
  let web: LoopbackWeb;
  let projectId: string;
  let threadId: string;
  let graphId: string;
  const received: Array<{ headers: IncomingHttpHeaders; body: string }> = [];
  let url: string;

  beforeAll(async () => {
    const route = (req: IncomingMessage, res: ServerResponse) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        res.writeHead(204).end();
      });
    };
    web = await LoopbackWeb.start({ '/notify': route });
    url = `http://receiver.test:${web.port}/notify`;
    stack = await startTestStack('outgoing_hooks', { worker: { outgoingConnect: { unsafeTestNetwork: web.network({ 'receiver.test': [PUBLIC_V4] }) } } });
    ({ projectId, threadId } = await stack.newThread('outgoing hooks'));
    graphId = (await stack.api.post(`/v1/projects/${projectId}/graphs`, { spec: OUTPUT_ONLY })).body.graph.id as string;
  }, 300_000);
  afterAll(async () => {
    await stack?.stop();
    await web?.close();
  });

  const api = () => stack.api;
  const policy = (egress_allow: string[]) =>
    api().put('/v1/policy', {
      grants: [{ level: 'workspace', subject: '*', scopes: ['read_files'], require_approval: false }],
      kill_switch_external_writes: false,
      egress_allow,
    });

  it('refuses a URL the egress policy does not allow (400, field url), and a private address even if named', async () => {
    expect((await policy(['example.org'])).status).toBe(200);
    const refused = await api().post(`/v1/projects/${projectId}/outgoing-hooks`, { url, graph_id: graphId });
    expect(refused.status).toBe(400);
    const env = ErrorEnvelope.parse(refused.body).error;
    expect(env.code).toBe('E_VALIDATION');
    expect(env.message).toMatch(/egress policy refuses receiver\.test:\d+/);
    expect(env.detail).toEqual([{ path: 'url', message: expect.stringMatching(/egress_allow/) }]);
    // `*` names every host, but never a private address.
    expect((await policy(['*'])).status).toBe(200);
    const privateIp = await api().post(`/v1/projects/${projectId}/outgoing-hooks`, { url: 'http://10.0.0.7/x', graph_id: graphId });
    expect(privateIp.status).toBe(400);
    expect(ErrorEnvelope.parse(privateIp.body).error.detail).toEqual([{ path: 'url', message: expect.stringMatching(/not a public address \(private\)/) }]);
    expect((await api().get(`/v1/projects/${projectId}/outgoing-hooks`)).body.items).toEqual([]);
  });

  it('checks the body and the target: exactly one of graph_id/thread_id, in this project', async () => {
    await policy([`receiver.test:${web.port}`]);
    const both = await api().post(`/v1/projects/${projectId}/outgoing-hooks`, { url, graph_id: graphId, thread_id: threadId });
    expect([both.status, codeOf(both.body)]).toEqual([400, 'E_VALIDATION']);
    const notHttp = await api().post(`/v1/projects/${projectId}/outgoing-hooks`, { url: 'ftp://receiver.test/x', graph_id: graphId });
    expect(notHttp.status).toBe(400);
    const missing = await api().post(`/v1/projects/${projectId}/outgoing-hooks`, { url, graph_id: randomUUID() });
    expect([missing.status, codeOf(missing.body)]).toEqual([404, 'E_NOT_FOUND']);
    const other = await stack.newThread('another project');
    const foreign = await api().post(`/v1/projects/${other.projectId}/outgoing-hooks`, { url, graph_id: graphId });
    expect(foreign.status).toBe(400);
    expect(ErrorEnvelope.parse(foreign.body).error.detail).toEqual([{ path: 'graph_id', message: 'belongs to another project' }]);
    const noProject = await api().get(`/v1/projects/${randomUUID()}/outgoing-hooks`);
    expect(noProject.status).toBe(404);
    // A thread of the project is a target too.
    const forThread = await api().post(`/v1/projects/${projectId}/outgoing-hooks`, { url, thread_id: threadId });
    expect(forThread.status).toBe(201);
    expect(CreatedOutgoingHook.parse(forThread.body).hook).toMatchObject({ thread_id: threadId, graph_id: null });
    expect((await api().del(`/v1/outgoing-hooks/${forThread.body.hook.id}`)).status).toBe(204);
  });

  /** Polls a hook's deliveries until the first one has ended. */
  async function ended(hookId: string): Promise<OutgoingDelivery[]> {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const items = ((await api().get(`/v1/outgoing-hooks/${hookId}/deliveries`)).body.items as unknown[]).map((d) => OutgoingDelivery.parse(d));
      if ((items[0] && items[0].status !== 'pending') || Date.now() > deadline) return items;
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  it('notifies a thread hook when a chat turn in the thread ends (offline model)', async () => {
    await policy([`receiver.test:${web.port}`]);
    const { hook, secret } = CreatedOutgoingHook.parse((await api().post(`/v1/projects/${projectId}/outgoing-hooks`, { url, thread_id: threadId })).body);
    const run = await api().post(`/v1/threads/${threadId}/runs`, { message: 'hello', pins: { params: { delay_ms: 0, reply_words: 3 } } });
    expect(run.status).toBe(201);
    const runId = run.body.id as string;
    expect(await ended(hook.id)).toEqual([expect.objectContaining({ run_id: runId, status: 'delivered', attempts: 1 })]);
    const [post] = received.filter((r) => r.body.includes(runId));
    const body = RunEndedNotification.parse(new Webhook(secret).verify(post!.body, post!.headers as Record<string, string>));
    expect(body.data).toMatchObject({ run_id: runId, thread_id: threadId, graph_id: null, status: 'completed' });
    await api().del(`/v1/outgoing-hooks/${hook.id}`);
  }, 120_000);

  it('creates a hook (secret answered once), notifies it signed when a run of the graph ends, lists the delivery, deletes it', async () => {
    await policy([`receiver.test:${web.port}`]);
    const created = await api().post(`/v1/projects/${projectId}/outgoing-hooks`, { url, graph_id: graphId });
    expect(created.status).toBe(201);
    const { hook, secret } = CreatedOutgoingHook.parse(created.body);
    expect(secret).toMatch(/^whsec_/);
    expect(hook).toMatchObject({ project_id: projectId, graph_id: graphId, thread_id: null, url });
    const listed = (await api().get(`/v1/projects/${projectId}/outgoing-hooks`)).body.items as unknown[];
    expect(listed.map((h) => OutgoingHook.parse(h))).toEqual([hook]);
    expect(JSON.stringify(listed)).not.toContain(secret);

    const run = await api().post(`/v1/graphs/${graphId}/runs`, { input: {} });
    expect(run.status).toBe(202);
    const runId = run.body.id as string;
    const deadline = Date.now() + 60_000;
    let deliveries: OutgoingDelivery[] = [];
    while (Date.now() < deadline) {
      deliveries = ((await api().get(`/v1/outgoing-hooks/${hook.id}/deliveries`)).body.items as unknown[]).map((d) => OutgoingDelivery.parse(d));
      if (deliveries[0]?.status === 'delivered') break;
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(deliveries).toEqual([expect.objectContaining({ hook_id: hook.id, run_id: runId, status: 'delivered', attempts: 1, last_http_status: 204 })]);
    const posts = received.filter((r) => r.body.includes(runId));
    expect(posts).toHaveLength(1);
    const body = RunEndedNotification.parse(new Webhook(secret).verify(posts[0]!.body, posts[0]!.headers as Record<string, string>));
    expect(body.data).toMatchObject({ run_id: runId, project_id: projectId, graph_id: graphId, status: 'completed' });
    expect(posts[0]!.headers['webhook-id']).toBe(deliveries[0]!.message_id);
    console.log(`API delivery: ${JSON.stringify(deliveries[0])}`);

    expect((await api().del(`/v1/outgoing-hooks/${hook.id}`)).status).toBe(204);
    expect((await api().get(`/v1/projects/${projectId}/outgoing-hooks`)).body.items).toEqual([]);
    expect((await api().get(`/v1/outgoing-hooks/${hook.id}/deliveries`)).status).toBe(404);
    expect((await api().del(`/v1/outgoing-hooks/${hook.id}`)).status).toBe(404);
    // Changes are audited (who created and deleted which hook), never with the body or the secret.
    const audit = (await api().get('/v1/audit?limit=200')).body.items as Array<{ action: string; target: string | null }>;
    const actions = audit.filter((a) => (a.target ?? '').includes(hook.id) || (a.target ?? '').endsWith('/outgoing-hooks')).map((a) => a.action);
    expect(actions).toEqual(expect.arrayContaining(['trigger.createOutgoingHook', 'trigger.deleteOutgoingHook']));
    expect(JSON.stringify(audit)).not.toContain(secret.slice(6));
  }, 120_000);
});
