import { createHash } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import type { DeliveryRejection, HookAccepted, HookQuery, NodeValue, TriggerFireResult } from '@omniai/contracts';
import { storableJson } from '@omniai/contracts/pure';
import { ArtifactStore, SecretBox, type StoredTrigger, TriggeredRuns, TriggerFireRefused, TriggerStore, triggerSecretOwner } from '@omniai/store';
import { type TriggerFireWorkflow, triggerFireStart } from '@omniai/workflow-api';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import { AppConfig } from '../config/app-config';
import { ApiException } from '../errors/api.exception';
import { JsonSchemaChecks } from '../graphs/json-schema-checks';
import { TemporalService } from '../temporal/temporal.service';
import { RevealedSecrets } from './revealed-secrets';

/** One inbound delivery as the route received it: the exact bytes (the signature covers them) and the headers. */
export interface InboundDelivery {
  hookId: string;
  body: Buffer;
  headers: Record<string, string | string[] | undefined>;
  query: HookQuery;
}

/** The answer: 202 (accepted or duplicate) or 200 (`wait=true` and the run ended in time). */
export interface DeliveryAnswer {
  status: 200 | 202;
  body: HookAccepted;
}

/** A refusal with the delivery-log reason and, for 429, when to come back. */
class Refusal extends ApiException {
  constructor(
    readonly reason: DeliveryRejection,
    code: ConstructorParameters<typeof ApiException>[0],
    message: string,
    detail?: unknown,
    readonly retryAfterSeconds?: number,
  ) {
    super(code, message, detail);
  }
}

export { Refusal as DeliveryRefusal };

