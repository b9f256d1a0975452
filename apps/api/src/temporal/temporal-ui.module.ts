import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { RemoteCodec } from './remote-codec.service';
import { TemporalCodecController } from './temporal-codec.controller';
import { TemporalUiProxy } from './temporal-ui.proxy';

/** Admin access to Temporal's sealed payloads: the codec endpoint and the proxied Temporal UI (D45). */
@Module({ imports: [AuthModule], controllers: [TemporalCodecController], providers: [RemoteCodec, TemporalUiProxy], exports: [TemporalUiProxy] })
export class TemporalUiModule {}
