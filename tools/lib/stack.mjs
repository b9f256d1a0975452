// The local stack: Temporal dev server, Postgres, API (serving the console) and worker, with prefixed logs.
// Used by `npm start` and by the end-to-end tests (which give it free ports and a throwaway data dir).
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureDockerEngine } from './docker-engine.mjs';
import { ROOT, toolPath } from './paths.mjs';
import { assertPortFree, waitForPort } from './ports.mjs';
import { checkDatabaseUrl, redactUrl, stackClusterDir, startEmbeddedPostgres } from './postgres.mjs';
import { payloadKeys } from './payload-keys.mjs';
import { findTemporal } from './temporal-cli.mjs';
import { startTemporalDevServer } from './temporal-server.mjs';
import { UserError } from './ui.mjs';

const COLORS = ['36', '35', '33', '34', '32'];
/** The Temporal UI's path, on the UI server and behind the API's admin-only proxy (apps/api TEMPORAL_UI_PREFIX). */
const TEMPORAL_UI_PATH = '/temporal';

function prefixer(name, index) {
  const tag = process.stdout.isTTY ? `\x1b[${COLORS[index % COLORS.length]}m${name.padEnd(8)}\x1b[0m│` : `${name.padEnd(8)}|`;
  return (line) => process.stdout.write(`${tag} ${line}\n`);
}

function pipeLines(stream, write) {
  let buffered = '';
  stream.on('data', (chunk) => {
    buffered += chunk;
    const lines = buffered.split('\n');
    buffered = lines.pop();
    lines.forEach((l) => l && write(l));
  });
  stream.on('end', () => buffered && write(buffered));
}

/** Settings for one stack; every port and folder can move so that tests never collide with `npm start`. */
export function stackSettings(env = process.env, dataDir) {
  const num = (name, fallback) => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 1 || n > 65535) throw new UserError(`${name}=${raw} is not a port number (1-65535)`);
    return n;
  };
  return {
    dataDir,
    apiHost: env.OMNI_API_HOST || '127.0.0.1',
    apiPort: num('OMNI_API_PORT', 3100),
    temporalPort: num('OMNI_TEMPORAL_PORT', 7233),
    temporalUiPort: num('OMNI_TEMPORAL_UI_PORT', 8233),
    postgresPort: num('OMNI_POSTGRES_PORT', 5499),
    databaseUrl: env.DATABASE_URL || null,
  };
}

/**
 * Starts every component and resolves once the API reports them all healthy. Returns { urls, stop, pids }.
 * `stop()` ends exactly what this call started, in reverse order.
 */
