import { Controller, Delete, Get, HttpCode, Post } from '@nestjs/common';
import { CreateSearchBackendRequest, type SearchBackend } from '@omniai/contracts';
import { type Actor, CurrentActor } from '../auth/actor';
import { BodyOf, ParamOf } from '../errors/zod.pipe';
import { SearchBackendsService } from './search-backends.service';

/** `/v1/research/backends`: web search backends of research runs (reading: anyone signed in; changes: admins). */
@Controller('v1/research/backends')
export class SearchBackendsController {
  constructor(private readonly backends: SearchBackendsService) {}

  @Get()
  list(): Promise<{ items: SearchBackend[] }> {
    return this.backends.list();
  }

  @Post()
  @HttpCode(201)
  create(@BodyOf(CreateSearchBackendRequest) body: CreateSearchBackendRequest, @CurrentActor() actor: Actor): Promise<SearchBackend> {
    return this.backends.create(body, actor.user.email);
  }

  @Delete(':backendId')
  @HttpCode(204)
  delete(@ParamOf('backendId') backendId: string): Promise<void> {
    return this.backends.delete(backendId);
  }
}
