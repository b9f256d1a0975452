import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import type { AppConfig } from './config/app-config';
import { ConfigModule } from './config/config.module';
import { ConsoleAssets } from './console/console-assets';
import { ErrorEnvelopeFilter } from './errors/error-envelope.filter';
import { ApprovalsModule } from './approvals/approvals.module';
import { ArtifactsModule } from './artifacts/artifacts.module';
import { AuthModule } from './auth/auth.module';
import { GraphsModule } from './graphs/graphs.module';
import { ResearchModule } from './research/research.module';
import { HealthModule } from './health/health.module';
import { IdentityModule } from './identity/identity.module';
import { McpHubModule } from './mcp/mcp-hub.module';
import { PricesModule } from './prices/prices.module';
import { ProjectsModule } from './projects/projects.module';
import { ProvidersModule } from './providers/providers.module';
import { PublicApiModule } from './public-api/public-api.module';
import { RunsModule } from './runs/runs.module';
import { SearchBackendsModule } from './research/search-backends.module';
import { TemporalUiModule } from './temporal/temporal-ui.module';
import { ToolsModule } from './tools/tools.module';
import { TriggersModule } from './triggers/triggers.module';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        AuthModule,
        IdentityModule,
        HealthModule,
        ProjectsModule,
        RunsModule,
        GraphsModule,
        ResearchModule,
        TriggersModule,
        ArtifactsModule,
        ProvidersModule,
        SearchBackendsModule,
        PricesModule,
        ToolsModule,
        McpHubModule,
        ApprovalsModule,
        PublicApiModule,
        TemporalUiModule,
      ],
      providers: [
        { provide: ConsoleAssets, useValue: new ConsoleAssets(config.consoleDir) },
        { provide: APP_FILTER, useClass: ErrorEnvelopeFilter },
      ],
    };
  }
}
