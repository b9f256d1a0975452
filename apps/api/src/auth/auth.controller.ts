import { Body, Controller, Get, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import { AcceptInviteRequest, InviteToken, LoginRequest, type InviteInfo, type SessionInfo } from '@omniai/contracts';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppConfig } from '../config/app-config';
import { ApiException } from '../errors/api.exception';
import { ZodPipe } from '../errors/zod.pipe';
import { type Actor, CurrentActor } from './actor';
import { AuthService } from './auth.service';
import { RateLimiter } from './rate-limiter';

@Controller('v1/auth')
export class AuthController {
  // Sign-in attempts and invite lookups are limited per address: they are the routes that guess secrets.
  private readonly attempts: RateLimiter;

  constructor(
    private readonly auth: AuthService,
    config: AppConfig,
  ) {
    this.attempts = new RateLimiter(config.rateLimits.login);
  }

  @Post('login')
  @HttpCode(200)
  login(
    @Body(new ZodPipe(LoginRequest)) body: LoginRequest,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<SessionInfo> {
    this.limit(req, reply);
    return this.auth.login(body, req, reply);
  }

  @Post('logout')
  @HttpCode(204)
  async logout(@CurrentActor() actor: Actor, @Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<void> {
    await this.auth.logout(actor, req, reply);
  }

  @Get('session')
  session(@CurrentActor() actor: Actor): Promise<SessionInfo> {
    return this.auth.sessionInfo(actor);
  }

  @Get('invites/:token')
  invite(
    @Param('token', new ZodPipe(InviteToken)) token: string,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<InviteInfo> {
    this.limit(req, reply);
    return this.auth.inviteInfo(token);
  }

  @Post('invites/:token/accept')
  @HttpCode(200)
  accept(
    @Param('token', new ZodPipe(InviteToken)) token: string,
    @Body(new ZodPipe(AcceptInviteRequest)) body: AcceptInviteRequest,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<SessionInfo> {
    this.limit(req, reply);
    return this.auth.acceptInvite(token, body, req, reply);
  }

  private limit(req: FastifyRequest, reply: FastifyReply): void {
    const wait = this.attempts.hit(req.ip);
    if (wait > 0) {
      void reply.header('retry-after', String(wait));
      throw new ApiException('E_RATE_LIMITED', `Too many attempts from your address; retry in ${wait} s.`);
    }
  }
}
