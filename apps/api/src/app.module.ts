import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import type { AppConfig } from './config/app-config';
import { ConfigModule } from './config/config.module';
import { ConsoleAssets } from './console/console-assets';
import { ErrorEnvelopeFilter } from './errors/error-envelope.filter';
import { ArtifactsModule } from './artifacts/artifacts.module';
import { AuthModule } from './auth/auth.module';
import { HealthModule } from './health/health.module';
import { ProjectsModule } from './projects/projects.module';
import { ProvidersModule } from './providers/providers.module';
import { RunsModule } from './runs/runs.module';
import { ToolsModule } from './tools/tools.module';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [ConfigModule.forRoot(config), AuthModule, HealthModule, ProjectsModule, RunsModule, ArtifactsModule, ProvidersModule, ToolsModule],
      providers: [
        { provide: ConsoleAssets, useValue: new ConsoleAssets(config.consoleDir) },
        { provide: APP_FILTER, useClass: ErrorEnvelopeFilter },
      ],
    };
  }
}
