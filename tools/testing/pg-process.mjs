// A Postgres server in its own process, for fault tests that cut the database and bring it back:
//   node tools/testing/pg-process.mjs <dataDir> <port>   prints `ready <url>` and stops Postgres on SIGTERM/SIGINT.
import { startEmbeddedPostgres } from '../lib/postgres.mjs';

const [dir, port] = process.argv.slice(2);
const pg = await startEmbeddedPostgres({ dir, port: Number(port), database: 'omniai_fault' });
process.stdout.write(`ready ${pg.url}\n`);
const stop = async () => {
  await pg.stop();
  process.exit(0);
};
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
