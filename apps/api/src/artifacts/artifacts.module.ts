import { Module } from '@nestjs/common';
import { StoreModule } from '../store/store.module';
import { ArtifactsController } from './artifacts.controller';

@Module({ imports: [StoreModule], controllers: [ArtifactsController] })
export class ArtifactsModule {}
