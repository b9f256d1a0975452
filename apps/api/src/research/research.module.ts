import { Module } from '@nestjs/common';
import { RunsModule } from '../runs/runs.module';
import { StoreModule } from '../store/store.module';
import { DocumentsController } from './documents.controller';
import { DocumentsService } from './documents.service';
import { ResearchController } from './research.controller';
import { ResearchService } from './research.service';
import { SearchBackendResolver } from './search-backend-resolver';

/** Research runs and the project documents they search (issue 16, docs/RESEARCH.md). */
@Module({
  imports: [StoreModule, RunsModule],
  controllers: [ResearchController, DocumentsController],
  providers: [ResearchService, DocumentsService, SearchBackendResolver],
  exports: [ResearchService],
})
export class ResearchModule {}
