import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { StoreModule } from '../store/store.module';
import { RunEventBus } from './run-event-bus';
import { RunStreamService } from './run-stream.service';

@Module({ imports: [StoreModule, AuthModule], providers: [RunEventBus, RunStreamService], exports: [RunStreamService, RunEventBus] })
export class StreamsModule {}
