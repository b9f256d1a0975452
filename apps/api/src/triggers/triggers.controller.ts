import { Controller } from '@nestjs/common';

/** Triggers: schedules and trigger CRUD (UI lane). */
@Controller('v1')
export class TriggersController {}
