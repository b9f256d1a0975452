import { Controller, Delete, Get, HttpCode, Post, Req } from '@nestjs/common';
import { type ApiToken, CreateTokenRequest, type CreatedToken } from '@omniai/contracts';
import { IdentityStore } from '@omniai/store';
import type { FastifyRequest } from 'fastify';
import { type Actor, CurrentActor } from '../auth/actor';
import { BodyOf, ParamOf } from '../errors/zod.pipe';
import { IdentityService } from './identity.service';

/** Your own bearer tokens for the public lane. */
@Controller('v1/tokens')
export class TokensController {
  constructor(
    private readonly identity: IdentityStore,
    private readonly identityService: IdentityService,
  ) {}

  @Get()
  async list(@CurrentActor() actor: Actor): Promise<{ items: ApiToken[] }> {
    return { items: await this.identity.listTokens(actor.user.id) };
  }

  @Post()
  @HttpCode(201)
  create(@BodyOf(CreateTokenRequest) body: CreateTokenRequest, @CurrentActor() actor: Actor, @Req() req: FastifyRequest): Promise<CreatedToken> {
    return this.identityService.createToken(body, actor, req.ip);
  }

  @Delete(':tokenId')
  @HttpCode(204)
  revoke(@ParamOf('tokenId') tokenId: string, @CurrentActor() actor: Actor, @Req() req: FastifyRequest): Promise<void> {
    return this.identityService.revokeToken(tokenId, actor, req.ip);
  }
}
