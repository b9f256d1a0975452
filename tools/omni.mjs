// `npm run omni -- <command>`: operator commands against the local stack (defaults match `npm start`).
//   verify-run <runId>               rebuild a run's events from Temporal history and diff them with Postgres
//   export-history <runId> <file>    save a run's workflow history, payloads opened (replay test fixtures)
//   rotate-payload-key [id]          new sealing key for Temporal payloads in .data/payload.keys (restart to use)
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { DATA_DIR, ROOT, toolPath } from './lib/paths.mjs';
import { payloadKeys, payloadKeysFile, rotatePayloadKey } from './lib/payload-keys.mjs';
import { embeddedUrl, stackClusterDir } from './lib/postgres.mjs';
import { main } from './lib/ui.mjs';

await main(() => {
  if (process.argv[2] === 'rotate-payload-key') {
    const id = rotatePayloadKey(DATA_DIR, process.argv[3]);
    console.log(`new payload sealing key "${id}" in ${payloadKeysFile(DATA_DIR)} (older keys kept for the histories they sealed); restart the stack to use it`);
    return;
  }
  const keys = process.env.OMNI_PAYLOAD_KEYS || payloadKeys(DATA_DIR, { create: false });
  const env = {
    ...(keys ? { OMNI_PAYLOAD_KEYS: keys } : {}),
    ...process.env,
    PATH: toolPath(),
    // The embedded server's password is in the data dir (D40): a missing file is a one-line error, not a stack.
    DATABASE_URL: process.env.DATABASE_URL || embeddedUrl(process.env.OMNI_POSTGRES_PORT || 5499, stackClusterDir(DATA_DIR)),
    TEMPORAL_ADDRESS: process.env.TEMPORAL_ADDRESS || `127.0.0.1:${process.env.OMNI_TEMPORAL_PORT || 7233}`,
  };
  const result = spawnSync(process.execPath, [join(ROOT, 'apps/worker/dist/cli/verify-run.js'), ...process.argv.slice(2)], {
    cwd: ROOT,
    env,
    stdio: 'inherit',
  });
  process.exit(result.status ?? 1);
});
