import { rmSync } from 'node:fs';
import type { FullConfig } from '@playwright/test';
import { embeddedUrl } from '../tools/lib/postgres.mjs';
import { spawnStack, stackEnv } from '../tools/testing/stack-process.mjs';

/** Starts the whole stack with `tools/start.mjs` on free ports; the returned function stops it (Ctrl-C). */
export default async function globalSetup(_config: FullConfig): Promise<() => Promise<void>> {
  const env = await stackEnv();
  const stack = spawnStack(env);
  await stack.ready;
  process.env['OMNI_E2E_BASE_URL'] = stack.apiUrl;
  process.env['OMNI_E2E_TEMPORAL_UI'] = stack.temporalUiUrl;
  process.env['OMNI_E2E_DATABASE_URL'] = embeddedUrl(env.OMNI_POSTGRES_PORT);
  process.env['OMNI_E2E_STACK_PID'] = String(stack.child.pid);
  return async () => {
    await stack.interrupt();
    rmSync(env.OMNI_DATA_DIR, { recursive: true, force: true });
  };
}
