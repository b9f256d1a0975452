import { Controller, Delete, Get, HttpCode, Post } from '@nestjs/common';
import { CreateProviderRequest, type ProviderConfig, type ProviderPresetInfo } from '@omniai/contracts';
import { type Actor, CurrentActor, visibleProjects } from '../auth/actor';
import { BodyOf, ParamOf } from '../errors/zod.pipe';
import { ProvidersService } from './providers.service';

@Controller('v1/providers')
export class ProvidersController {
  constructor(private readonly providers: ProvidersService) {}

  @Post()
  @HttpCode(201)
  create(@BodyOf(CreateProviderRequest) body: CreateProviderRequest): Promise<ProviderConfig> {
    return this.providers.create(body);
  }

  @Get()
  list(@CurrentActor() actor: Actor): Promise<{ items: ProviderConfig[] }> {
    return this.providers.list(visibleProjects(actor));
  }

  /** Removes the configuration and destroys its stored key; runs pinned to it keep their pins. */
  @Delete(':providerId')
  @HttpCode(204)
  delete(@ParamOf('providerId') providerId: string): Promise<void> {
    return this.providers.delete(providerId);
  }
}

@Controller('v1/provider-presets')
export class ProviderPresetsController {
  constructor(private readonly providers: ProvidersService) {}

  @Get()
  list(): { items: ProviderPresetInfo[] } {
    return this.providers.presets();
  }
}
