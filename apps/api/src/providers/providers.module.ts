import { Module } from '@nestjs/common';
import { StoreModule } from '../store/store.module';
import { PricesController } from '../prices/prices.controller';
import { ProviderPresetsController, ProvidersController } from './providers.controller';
import { ProvidersService } from './providers.service';

@Module({ imports: [StoreModule], controllers: [ProvidersController, ProviderPresetsController, PricesController], providers: [ProvidersService] })
export class ProvidersModule {}
