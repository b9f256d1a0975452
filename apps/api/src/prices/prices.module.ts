import { Module } from '@nestjs/common';
import { StoreModule } from '../store/store.module';
import { PricesController } from './prices.controller';

/** The editable model price table (USD per million tokens). */
@Module({ imports: [StoreModule], controllers: [PricesController] })
export class PricesModule {}
