import { Module } from '@nestjs/common';
import { StoreModule } from '../store/store.module';
import { StreamsModule } from '../streams/streams.module';
import { ProjectsController } from './projects.controller';
import { ProjectsService } from './projects.service';

@Module({ imports: [StoreModule, StreamsModule], controllers: [ProjectsController], providers: [ProjectsService] })
export class ProjectsModule {}