function header(headers: InboundDelivery['headers'], name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/**
 * Inbound webhook deliveries (docs/TRIGGERS.md): checked in a fixed order (exists, paused, size, signature and
 * timestamp, JSON, schema, rate), each outcome logged (a rejected body only as its size and hash), then one
 * `triggerFireWorkflow` per `webhook-id`: the workflow id is derived from it, so a redelivery answers the same run.
 */
@Injectable()
export class WebhookDeliveries {
  private readonly logger = new Logger(WebhookDeliveries.name);
  /** Opened webhook secrets by id (an id's plaintext never changes): a delivery skips the read and the decrypt. */
  private readonly revealed = new RevealedSecrets(1000);

  constructor(
    private readonly triggers: TriggerStore,
    private readonly secrets: SecretBox,
    private readonly checks: JsonSchemaChecks,
    private readonly triggered: TriggeredRuns,
    private readonly artifacts: ArtifactStore,
    private readonly temporal: TemporalService,
    private readonly config: AppConfig,
  ) {}

  async deliver(d: InboundDelivery): Promise<DeliveryAnswer> {
    const trigger = await this.triggers.get(d.hookId);
    // Nothing is logged for an unknown hook: there is no trigger to log it under.
    if (!trigger || trigger.deleted || trigger.kind !== 'webhook') throw new ApiException('E_NOT_FOUND', 'No such webhook.');
    const webhookId = header(d.headers, 'webhook-id')?.slice(0, 300) ?? null;
    const sha256 = createHash('sha256').update(d.body).digest('hex');
    try {
      return await this.accept(trigger, d, webhookId, sha256);
    } catch (err) {
      if (!(err instanceof Refusal)) throw err;
      await this.triggers.recordDelivery({
        triggerId: trigger.id,
        webhookId,
        status: 'rejected',
        reason: err.reason,
        detail: err.message.slice(0, 500),
        httpStatus: err.status,
        bodyBytes: d.body.length,
        bodySha256: sha256,
        runId: null,
      });
      throw err;
    }
  }

  private async accept(trigger: StoredTrigger, d: InboundDelivery, webhookId: string | null, sha256: string): Promise<DeliveryAnswer> {
    const settings = trigger.webhook!;
    if (trigger.paused) throw new Refusal('paused', 'E_CONFLICT', 'The webhook is paused.');
    if (d.body.length > settings.max_body_bytes) {
      throw new Refusal('size', 'E_PAYLOAD_TOO_LARGE', `The body is ${d.body.length} bytes; this webhook takes at most ${settings.max_body_bytes}.`);
    }
    await this.verify(trigger, d);
    let payload: unknown;
    try {
      // Made storable like every other client string (D38): NUL and lone surrogates become U+FFFD.
      payload = d.body.length === 0 ? null : storableJson(JSON.parse(d.body.toString('utf8')) as unknown);
    } catch {
      throw new Refusal('schema', 'E_VALIDATION', 'The body is not JSON.');
    }
    if (settings.payload_schema) {
      try {
        await this.checks.require(settings.payload_schema, payload, 'payload', 'E_GRAPH_INPUT_INVALID', 'payload');
      } catch (err) {
        if (err instanceof ApiException) throw new Refusal('schema', err.code, err.message, err.detail);
        throw err;
      }
    }
    const window = await this.triggers.countInWindow(trigger.id);
    if (window.count > settings.rate_limit_per_minute) {
      throw new Refusal(
        'rate',
        'E_RATE_LIMITED',
        `Over this webhook's limit of ${settings.rate_limit_per_minute} deliveries a minute.`,
        undefined,
        window.retryAfterSeconds,
      );
    }
    const fireId = webhookId!;
    const workflowId = `hook-${trigger.id}-${createHash('sha256').update(fireId).digest('hex').slice(0, 32)}`;
    let runId: string;
    // A redelivery finds the run its first delivery made (prepare says so): a duplicate.
    let existed: boolean;
    try {
      const prepared = await this.triggered.prepare(trigger, { workflowId, fireId, payload, firedAt: new Date().toISOString() });
      runId = prepared.run.id;
      existed = !prepared.created;
    } catch (err) {
      if (err instanceof TriggerFireRefused) throw new Refusal('target', err.code, err.message, err.detail);
      throw err;
    }
    const stored = await this.artifacts.claimCheck(payload);
    const value: NodeValue = 'inline' in stored ? { inline: stored.inline as never } : { artifact: stored.artifact, preview: d.body.toString('utf8', 0, 200) };
    let duplicate = existed;
    try {
      await this.temporal.client.workflow.start<TriggerFireWorkflow>(
        ...triggerFireStart({ trigger_id: trigger.id, kind: 'webhook', payload: value, webhook_id: fireId }, workflowId, this.config.taskQueue),
      );
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError) duplicate = true;
      else {
        this.logger.warn(`webhook ${trigger.id}: starting the fire workflow failed: ${String(err)}`);
        // Not logged as a rejection: the sender redelivers, and the run row (made idempotently) is reused.
        throw new ApiException('E_DEPENDENCY_UNAVAILABLE', 'Temporal is unavailable; nothing was started (redeliver).');
      }
    }
    const recorded = this.triggers.recordDelivery({
      triggerId: trigger.id,
      webhookId,
      status: duplicate ? 'duplicate' : 'accepted',
      reason: null,
      detail: null,
      httpStatus: 202,
      bodyBytes: d.body.length,
      bodySha256: sha256,
      runId,
    });
    if (d.query.wait === 'true') {
      // The delivery is logged while the run goes on (both before the answer): waiting adds no insert's latency.
      const [ended] = await Promise.all([this.awaitResult(workflowId, d.query.timeout_ms), recorded]);
      if (ended) {
        const output = ended.output ? await this.artifacts.redeem(ended.output) : null;
        return { status: 200, body: { run_id: runId, duplicate, status: ended.status, output: output as never } };
      }
    }
    await recorded;
    return { status: 202, body: { run_id: runId, duplicate } };
  }

  /** Signature against the current secret and, within its overlap window, the previous one; then the timestamp. */
  private async verify(trigger: StoredTrigger, d: InboundDelivery): Promise<void> {
    const headers = {
      'webhook-id': header(d.headers, 'webhook-id') ?? '',
      'webhook-timestamp': header(d.headers, 'webhook-timestamp') ?? '',
      'webhook-signature': header(d.headers, 'webhook-signature') ?? '',
    };
    if (!headers['webhook-id'] || !headers['webhook-timestamp'] || !headers['webhook-signature']) {
      throw new Refusal('signature', 'E_VALIDATION', 'The webhook-id, webhook-timestamp and webhook-signature headers are required.');
    }
    const secretIds = [trigger.secret_id];
    if (trigger.previous_secret_id && trigger.previous_secret_expires_at && Date.parse(trigger.previous_secret_expires_at) > Date.now()) {
      secretIds.push(trigger.previous_secret_id);
    }
    let timestampError: string | null = null;
    for (const id of secretIds) {
      if (!id) continue;
      const owner = triggerSecretOwner(trigger.id);
      const secret = await this.revealed.get(id, owner, () => this.secrets.reveal(id, owner));
      try {
        new Webhook(secret).verify(d.body, headers, { jsonParse: false });
        return;
      } catch (err) {
        if (!(err instanceof WebhookVerificationError)) throw err;
        if (/timestamp/i.test(err.message)) timestampError = err.message;
      }
    }
    if (timestampError) throw new Refusal('timestamp', 'E_AUTH_REQUIRED', `The webhook-timestamp is not within 5 minutes of now (${timestampError}).`);
    throw new Refusal('signature', 'E_AUTH_REQUIRED', 'The signature does not verify.');
  }

  /** The fire workflow's result if it ends within `timeoutMs`, else null (the answer stays 202). */
  private async awaitResult(workflowId: string, timeoutMs: number): Promise<(TriggerFireResult & { output: NodeValue | null }) | null> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), timeoutMs)));
    try {
      return await Promise.race([this.temporal.client.workflow.getHandle<TriggerFireWorkflow>(workflowId).result(), timeout]);
    } catch {
      return null;
    } finally {
      clearTimeout(timer);
    }
  }
}
