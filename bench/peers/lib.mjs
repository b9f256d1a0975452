// Shared by the peer modules: peer-scoped require, throwaway databases, and the standalone CLI wrapper. Load generation
// and summaries are bench/stats.mjs's, as for OmniAI, so that peers and OmniAI are measured the same way.
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { load, summarize } from '../stats.mjs';
import { PEERS, PEERS_DIR, resolvePeer } from './install.mjs';

export { freePort } from '../../tools/lib/ports.mjs';
export { PEERS_DIR };

/** require() scoped to a peer's workspace, after checking the peer is installed (clear message if not); `.versions` lists what resolved. */
export function peerRequire(name) {
  let versions;
  try {
    versions = resolvePeer(name);
  } catch (err) {
    throw new Error(`the ${name} peer is not installed (${err.message}): run \`node bench/peers/install.mjs --only ${name}\` under Node 24`);
  }
  const req = createRequire(join(PEERS_DIR, PEERS[name].dir, 'package.json'));
  req.versions = versions; // { package: version } of the peer's packages
  return req;
}

/** Warms up with `warmup` runs at concurrency ≤ 2, then measures `runs` with `concurrency` in flight (as bench/run.mjs does for OmniAI). */
export async function warmAndMeasure(what, { runs, concurrency, warmup, log }, oneRun) {
  if (warmup > 0) await load(warmup, Math.min(2, concurrency), oneRun);
  log(`${what}: measuring ${runs} runs, ${concurrency} in flight`);
  const { latencies, wallMs } = await load(runs, concurrency, oneRun);
  const summary = summarize(latencies, wallMs);
  log(`${what}: ${summary.runs_per_s} runs/s, p50 ${summary.p50_ms} ms, p95 ${summary.p95_ms} ms`);
  return summary;
}

/** A peer's result row: its measured summary, the load it ran under, its startup time, then its own fields (notes, …). */
export const peerResult = (name, version, summary, { concurrency, warmup }, startupMs, own) => ({
  name,
  version,
  ...summary,
  concurrency,
  warmup,
  startup_ms: Math.round(startupMs),
  ...own,
});

export const uniqueName = (prefix) => `${prefix}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;

/** `pgUrl` with its database replaced. */
export function withDatabase(pgUrl, database) {
  const u = new URL(pgUrl);
  u.pathname = `/${database}`;
  return u.toString();
}

/** Runs `fn(client)` on a short-lived connection to pgUrl's server (its own database). */
export async function withAdmin(pg, pgUrl, fn) {
  const client = new pg.Client({ connectionString: pgUrl });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export const quoteIdent = (s) => `"${String(s).replaceAll('"', '""')}"`;

const cleanups = new Set();
/** Registers work to undo if the process is interrupted mid-measure (SIGINT/SIGTERM in standalone mode); returns its remover. */
export function registerCleanup(fn) {
  cleanups.add(fn);
  return () => cleanups.delete(fn);
}

/** The value after `--name` on this process's command line, or `fallback`. */
export function cliArg(name, fallback) {
  const argv = process.argv.slice(2);
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && argv[i + 1] !== undefined ? argv[i + 1] : fallback;
}

/** Parses `--pg <url> --runs N --concurrency N` and prints measure()'s JSON result; exits non-zero on failure. */
export function runStandalone(importMetaUrl, measure) {
  if (!process.argv[1] || fileURLToPath(importMetaUrl) !== process.argv[1]) return;
  const pgUrl = cliArg('pg', process.env.PEERS_PG_URL);
  const runs = Number(cliArg('runs', 20));
  const concurrency = Number(cliArg('concurrency', 4));
  const log = (msg) => process.stderr.write(`[${new Date().toISOString().slice(11, 23)}] ${msg}\n`);
  let stopping = false;
  for (const sig of ['SIGINT', 'SIGTERM']) {
    process.on(sig, async () => {
      if (stopping) return;
      stopping = true;
      log(`${sig}: cleaning up`);
      const cap = setTimeout(() => process.exit(130), 20_000);
      await Promise.allSettled([...cleanups].map((fn) => fn()));
      clearTimeout(cap);
      process.exit(130);
    });
  }
  const t0 = performance.now();
  measure({ pgUrl, runs, concurrency, log })
    .then((result) => {
      log(`done in ${((performance.now() - t0) / 1000).toFixed(1)} s (startup, warm-up, measurement and cleanup)`);
      console.log(JSON.stringify(result, null, 2));
      // Some peers leave timers or sockets behind in their libraries; everything this module started is closed.
      process.exit(0);
    })
    .catch((err) => {
      console.error(`peer benchmark failed: ${err?.stack ?? err}`);
      process.exit(1);
    });
}
