import { randomUUID } from 'node:crypto';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { Actor as RunEventActor, CreatedOutgoingHook, CreateOutgoingHookRequest, OutgoingDelivery, OutgoingHook } from '@omniai/contracts';
import {
  GraphStore,
  OutgoingHookStore,
  outgoingHookSecretOwner,
  PolicyStore,
  publicOutgoingHook,
  RunStore,
  SecretBox,
  type StoredOutgoingHook,
} from '@omniai/store';
import { classifyAddress, effectivePort, HostAllowlist, PRIVATE_NETWORK } from '@omniai/tools';
import { ApiException } from '../errors/api.exception';
import { GraphDeletion } from '../graphs/graph-deletion';
import { requireInProject } from './target-project';
import { newWebhookSecret } from './webhook-secret';

/**
 * Outgoing run notifications (docs/TRIGGERS.md): a URL told, signed, when a run of a graph or thread ends. Creating one
 * checks the target (a graph or thread of the project) and the URL against the workspace egress policy (the worker
 * checks again, with DNS, at every delivery); the signing secret is sealed bound to the hook and answered once.
 */
@Injectable()
export class OutgoingHooksService implements OnModuleInit {
  constructor(
    private readonly hooks: OutgoingHookStore,
    private readonly secrets: SecretBox,
    private readonly runs: RunStore,
    private readonly graphs: GraphStore,
    private readonly policies: PolicyStore,
    private readonly graphDeletion: GraphDeletion,
  ) {}

  onModuleInit(): void {
    // A deleted graph's hooks go with it (deliveries in flight finish).
    this.graphDeletion.register(async (graphId) => ({
      removed: async () => void (await this.hooks.softDeleteForGraph(graphId)),
      kept: async () => undefined,
    }));
  }

  async list(projectId: string): Promise<{ items: OutgoingHook[] }> {
    await this.project(projectId);
    return { items: (await this.hooks.list(projectId)).map(publicOutgoingHook) };
  }

  async create(projectId: string, body: CreateOutgoingHookRequest, by: RunEventActor): Promise<CreatedOutgoingHook> {
    await this.project(projectId);
    await this.checkTarget(projectId, body);
    const url = new URL(body.url);
    const refused = await this.egressRefusal(url);
    if (refused) throw new ApiException('E_VALIDATION', `The egress policy refuses ${refused}.`, [{ path: 'url', message: refused }]);
    const id = randomUUID();
    const secret = newWebhookSecret();
    // Sealed bound to the hook's id before the row exists, so it can never be read as another's.
    const sealed = await this.secrets.seal(secret, outgoingHookSecretOwner(id));
    const hook = await this.hooks.create({
      id,
      projectId,
      graphId: body.graph_id ?? null,
      threadId: body.thread_id ?? null,
      url: url.href,
      secretId: sealed.id,
      createdBy: by.id,
    });
    return { hook: publicOutgoingHook(hook), secret };
  }

  async delete(hookId: string): Promise<void> {
    await this.hooks.softDelete((await this.hook(hookId)).id);
  }

  async deliveries(hookId: string): Promise<{ items: OutgoingDelivery[] }> {
    return { items: await this.hooks.listDeliveries((await this.hook(hookId)).id) };
  }

  /**
   * Why the workspace egress policy refuses the URL's host, or null: it must be named in `egress_allow` (a port other
   * than 80/443 named too), and an IP address must be public (or private, when its entry has `allow_private`). Names
   * are resolved and vetted at each delivery.
   */
  private async egressRefusal(url: URL): Promise<string | null> {
    const hostPort = url.port ? url.host : url.hostname;
    const allow = (await this.policies.get()).egress_allow ?? [];
    const match = new HostAllowlist(allow).match(url.hostname, effectivePort(url));
    if (!match) return `${hostPort}: not named in the workspace policy's egress_allow`;
    const verdict = classifyAddress(url.hostname);
    const admitted = verdict.allowed || (match.allowPrivate && PRIVATE_NETWORK.has(verdict.category));
    if (verdict.category !== 'not_an_ip' && !admitted) return `${hostPort}: not a public address (${verdict.category.replace('_', '-')})`;
    return null;
  }

  private checkTarget(projectId: string, body: CreateOutgoingHookRequest): Promise<void> {
    return body.graph_id
      ? requireInProject({ graphs: this.graphs, runs: this.runs }, projectId, { graphId: body.graph_id }, 'graph_id')
      : requireInProject({ graphs: this.graphs, runs: this.runs }, projectId, { threadId: body.thread_id! }, 'thread_id');
  }

  private async hook(hookId: string): Promise<StoredOutgoingHook> {
    const hook = await this.hooks.get(hookId);
    if (!hook || hook.deleted) throw new ApiException('E_NOT_FOUND', `No outgoing hook ${hookId}.`);
    return hook;
  }

  private async project(projectId: string): Promise<void> {
    if (!(await this.runs.getProject(projectId))) throw new ApiException('E_NOT_FOUND', `No project ${projectId}.`);
  }
}
