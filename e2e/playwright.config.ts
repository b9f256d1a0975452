import { join } from 'node:path';
import { defineConfig } from '@playwright/test';

// Browser tests drive Debian's Chromium (never Playwright's own browser download: no download host is reachable).
const chromium = process.env['OMNI_CHROMIUM'] ?? '/usr/bin/chromium';
// Written by global-setup.ts (ADMIN_STATE there): the admin's session cookie, so every test starts signed in. Tests of
// signing in open their own contexts without it.
const adminState = join(import.meta.dirname, '..', 'test-results', 'e2e-admin-state.json');

export default defineConfig({
  testDir: '.',
  testMatch: '**/*.e2e.ts',
  outputDir: '../test-results/e2e',
  timeout: 60_000,
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list']],
  globalSetup: './global-setup.ts',
  use: {
    browserName: 'chromium',
    headless: true,
    storageState: adminState,
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: chromium,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
});
