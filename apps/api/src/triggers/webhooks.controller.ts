import { Controller, Get, HttpCode, Post, Req, Res } from '@nestjs/common';
import { type CreatedTrigger, HookQuery, type HookAccepted, RotateSecretRequest, type WebhookDelivery } from '@omniai/contracts';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiException } from '../errors/api.exception';
import { BodyOf, ParamOf, QueryOf } from '../errors/zod.pipe';
import { DeliveryRefusal, WebhookDeliveries } from './webhook-deliveries.service';
import { WebhookTriggers } from './webhook-triggers.service';

/** Triggers: inbound webhooks POST /v1/hooks/:hookId, secret rotation and the delivery log. */
@Controller('v1')
export class WebhooksController {
  constructor(
    private readonly deliveries: WebhookDeliveries,
    private readonly webhooks: WebhookTriggers,
  ) {}

  /**
   * Public (the signature is the credential). The body arrives as the exact bytes sent (bootstrap keeps this route's
   * JSON unparsed), since the signature covers them; it is parsed here only after the signature verified.
   */
  @Post('hooks/:hookId')
  async deliver(
    @ParamOf('hookId') hookId: string,
    @QueryOf(HookQuery) query: HookQuery,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<HookAccepted> {
    const body = Buffer.isBuffer(req.body) ? req.body : req.body === undefined || req.body === null ? Buffer.alloc(0) : null;
    if (body === null) throw new ApiException('E_VALIDATION', 'Send the payload as application/json.');
    try {
      const answer = await this.deliveries.deliver({ hookId, body, headers: req.headers, query });
      void reply.status(answer.status);
      return answer.body;
    } catch (err) {
      if (err instanceof DeliveryRefusal && err.retryAfterSeconds !== undefined) void reply.header('retry-after', String(err.retryAfterSeconds));
      throw err;
    }
  }

  @Post('triggers/:triggerId/rotate-secret')
  @HttpCode(200)
  rotate(@ParamOf('triggerId') triggerId: string, @BodyOf(RotateSecretRequest) body: RotateSecretRequest): Promise<CreatedTrigger> {
    return this.webhooks.rotate(triggerId, body);
  }

  @Get('triggers/:triggerId/deliveries')
  list(@ParamOf('triggerId') triggerId: string): Promise<{ items: WebhookDelivery[] }> {
    return this.webhooks.deliveries(triggerId);
  }
}
