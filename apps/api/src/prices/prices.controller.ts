import { Controller, Get, Put } from '@nestjs/common';
import { type ModelPrice, PutPricesRequest } from '@omniai/contracts';
import { PriceStore } from '@omniai/store';
import { BodyOf } from '../errors/zod.pipe';

@Controller('v1/prices')
export class PricesController {
  constructor(private readonly prices: PriceStore) {}

  @Get()
  async list(): Promise<{ items: ModelPrice[] }> {
    return { items: await this.prices.list() };
  }

  @Put()
  async put(@BodyOf(PutPricesRequest) body: PutPricesRequest): Promise<{ items: ModelPrice[] }> {
    await this.prices.put(body.items);
    return this.list();
  }
}
