import { Body, Controller, Get, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import { AcceptInviteRequest, InviteToken, LoginRequest, type InviteInfo, type SessionInfo } from '@omniai/contracts';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ZodPipe } from '../errors/zod.pipe';
import { type Actor, CurrentActor } from './actor';
import { AuthService } from './auth.service';
import { LoginThrottle } from './login-throttle';

@Controller('v1/auth')
export class AuthController {
  // Sign-in attempts and invite lookups are limited per address, sign-in also per account: they guess secrets.
  constructor(
    private readonly auth: AuthService,
    private readonly throttle: LoginThrottle,
  ) {}

  @Post('login')
  @HttpCode(200)
  async login(
    @Body(new ZodPipe(LoginRequest)) body: LoginRequest,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<SessionInfo> {
    await this.throttle.address(req, reply, body.email);
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
  async invite(
    @Param('token', new ZodPipe(InviteToken)) token: string,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<InviteInfo> {
    await this.throttle.address(req, reply);
    return this.auth.inviteInfo(token);
  }

  @Post('invites/:token/accept')
  @HttpCode(200)
  async accept(
    @Param('token', new ZodPipe(InviteToken)) token: string,
    @Body(new ZodPipe(AcceptInviteRequest)) body: AcceptInviteRequest,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<SessionInfo> {
    await this.throttle.address(req, reply);
    return this.auth.acceptInvite(token, body, req, reply);
  }
}
