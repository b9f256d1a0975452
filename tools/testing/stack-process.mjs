// Runs `tools/start.mjs` as a real child process, exactly as `npm start` does, on free ports and a throwaway data
// dir. Used by the start-lifecycle tests and by the Playwright global setup.
import { spawn, execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../lib/ports.mjs';
import { ROOT, toolPath } from '../lib/paths.mjs';
import { TEST_ADMIN_ENV } from './api-session.mjs';

export async function stackEnv(overrides = {}) {
  const dataDir = overrides.OMNI_DATA_DIR ?? mkdtempSync(join(tmpdir(), 'omniai-stack-'));
  chmodSync(dataDir, 0o755);
  return {
    ...process.env,
    PATH: toolPath(),
    NO_COLOR: '1',
    OMNI_DATA_DIR: dataDir,
    OMNI_API_PORT: String(await freePort()),
    OMNI_TEMPORAL_PORT: String(await freePort()),
    OMNI_TEMPORAL_UI_PORT: String(await freePort()),
    OMNI_POSTGRES_PORT: String(await freePort()),
    // Tests point providers at scripted wire servers on 127.0.0.1: test/dev-only opt-in, off by default (D44).
    OMNI_ALLOW_PRIVATE_PROVIDER_URLS: '1',
    ...TEST_ADMIN_ENV,
    ...overrides,
  };
}

/** Starts the stack; resolves when it prints that it is up (or rejects with its output if it exits first). */
export function spawnStack(env, { timeoutMs = 180_000, echo = false } = {}) {
  const child = spawn(process.execPath, [join(ROOT, 'tools/start.mjs')], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const onData = (d) => {
    output += d;
    if (echo) process.stdout.write(d);
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const ready = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`stack not up after ${timeoutMs} ms:\n${output}`)), timeoutMs);
    child.stdout.on('data', () => {
      if (output.includes('OmniAI is up.')) {
        clearTimeout(timer);
        resolve();
      }
    });
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`start.mjs exited (${signal ?? code}) before it was up:\n${output}`));
    });
  });
  return {
    child,
    ready,
    exited,
    output: () => output,
    apiUrl: `http://127.0.0.1:${env.OMNI_API_PORT}`,
    /** The Temporal UI behind the API's admin-only proxy (the UI server itself listens on OMNI_TEMPORAL_UI_PORT, loopback). */
    temporalUiUrl: `http://127.0.0.1:${env.OMNI_API_PORT}/temporal`,
    /** Every process below start.mjs, read from the process table. */
    descendants: () => descendantsOf(child.pid),
    interrupt: async () => {
      child.kill('SIGINT');
      return exited;
    },
  };
}

export function descendantsOf(pid) {
  const table = execFileSync('ps', ['-eo', 'pid=,ppid='], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((l) => l.trim().split(/\s+/).map(Number));
  const found = [];
  const walk = (parent) => {
    for (const [p, pp] of table) {
      if (pp === parent) {
        found.push(p);
        walk(p);
      }
    }
  };
  walk(pid);
  return found;
}

export function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
