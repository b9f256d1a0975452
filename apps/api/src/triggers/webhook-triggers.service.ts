import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { type CreatedTrigger, type CreateTriggerRequest, type RotateSecretRequest, type WebhookDelivery } from '@omniai/contracts';
import { publicTrigger, SecretBox, type StoredTrigger, TriggerStore, triggerSecretOwner } from '@omniai/store';
import { ApiException } from '../errors/api.exception';
import { newWebhookSecret } from './webhook-secret';

type CreateWebhookRequest = Extract<CreateTriggerRequest, { kind: 'webhook' }>;

/**
 * Webhook triggers: creation (with a sealed signing secret, shown once), secret rotation with an overlap window, and
 * the delivery log. The create route (`POST /v1/projects/:projectId/triggers`, shared with schedules) calls `create`
 * for `kind: 'webhook'`.
 */
@Injectable()
export class WebhookTriggers {
  constructor(
    private readonly triggers: TriggerStore,
    private readonly secrets: SecretBox,
  ) {}

  async create(projectId: string, body: CreateWebhookRequest, createdBy: string): Promise<CreatedTrigger> {
    const id = randomUUID();
    const secret = newWebhookSecret();
    // The secret is sealed bound to the trigger's id before the row exists, so it can never be read as another's.
    const sealed = await this.secrets.seal(secret, triggerSecretOwner(id));
    const trigger = await this.triggers.create({
      id,
      projectId,
      name: body.name,
      kind: 'webhook',
      target: body.target,
      schedule: null,
      policies: null,
      webhook: body.webhook,
      secretId: sealed.id,
      paused: body.paused,
      createdBy,
    });
    return { trigger: publicTrigger(trigger), secret };
  }

  /** A new secret, answered once; the current one stays valid for `overlap_seconds` so senders can switch over. */
  async rotate(triggerId: string, body: RotateSecretRequest): Promise<CreatedTrigger> {
    const trigger = await this.webhook(triggerId);
    const secret = newWebhookSecret();
    const sealed = await this.secrets.seal(secret, triggerSecretOwner(trigger.id));
    const rotated = await this.triggers.rotateSecret(trigger.id, sealed.id, new Date(Date.now() + body.overlap_seconds * 1000));
    return { trigger: publicTrigger(rotated), secret };
  }

  async deliveries(triggerId: string): Promise<{ items: WebhookDelivery[] }> {
    // A schedule has no deliveries: its list is empty rather than an error.
    const trigger = await this.triggers.get(triggerId);
    if (!trigger || trigger.deleted) throw new ApiException('E_NOT_FOUND', 'No such trigger.');
    return { items: await this.triggers.listDeliveries(trigger.id) };
  }

  private async webhook(triggerId: string): Promise<StoredTrigger> {
    const trigger = await this.triggers.get(triggerId);
    if (!trigger || trigger.deleted) throw new ApiException('E_NOT_FOUND', 'No such trigger.');
    if (trigger.kind !== 'webhook') throw new ApiException('E_CONFLICT', 'The trigger is a schedule: it has no signing secret and no deliveries.');
    return trigger;
  }
}
