import { Controller, Get, Req, Res } from '@nestjs/common';
import type { Meta } from '@omniai/contracts';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AuthService } from '../auth/auth.service';
import { RateLimiter } from '../auth/rate-limiter';
import { AppConfig } from '../config/app-config';
import { ApiException } from '../errors/api.exception';
import { HealthService } from './health.service';

@Controller()
export class HealthController {
  // Public and probing four dependencies: limited per address, besides the shared probe round.
  private readonly perAddress: RateLimiter;

  constructor(
    private readonly health: HealthService,
    private readonly auth: AuthService,
    config: AppConfig,
  ) {
    this.perAddress = new RateLimiter(config.rateLimits.meta);
  }

  /** Liveness only: the process serves HTTP. Dependencies are reported by /v1/meta. */
  @Get('healthz')
  healthz(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('v1/meta')
  async meta(@Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<Meta> {
    const wait = this.perAddress.hit(req.ip);
    if (wait > 0) {
      void reply.header('retry-after', String(wait));
      throw new ApiException('E_RATE_LIMITED', `Too many requests from your address; retry in ${wait} s.`);
    }
    return this.health.meta(await this.auth.isSignedIn(req));
  }
}
