import { Controller } from '@nestjs/common';

/** Triggers: outgoing run notifications. */
@Controller('v1')
export class OutgoingHooksController {}
