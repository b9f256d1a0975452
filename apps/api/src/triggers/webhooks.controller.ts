import { Controller } from '@nestjs/common';

/** Triggers: inbound webhooks POST /v1/hooks/:hookId, secret rotation and the delivery log. */
@Controller('v1')
export class WebhooksController {}
