import { Module } from '@nestjs/common';
import { StoreModule } from '../store/store.module';
import { StreamsModule } from '../streams/streams.module';
import { TemporalModule } from '../temporal/temporal.module';
import { RunsController } from './runs.controller';
import { RunsService } from './runs.service';

@Module({ imports: [StoreModule, StreamsModule, TemporalModule], controllers: [RunsController], providers: [RunsService], exports: [RunsService] })
export class RunsModule {}
