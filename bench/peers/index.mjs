// Entry point for bench/run.mjs: measures the installed peers one after another, each in its own Node process (DBOS is
// a process-wide singleton and n8n a separate server; a child keeps whatever a peer leaves behind out of the bench
// process), and computes OmniAI's ratios to each.
//
//   import { measurePeers, ratiosTo } from './peers/index.mjs';
//   const peers = await measurePeers({ pgUrl, runs, concurrency, log });   // { dbos: {...}, langgraph: {...}, n8n: {...} }
//   const ratios = ratiosTo(omniSummary, peers);                            // { dbos: { throughput_omni_over_peer, ... } }
//
// A peer that is not installed, or fails, yields { name, error } instead of figures; the others still run.
// Standalone: node bench/peers/index.mjs --pg <url> [--runs 50] [--concurrency 5] [--only dbos,langgraph,n8n]
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PEERS, peerInstalled } from './install.mjs';
import { ratio } from '../stats.mjs';
import { cliArg, PEERS_DIR } from './lib.mjs';

export const PEER_NAMES = Object.keys(PEERS); // dbos, langgraph, n8n

/** Runs bench/peers/<name>.mjs in a child Node (this one's binary) and returns its JSON result. */
export function measurePeer(name, { pgUrl, runs, concurrency, log = () => undefined, timeoutMs = 10 * 60_000 }) {
  return new Promise((resolve) => {
    const t0 = performance.now();
    // --no-deprecation: DBOS's own use of pg prints a pg@9 deprecation warning on every launch.
    const args = ['--no-deprecation', join(PEERS_DIR, `${name}.mjs`), '--runs', String(runs), '--concurrency', String(concurrency)];
    if (pgUrl) args.push('--pg', pgUrl);
    const child = spawn(process.execPath, args, { cwd: PEERS_DIR, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => {
      err = (err + d).slice(-4000);
      for (const line of String(d).split('\n')) if (line.trim()) log(`  ${line.trim()}`);
    });
    const timer = setTimeout(() => child.kill('SIGTERM'), timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const seconds = +((performance.now() - t0) / 1000).toFixed(1);
      try {
        if (code !== 0) throw new Error(`exited with ${signal ?? code}`);
        resolve({ ...JSON.parse(out), total_seconds: seconds });
      } catch (e) {
        resolve({ name, error: `${e.message}: ${err.trim().split('\n').slice(-8).join(' | ')}`, total_seconds: seconds });
      }
    });
  });
}

/** Measures every installed peer in turn. */
export async function measurePeers({ pgUrl, runs = 50, concurrency = 5, log = () => undefined, only = PEER_NAMES } = {}) {
  const results = {};
  for (const name of only) {
    if (!peerInstalled(name)) {
      results[name] = { name, error: `not installed: run \`node bench/peers/install.mjs --only ${name}\` (Node 24)` };
      log(`peer ${name}: skipped (not installed)`);
      continue;
    }
    log(`peer ${name}: ${runs} runs, concurrency ${concurrency}`);
    results[name] = await measurePeer(name, { pgUrl, runs, concurrency, log });
    log(
      `peer ${name}: ${results[name].error ? `failed: ${results[name].error}` : `${results[name].runs_per_s} runs/s, p50 ${results[name].p50_ms} ms, p95 ${results[name].p95_ms} ms`} (${results[name].total_seconds} s in all)`,
    );
  }
  return results;
}

/** OmniAI's ratios to each measured peer, named like bench/run.mjs's (omni ÷ peer; throughput > 1 and latency < 1 favour OmniAI). */
export function ratiosTo(omni, peers) {
  const out = {};
  for (const [name, p] of Object.entries(peers)) {
    if (p.error) continue;
    out[name] = {
      throughput_omni_over_peer: ratio(omni.runs_per_s, p.runs_per_s),
      p50_omni_over_peer: ratio(omni.p50_ms, p.p50_ms),
      p95_omni_over_peer: ratio(omni.p95_ms, p.p95_ms),
    };
  }
  return out;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const only = cliArg('only', PEER_NAMES.join(','))
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const log = (msg) => process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
  const t0 = performance.now();
  measurePeers({ pgUrl: cliArg('pg', process.env.PEERS_PG_URL), runs: Number(cliArg('runs', 50)), concurrency: Number(cliArg('concurrency', 5)), log, only })
    .then((results) => {
      log(`all peers: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
      console.log(JSON.stringify(results, null, 2));
      process.exit(Object.values(results).some((r) => r.error) ? 1 : 0);
    })
    .catch((err) => {
      console.error(err?.stack ?? err);
      process.exit(1);
    });
}
