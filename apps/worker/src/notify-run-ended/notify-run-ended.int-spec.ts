import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { type NotifyRunEndedResult, RunEndedNotification } from '@omniai/contracts';
import { notifyRunEndedWorkflowId } from '@omniai/contracts/pure';
import { OutgoingHookStore, outgoingHookSecretOwner, parseMasterKey, SecretBox } from '@omniai/store';
import { LoopbackWeb, PUBLIC_V4 } from '@omniai/tools/testing';
import { Webhook } from 'standardwebhooks';
import { GraphKit, READ_POLICY, REQUESTER } from '../graph-run/graph-test-kit';

// Outgoing run notifications on the real dev server with the real worker and Postgres: when a run of a graph with a
// live hook ends, notifyRunEndedWorkflow POSTs a signed RunEndedNotification through safeFetch and the egress policy,
// retried with backoff, each attempt recorded. The receiver is a local server reached through the stand-in network
// (receiver.test resolves to a public-looking address, vetted, then routed to 127.0.0.1): the address policy is unchanged.

const OUTPUT_ONLY = {
  schema: 'omni.graph/v1',
  name: 'Notify me',
  nodes: [{ id: 'done', kind: 'output', value: { ok: true } }],
  edges: [],
};

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

describe('notifyRunEndedWorkflow', () => {
  let kit: GraphKit;
  let web: LoopbackWeb;
  const received: Received[] = [];
  /** Answers per path, in order; the last one repeats. */
  const script: Record<string, number[]> = { '/ok': [200], '/flaky': [500, 500, 200], '/gone': [404] };
  const answered: Record<string, number> = {};

  beforeAll(async () => {
    const answer = (path: string) => {
      const statuses = script[path]!;
      const n = answered[path] ?? 0;
      answered[path] = n + 1;
      return statuses[Math.min(n, statuses.length - 1)]!;
    };
    const route = (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse, url: URL) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({ path: url.pathname, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        res.writeHead(answer(url.pathname), { 'content-type': 'text/plain' }).end('answered');
      });
    };
    web = await LoopbackWeb.start({ '/ok': route, '/flaky': route, '/gone': route });
    kit = await GraphKit.start('notify-run-ended', [], {
      outgoingConnect: { unsafeTestNetwork: web.network({ 'receiver.test': [PUBLIC_V4], 'elsewhere.test': [PUBLIC_V4] }) },
    });
    // Only receiver.test (on the receiver's port) is allowed out; elsewhere.test resolves but is not in the policy.
    await kit.policy({ ...READ_POLICY, egress_allow: [`receiver.test:${web.port}`] });
  }, 240_000);
  afterAll(async () => {
    await kit?.stop();
    await web?.close();
  });

  const hooks = () => new OutgoingHookStore(kit.ds);

  async function hookFor(graphId: string, url: string) {
    const id = randomUUID();
    const secret = `whsec_${Buffer.from(randomUUID()).toString('base64')}`;
    const sealed = await new SecretBox(kit.ds, parseMasterKey(process.env['OMNI_TEST_SECRETS_KEY']!)).seal(secret, outgoingHookSecretOwner(id));
    const hook = await hooks().create({ id, projectId: kit.projectId, graphId, threadId: null, url, secretId: sealed.id, createdBy: REQUESTER.id });
    return { hook, secret };
  }

  /** Runs the graph to its end and waits for the hook's notification workflow. */
  async function runAndNotify(hookUrlPath: string, host = 'receiver.test') {
    const graph = await kit.saveGraph(OUTPUT_ONLY);
    const { hook, secret } = await hookFor(graph.graph_id, `http://${host}:${web.port}${hookUrlPath}`);
    const { runId, handle } = await kit.startSaved(graph);
    expect((await handle.result()).status).toBe('completed');
    const notified = await kit.env.client.workflow.getHandle(notifyRunEndedWorkflowId(hook.id, runId)).result();
    return { hook, secret, runId, notified: notified as NotifyRunEndedResult };
  }

  it('POSTs one signed notification that verifies, and records the delivery as delivered', async () => {
    const { hook, secret, runId, notified } = await runAndNotify('/ok');
    expect(notified).toEqual({ status: 'delivered', attempts: 1 });
    const posts = received.filter((r) => r.body.includes(runId));
    expect(posts).toHaveLength(1);
    const [post] = posts;
    const verified = new Webhook(secret).verify(post!.body, post!.headers as Record<string, string>);
    const body = RunEndedNotification.parse(verified);
    expect(body).toMatchObject({
      type: 'run.ended',
      data: { run_id: runId, project_id: kit.projectId, graph_id: hook.graph_id, status: 'completed', error: null },
    });
    expect(post!.headers['content-type']).toBe('application/json');
    // Signed with this hook's secret only: another secret does not verify it.
    expect(() =>
      new Webhook(`whsec_${Buffer.from('another secret').toString('base64')}`).verify(post!.body, post!.headers as Record<string, string>),
    ).toThrow();
    const delivery = await hooks().getDelivery(hook.id, runId);
    expect(delivery).toMatchObject({ status: 'delivered', attempts: 1, last_http_status: 200, last_error: null, message_id: post!.headers['webhook-id'] });
    expect(delivery!.delivered_at).not.toBeNull();
    console.log(`delivered: ${JSON.stringify(delivery)}`);
  });

  it('retries a receiver that answers 500 twice with the same webhook-id, then delivers (3 attempts)', async () => {
    const { hook, secret, runId, notified } = await runAndNotify('/flaky');
    expect(notified).toEqual({ status: 'delivered', attempts: 3 });
    const posts = received.filter((r) => r.body.includes(runId));
    expect(posts).toHaveLength(3);
    expect(new Set(posts.map((p) => p.headers['webhook-id'])).size).toBe(1);
    for (const p of posts) expect(() => new Webhook(secret).verify(p.body, p.headers as Record<string, string>)).not.toThrow();
    const delivery = await hooks().getDelivery(hook.id, runId);
    expect(delivery).toMatchObject({ status: 'delivered', attempts: 3, last_http_status: 200, last_error: null });
    console.log(`flaky receiver: ${JSON.stringify(delivery)}`);
  }, 60_000);

  it('does not retry a 404: the delivery fails after one attempt, with the status and no secret in the error', async () => {
    const { hook, secret, runId, notified } = await runAndNotify('/gone');
    expect(notified).toEqual({ status: 'failed', attempts: 1 });
    expect(received.filter((r) => r.body.includes(runId))).toHaveLength(1);
    const delivery = await hooks().getDelivery(hook.id, runId);
    expect(delivery).toMatchObject({ status: 'failed', attempts: 1, last_http_status: 404, last_error: 'the receiver answered HTTP 404' });
    expect(JSON.stringify(delivery)).not.toContain(secret.slice(6));
  });

  it('sends nothing to a host the egress policy does not name: the delivery fails as refused', async () => {
    const before = received.length;
    const { hook, runId, notified } = await runAndNotify('/ok', 'elsewhere.test');
    expect(notified).toEqual({ status: 'failed', attempts: 1 });
    expect(received.length).toBe(before);
    const delivery = await hooks().getDelivery(hook.id, runId);
    expect(delivery).toMatchObject({ status: 'failed', attempts: 1, last_http_status: null });
    expect(delivery!.last_error).toMatch(/E_EGRESS_DENIED: elsewhere\.test:\d+ is not in this call's egress allowlist/);
  });

  it('starts nothing for a deleted hook', async () => {
    const graph = await kit.saveGraph(OUTPUT_ONLY);
    const { hook } = await hookFor(graph.graph_id, `http://receiver.test:${web.port}/ok`);
    await hooks().softDelete(hook.id);
    const { runId, handle } = await kit.startSaved(graph);
    await handle.result();
    await expect(kit.env.client.workflow.getHandle(notifyRunEndedWorkflowId(hook.id, runId)).describe()).rejects.toThrow(/not found/i);
    expect(await hooks().listDeliveries(hook.id)).toEqual([]);
  });
});
