// `npm run omni -- <command>`: operator commands against the local stack (defaults match `npm start`).
//   verify-run <runId>               rebuild a run's events from Temporal history and diff them with Postgres
//   export-history <runId> <file>    save a run's workflow history (replay test fixtures)
//   admin-link                       a fresh one-time sign-in link for the first admin (while it has no password)
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { DATA_DIR, ROOT, toolPath } from './lib/paths.mjs';
import { embeddedUrl, stackClusterDir } from './lib/postgres.mjs';
import { main } from './lib/ui.mjs';

await main(() => {
  const env = {
    ...process.env,
    PATH: toolPath(),
    // The embedded server's password is in the data dir (D40): a missing file is a one-line error, not a stack.
    DATABASE_URL: process.env.DATABASE_URL || embeddedUrl(process.env.OMNI_POSTGRES_PORT || 5499, stackClusterDir(DATA_DIR)),
    TEMPORAL_ADDRESS: process.env.TEMPORAL_ADDRESS || `127.0.0.1:${process.env.OMNI_TEMPORAL_PORT || 7233}`,
  };
  // The admin link is the API's business (its invites and public URL); the rest reads runs through the worker's code.
  const cli = process.argv[2] === 'admin-link' ? 'apps/api/dist/cli/admin-link.js' : 'apps/worker/dist/cli/verify-run.js';
  const result = spawnSync(process.execPath, [join(ROOT, cli), ...process.argv.slice(2)], {
    cwd: ROOT,
    env,
    stdio: 'inherit',
  });
  process.exit(result.status ?? 1);
});
