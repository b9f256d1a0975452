import { Module } from '@nestjs/common';
import {
  ApprovalStore,
  ArtifactStore,
  EngineReportStore,
  GraphStore,
  IdentityStore,
  McpServerStore,
  OpenApiSpecStore,
  OutgoingHookStore,
  PolicyStore,
  DocumentStore,
  ResearchSourceStore,
  PriceStore,
  ProviderConfigStore,
  RunStore,
  SearchBackendStore,
  SecretBox,
  ToolRegistryStore,
  TriggerStore,
  parseMasterKey,
} from '@omniai/store';
import { AppConfig } from '../config/app-config';
import { DatabaseModule } from '../database/database.module';
import { DatabaseService } from '../database/database.service';

/** Repositories over the API's Postgres pool, injectable by class. */
@Module({
  imports: [DatabaseModule],
  providers: [
    { provide: RunStore, useFactory: (db: DatabaseService) => new RunStore(db.dataSource), inject: [DatabaseService] },
    { provide: ArtifactStore, useFactory: (db: DatabaseService) => new ArtifactStore(db.dataSource), inject: [DatabaseService] },
    { provide: PriceStore, useFactory: (db: DatabaseService) => new PriceStore(db.dataSource), inject: [DatabaseService] },
    { provide: ToolRegistryStore, useFactory: (db: DatabaseService) => new ToolRegistryStore(db.dataSource), inject: [DatabaseService] },
    { provide: PolicyStore, useFactory: (db: DatabaseService) => new PolicyStore(db.dataSource), inject: [DatabaseService] },
    { provide: ApprovalStore, useFactory: (db: DatabaseService) => new ApprovalStore(db.dataSource), inject: [DatabaseService] },
    { provide: IdentityStore, useFactory: (db: DatabaseService) => new IdentityStore(db.dataSource), inject: [DatabaseService] },
    { provide: OpenApiSpecStore, useFactory: (db: DatabaseService) => new OpenApiSpecStore(db.dataSource), inject: [DatabaseService] },
    { provide: EngineReportStore, useFactory: (db: DatabaseService) => new EngineReportStore(db.dataSource), inject: [DatabaseService] },
    { provide: GraphStore, useFactory: (db: DatabaseService) => new GraphStore(db.dataSource), inject: [DatabaseService] },
    { provide: TriggerStore, useFactory: (db: DatabaseService) => new TriggerStore(db.dataSource), inject: [DatabaseService] },
    { provide: OutgoingHookStore, useFactory: (db: DatabaseService) => new OutgoingHookStore(db.dataSource), inject: [DatabaseService] },
    { provide: DocumentStore, useFactory: (db: DatabaseService) => new DocumentStore(db.dataSource), inject: [DatabaseService] },
    { provide: ResearchSourceStore, useFactory: (db: DatabaseService) => new ResearchSourceStore(db.dataSource), inject: [DatabaseService] },
    {
      provide: SecretBox,
      useFactory: (db: DatabaseService, config: AppConfig) => new SecretBox(db.dataSource, parseMasterKey(config.secretsKey)),
      inject: [DatabaseService, AppConfig],
    },
    {
      provide: McpServerStore,
      useFactory: (db: DatabaseService, secrets: SecretBox) => new McpServerStore(db.dataSource, secrets),
      inject: [DatabaseService, SecretBox],
    },
    {
      provide: SearchBackendStore,
      useFactory: (db: DatabaseService, secrets: SecretBox) => new SearchBackendStore(db.dataSource, secrets),
      inject: [DatabaseService, SecretBox],
    },
    {
      provide: ProviderConfigStore,
      useFactory: (db: DatabaseService, config: AppConfig) =>
        new ProviderConfigStore(db.dataSource, new SecretBox(db.dataSource, parseMasterKey(config.secretsKey))),
      inject: [DatabaseService, AppConfig],
    },
  ],
  exports: [
    IdentityStore,
    RunStore,
    ArtifactStore,
    ProviderConfigStore,
    SearchBackendStore,
    PriceStore,
    ToolRegistryStore,
    PolicyStore,
    ApprovalStore,
    OpenApiSpecStore,
    McpServerStore,
    EngineReportStore,
    GraphStore,
    TriggerStore,
    OutgoingHookStore,
    DocumentStore,
    ResearchSourceStore,
    SecretBox,
  ],
})
export class StoreModule {}
