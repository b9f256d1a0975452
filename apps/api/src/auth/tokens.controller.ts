import { Body, Controller, Delete, Get, HttpCode, Param, Post, Req } from '@nestjs/common';
import { type ApiToken, CreateTokenRequest, type CreatedToken, IdParam } from '@omniai/contracts';
import { IdentityStore } from '@omniai/store';
import type { FastifyRequest } from 'fastify';
import { ZodPipe } from '../errors/zod.pipe';
import { type Actor, CurrentActor } from './actor';
import { AuthService } from './auth.service';

/** Your own bearer tokens for the public lane. */
@Controller('v1/tokens')
export class TokensController {
  constructor(
    private readonly identity: IdentityStore,
    private readonly auth: AuthService,
  ) {}

  @Get()
  async list(@CurrentActor() actor: Actor): Promise<{ items: ApiToken[] }> {
    return { items: await this.identity.listTokens(actor.user.id) };
  }

  @Post()
  @HttpCode(201)
  create(@Body(new ZodPipe(CreateTokenRequest)) body: CreateTokenRequest, @CurrentActor() actor: Actor, @Req() req: FastifyRequest): Promise<CreatedToken> {
    return this.auth.createToken(body, actor, req.ip);
  }

  @Delete(':tokenId')
  @HttpCode(204)
  revoke(@Param('tokenId', new ZodPipe(IdParam)) tokenId: string, @CurrentActor() actor: Actor, @Req() req: FastifyRequest): Promise<void> {
    return this.auth.revokeToken(tokenId, actor, req.ip);
  }
}
