import { Controller, Get } from '@nestjs/common';
import type { Meta } from '@omniai/contracts';
import { HealthService } from './health.service';

@Controller()
export class HealthController {
  constructor(private readonly health: HealthService) {}

  /** Liveness only: the process serves HTTP. Dependencies are reported by /v1/meta. */
  @Get('healthz')
  healthz(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('v1/meta')
  meta(): Promise<Meta> {
    return this.health.meta();
  }
}