export async function startStack(settings, { log = console.log, step = async (_n, fn) => fn() } = {}) {
  const started = []; // { name, stop }
  const children = [];
  const stopAll = async () => {
    for (const s of [...started].reverse()) {
      await s.stop().catch(() => undefined);
    }
  };
  try {
    const temporalCli = await findTemporal();
    if (!temporalCli) throw new UserError('the Temporal CLI is missing: run `npm run setup` first');
    if (!existsSync(join(ROOT, 'apps/api/dist/main.js'))) throw new UserError('the apps are not built: run `npm run setup` (or `npm run build`) first');

    await step('checking ports', async () => {
      await assertPortFree(settings.apiPort, 'OMNI_API_PORT', 'API');
      await assertPortFree(settings.temporalPort, 'OMNI_TEMPORAL_PORT', 'Temporal');
      await assertPortFree(settings.temporalUiPort, 'OMNI_TEMPORAL_UI_PORT', 'Temporal UI');
      if (!settings.databaseUrl) await assertPortFree(settings.postgresPort, 'OMNI_POSTGRES_PORT', 'embedded Postgres');
    });

    await step('Docker engine', async () => {
      // An engine that was already running is left alone; one we had to start is ours to stop.
      const engine = await ensureDockerEngine({ install: false });
      if (engine.started) started.push({ name: 'dockerd', stop: engine.stop });
      return engine.note;
    });

    let databaseUrl = settings.databaseUrl;
    await step('Postgres', async () => {
      if (databaseUrl) {
        const version = await checkDatabaseUrl(databaseUrl);
        return `DATABASE_URL ${redactUrl(databaseUrl)} (PostgreSQL ${version})`;
      }
      const pg = await startEmbeddedPostgres({ dir: stackClusterDir(settings.dataDir), port: settings.postgresPort });
      children.push({ name: 'postgres', child: pg.child });
      started.push({ name: 'postgres', stop: pg.stop });
      databaseUrl = pg.url;
      return `embedded Postgres on 127.0.0.1:${settings.postgresPort}, data in ${stackClusterDir(settings.dataDir)}${pg.fresh ? ' (new)' : ''}`;
    });

    const publicUrl = (process.env.OMNI_PUBLIC_URL || `http://${settings.apiHost}:${settings.apiPort}`).replace(/\/+$/, '');
    await step('Temporal dev server', async () => {
      const t = startTemporalDevServer({
        cli: temporalCli,
        dbFile: join(settings.dataDir, 'temporal', 'temporal.db'),
        port: settings.temporalPort,
        uiPort: settings.temporalUiPort,
        // Its UI is reached through the API (admins only) and opens payloads with the API's codec endpoint (D45).
        uiPublicPath: TEMPORAL_UI_PATH,
        uiCodecEndpoint: `${publicUrl}/v1/temporal-codec`,
        onLine: prefixer('temporal', 0),
      });
      children.push({ name: 'temporal', child: t.child });
      started.push({ name: 'temporal', stop: () => stopChild(t.child) });
      await t.ready;
      return `${t.address}, UI ${t.uiUrl}`;
    });

    let signInLink = null;
    const env = {
      ...process.env,
      OMNI_SECRETS_KEY: process.env.OMNI_SECRETS_KEY || secretsKey(settings.dataDir),
      OMNI_PAYLOAD_KEYS: process.env.OMNI_PAYLOAD_KEYS || payloadKeys(settings.dataDir),
      PATH: toolPath(),
      NODE_ENV: process.env.NODE_ENV ?? 'production',
      DATABASE_URL: databaseUrl,
      TEMPORAL_ADDRESS: `127.0.0.1:${settings.temporalPort}`,
      TEMPORAL_UI_URL: `http://127.0.0.1:${settings.temporalUiPort}`,
      OMNI_API_HOST: settings.apiHost,
      OMNI_API_PORT: String(settings.apiPort),
      OMNI_CONSOLE_DIR: join(ROOT, 'apps/console/dist/browser'),
      OMNI_PUBLIC_URL: publicUrl,
      OMNI_LOG_FORMAT: process.env.OMNI_LOG_FORMAT || 'pretty',
      // The worker keeps project git repositories with the rest of the stack's data.
      OMNI_REPOS_DIR: process.env.OMNI_REPOS_DIR || join(settings.dataDir, 'repos'),
    };
    for (const [i, name, entry] of [
      [1, 'api', 'apps/api/dist/main.js'],
      [2, 'worker', 'apps/worker/dist/main.js'],
    ]) {
      const supervised = supervise(
        name,
        () => {
          const child = spawn(process.execPath, ['--enable-source-maps', join(ROOT, entry)], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
          const prefixed = prefixer(name, i);
          const write = (line) => {
            // First start: the API prints a one-time sign-in link for the admin; the banner repeats it. Later starts
            // (admin still without a password) print where to get a fresh one instead.
            const link = /one-time admin sign-in link[^:]*: (\S+)/.exec(line);
            if (link) signInLink = { link: link[1] };
            const hint = /admin sign-in link: printed at first start only; for a fresh one run: (.+)$/.exec(line);
            if (hint) signInLink = { command: hint[1].trim() };
            prefixed(line);
          };
          pipeLines(child.stdout, write);
          pipeLines(child.stderr, write);
          return child;
        },
        prefixer(name, i),
      );
      children.push(supervised);
      started.push({ name, stop: () => supervised.stop() });
    }

    const apiUrl = `http://${settings.apiHost}:${settings.apiPort}`;
    await step('waiting for every component to report healthy', async () => {
      const api = children.find((c) => c.name === 'api');
      await waitForPort(settings.apiPort, { host: settings.apiHost, what: 'the API', timeoutMs: 90_000, alive: () => api.child.exitCode === null });
      const meta = await waitHealthy(`${apiUrl}/v1/meta`, children, 90_000);
      return Object.entries(meta.components)
        .map(([k, v]) => `${k} ${v.latency_ms} ms`)
        .join(', ');
    });

    return {
      urls: { console: `${apiUrl}/`, api: apiUrl, temporalUi: `${apiUrl}${TEMPORAL_UI_PATH}` },
      /** `{ link }` when this start printed the admin's one-time link, `{ command }` for a fresh one on later starts. */
      signInLink: () => signInLink,
      pids: children.map((c) => c.child.pid),
      children,
      stop: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

/** The secrets master key for this data dir: generated once (32 random bytes), kept beside the data, mode 0600. */
function secretsKey(dataDir) {
  const file = join(dataDir, 'secrets.key');
  if (!existsSync(file)) {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  }
  return readFileSync(file, 'utf8').trim();
}

async function waitHealthy(url, children, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  let last = null;
  while (Date.now() < deadline) {
    const dead = children.find((c) => c.child.exitCode !== null);
    if (dead) throw new UserError(`${dead.name} exited (code ${dead.child.exitCode}) before the stack was healthy; see its log lines above`);
    try {
      const res = await fetch(url);
      last = await res.json();
      if (last.status === 'healthy') return last;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  const bad = last
    ? Object.entries(last.components)
        .filter(([, v]) => v.status !== 'healthy')
        .map(([k, v]) => `${k}: ${v.detail}`)
    : ['the API did not answer'];
  throw new UserError(`the stack did not become healthy within ${timeoutMs / 1000} s (${bad.join('; ')})`);
}

const RESTARTS_PER_MINUTE = 5;

/**
 * Keeps an app process running: an unexpected exit restarts it (after 1 s), up to RESTARTS_PER_MINUTE; past that
 * the `fatal` listeners run (npm start then stops the whole stack). `child` is always the current process.
 */
function supervise(name, spawnChild, log) {
  const fatal = [];
  const restarts = [];
  let stopping = false;
  const handle = {
    name,
    supervised: true,
    child: null,
    onFatal: (cb) => fatal.push(cb),
    stop: async () => {
      stopping = true;
      await stopChild(handle.child);
    },
  };
  const start = () => {
    const child = spawnChild();
    handle.child = child;
    child.once('exit', (code, signal) => {
      if (stopping) return;
      const now = Date.now();
      restarts.push(now);
      while (restarts.length && restarts[0] < now - 60_000) restarts.shift();
      if (restarts.length > RESTARTS_PER_MINUTE) {
        log(`exited (${signal ?? `code ${code}`}) ${restarts.length} times within a minute; giving up`);
        fatal.forEach((cb) => cb(code, signal));
        return;
      }
      log(`exited (${signal ?? `code ${code}`}); restarting in 1 s`);
      setTimeout(() => !stopping && start(), 1_000);
    });
  };
  start();
  return handle;
}

/** SIGTERM, then SIGKILL after a grace period; resolves once the process has exited. */
export function stopChild(child, graceMs = 8_000) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
