import { Module } from '@nestjs/common';
import { StoreModule } from '../store/store.module';
import { ProviderPresetsController, ProvidersController } from './providers.controller';
import { ProvidersService, ProviderUrlVetting } from './providers.service';

@Module({ imports: [StoreModule], controllers: [ProvidersController, ProviderPresetsController], providers: [ProvidersService, ProviderUrlVetting] })
export class ProvidersModule {}
