import { Module } from '@nestjs/common';
import { DatabaseModule } from '../database/database.module';
import { DockerModule } from '../docker/docker.module';
import { TemporalModule } from '../temporal/temporal.module';
import { HealthController } from './health.controller';
import { HealthService } from './health.service';

@Module({
  imports: [DatabaseModule, TemporalModule, DockerModule],
  controllers: [HealthController],
  providers: [HealthService],
})
export class HealthModule {}
