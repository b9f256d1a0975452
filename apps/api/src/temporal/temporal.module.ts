import { Module } from '@nestjs/common';
import { RunWorkflows } from './run-workflows';
import { TemporalService } from './temporal.service';

@Module({ providers: [TemporalService, RunWorkflows], exports: [TemporalService, RunWorkflows] })
export class TemporalModule {}
