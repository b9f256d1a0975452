import { Module } from '@nestjs/common';
import { StoreModule } from '../store/store.module';
import { RunEventBus } from './run-event-bus';
import { RunStreamService } from './run-stream.service';

@Module({ imports: [StoreModule], providers: [RunEventBus, RunStreamService], exports: [RunStreamService, RunEventBus] })
export class StreamsModule {}
