// Starts the real components integration tests use, on free ports and in a throwaway folder, so that tests never
// collide with a running `npm start`. Their addresses reach the test workers through the environment.
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pingDocker } from '../lib/docker-engine.mjs';
import { freePort } from '../lib/ports.mjs';
import { startEmbeddedPostgres } from '../lib/postgres.mjs';
import { findTemporal } from '../lib/temporal-cli.mjs';
import { startTemporalDevServer } from '../lib/temporal-server.mjs';

export default async function globalSetup() {
  const dir = mkdtempSync(join(tmpdir(), 'omniai-test-'));
  chmodSync(dir, 0o755); // Postgres runs as the postgres user when we are root
  const cli = await findTemporal();
  if (!cli) throw new Error('the Temporal CLI is missing: run `npm run setup`');
  if (!(await pingDocker())) throw new Error('no Docker engine answers: run `npm run setup`');

  const [pgPort, temporalPort] = [await freePort(), await freePort()];
  const [postgres, temporal] = await Promise.all([
    startEmbeddedPostgres({ dir: join(dir, 'postgres'), port: pgPort, database: 'omniai_test' }),
    (async () => {
      const t = startTemporalDevServer({ cli, dbFile: join(dir, 'temporal.db'), port: temporalPort });
      await t.ready;
      return t;
    })(),
  ]);
  process.env.OMNI_TEST_PG_ADMIN_URL = postgres.adminUrl;
  process.env.OMNI_TEST_TEMPORAL_ADDRESS = temporal.address;
  process.env.OMNI_TEST_TEMPORAL_CLI = cli;
  process.env.OMNI_TEST_DIR = dir;
  process.env.OMNI_TEST_SECRETS_KEY = randomBytes(32).toString('base64');
  // The Temporal payload keyring of the tests' API and workers (D45): an old key after the sealing one, as after a rotation.
  process.env.OMNI_TEST_PAYLOAD_KEYS = `test2:${randomBytes(32).toString('base64')},test1:${randomBytes(32).toString('base64')}`;
  globalThis.__omniTest = { dir, postgres, temporal };
}
