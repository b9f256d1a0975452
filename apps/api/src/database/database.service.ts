import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { createDataSource, migrate, readInstanceId } from '@omniai/store';
import type { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';

/** Owns the process's Postgres pool and applies migrations before the API accepts requests. */
@Injectable()
export class DatabaseService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('database');
  readonly dataSource: DataSource;

  constructor(config: AppConfig) {
    this.dataSource = createDataSource({ url: config.databaseUrl, applicationName: 'omniai-api' });
  }

  async onModuleInit(): Promise<void> {
    await this.dataSource.initialize();
    const ran = await migrate(this.dataSource);
    this.logger.log(ran.length ? `applied migrations: ${ran.join(', ')}` : 'schema is up to date');
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }

  async ping(): Promise<string> {
    const rows: Array<{ server_version: string }> = await this.dataSource.query('show server_version');
    return rows[0]?.server_version ?? 'unknown';
  }

  instanceId(): Promise<string | null> {
    return readInstanceId(this.dataSource);
  }
}
