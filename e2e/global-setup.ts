import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { FullConfig } from '@playwright/test';
import { embeddedUrl, stackClusterDir } from '../tools/lib/postgres.mjs';
import { signIn } from '../tools/testing/api-session.mjs';
import { spawnStack, stackEnv } from '../tools/testing/stack-process.mjs';

/**
 * Where the signed-in admin's browser state is kept: every page of the suite starts signed in (`use.storageState` in
 * playwright.config.ts). Absolute, so that it does not depend on the directory Playwright is started from.
 */
export const ADMIN_STATE = join(import.meta.dirname, '..', 'test-results', 'e2e-admin-state.json');

/** Starts the whole stack with `tools/start.mjs` on free ports; the returned function stops it (Ctrl-C). */
export default async function globalSetup(_config: FullConfig): Promise<() => Promise<void>> {
  const env = await stackEnv();
  const stack = spawnStack(env);
  await stack.ready;
  process.env['OMNI_E2E_BASE_URL'] = stack.apiUrl;
  process.env['OMNI_E2E_TEMPORAL_UI'] = stack.temporalUiUrl;
  process.env['OMNI_E2E_DATABASE_URL'] = embeddedUrl(env.OMNI_POSTGRES_PORT, stackClusterDir(env.OMNI_DATA_DIR));
  process.env['OMNI_E2E_STACK_PID'] = String(stack.child.pid);
  const admin = await signIn(stack.apiUrl);
  process.env['OMNI_E2E_COOKIE'] = admin.cookie;
  process.env['OMNI_E2E_CSRF'] = admin.csrf;
  const [name, value] = [admin.cookie.slice(0, admin.cookie.indexOf('=')), admin.cookie.slice(admin.cookie.indexOf('=') + 1)];
  mkdirSync(dirname(ADMIN_STATE), { recursive: true });
  writeFileSync(
    ADMIN_STATE,
    JSON.stringify({ cookies: [{ name, value, domain: '127.0.0.1', path: '/', expires: -1, httpOnly: true, secure: false, sameSite: 'Lax' }], origins: [] }),
  );
  return async () => {
    await stack.interrupt();
    rmSync(env.OMNI_DATA_DIR, { recursive: true, force: true });
  };
}
