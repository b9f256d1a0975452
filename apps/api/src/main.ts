import 'reflect-metadata';
import { createApiApp } from './bootstrap';
import { AppConfig } from './config/app-config';

async function main(): Promise<void> {
  const config = AppConfig.fromEnv();
  const app = await createApiApp(config);
  await app.listen({ host: config.host, port: config.port });
  console.log(`api listening on http://${config.host}:${config.port}`);
}

main().catch((err: unknown) => {
  // One line: configuration and dependency errors are for the operator, not a stack trace.
  console.error(`api failed to start: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
