// `npm run omni -- <command>`: operator commands against the local stack (defaults match `npm start`).
//   verify-run <runId>               rebuild a run's events from Temporal history and diff them with Postgres
//   export-history <runId> <file>    save a run's workflow history, payloads opened (replay test fixtures)
//   rotate-payload-key [id]          new sealing key for Temporal payloads in .data/payload.keys (restart to use)
//   rotate-secrets-key               re-seal every provider key under a new .data/secrets.key (stop the stack first)
//   admin-link                       a fresh one-time sign-in link for the first admin (while it has no password)
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DATA_DIR, ROOT, toolPath } from './lib/paths.mjs';
import { payloadKeys, payloadKeysFile, rotatePayloadKey } from './lib/payload-keys.mjs';
import { embeddedUrl, stackClusterDir } from './lib/postgres.mjs';
import { main, UserError } from './lib/ui.mjs';

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
  if (process.argv[2] === 'rotate-secrets-key') process.exit(rotateSecretsKey(env));
  // The admin link is the API's business (its invites and public URL); the rest reads runs through the worker's code.
  const cli = process.argv[2] === 'admin-link' ? 'apps/api/dist/cli/admin-link.js' : 'apps/worker/dist/cli/verify-run.js';
  const result = spawnSync(process.execPath, [join(ROOT, cli), ...process.argv.slice(2)], {
    cwd: ROOT,
    env,
    stdio: 'inherit',
  });
  process.exit(result.status ?? 1);
});

/**
 * The new key is written beside the old one first (`secrets.key.next`), the database re-sealed in one transaction,
 * then the file renamed over the old key: a failure at any step leaves a key that opens what the database holds.
 */
function rotateSecretsKey(env) {
  const file = join(DATA_DIR, 'secrets.key');
  if (process.env.OMNI_SECRETS_KEY && !process.env.OMNI_NEW_SECRETS_KEY) {
    throw new UserError('OMNI_SECRETS_KEY is set by hand: pass the new key as OMNI_NEW_SECRETS_KEY, then use it as OMNI_SECRETS_KEY');
  }
  if (!process.env.OMNI_SECRETS_KEY && !existsSync(file)) throw new UserError(`no ${file}: nothing is sealed yet`);
  const current = process.env.OMNI_SECRETS_KEY || readFileSync(file, 'utf8').trim();
  const next = process.env.OMNI_NEW_SECRETS_KEY || randomBytes(32).toString('base64');
  const byFile = !process.env.OMNI_SECRETS_KEY;
  if (byFile) writeFileSync(`${file}.next`, `${next}\n`, { mode: 0o600 });
  const result = spawnSync(process.execPath, [join(ROOT, 'apps/worker/dist/cli/verify-run.js'), 'rotate-secrets-key'], {
    cwd: ROOT,
    env: { ...env, OMNI_SECRETS_KEY: current, OMNI_NEW_SECRETS_KEY: next },
    stdio: 'inherit',
  });
  if (result.status !== 0) {
    if (byFile) rmSync(`${file}.next`, { force: true });
    return result.status ?? 1;
  }
  if (byFile) {
    renameSync(`${file}.next`, file);
    chmodSync(file, 0o600);
    console.log(`${file} replaced; restart the stack so that the API and the worker use it`);
  }
  return 0;
}
