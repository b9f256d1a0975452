import { Module } from '@nestjs/common';
import { RunsModule } from '../runs/runs.module';
import { StoreModule } from '../store/store.module';
import { GraphAnalysis } from './graph-analysis';
import { GraphDeletion } from './graph-deletion';
import { GraphsController } from './graphs.controller';
import { GraphsService } from './graphs.service';
import { JsonSchemaChecks } from './json-schema-checks';

/** Workflow graphs: versions, validation, diffs, graph runs and their node states (issue 14, D49). */
@Module({
  imports: [StoreModule, RunsModule],
  controllers: [GraphsController],
  providers: [GraphsService, GraphAnalysis, JsonSchemaChecks, GraphDeletion],
  exports: [GraphsService, JsonSchemaChecks, GraphDeletion],
})
export class GraphsModule {}
