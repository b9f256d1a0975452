// Starts tools/testing/pg-process.mjs (an embedded Postgres in its own process) from a test: Jest cannot load the
// server binaries' package itself, and fault tests need a server they can stop and bring back.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from '../lib/paths.mjs';

/** Resolves with the child, its URL and `stop()` once the server accepts connections; rejects if it exits first. */
export function startPostgresProcess(dir, port) {
  const child = spawn(process.execPath, [join(ROOT, 'tools/testing/pg-process.mjs'), dir, String(port)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const stop = () => new Promise((r) => (child.exitCode !== null ? r() : (child.once('exit', () => r()), child.kill('SIGTERM'))));
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const m = /ready (\S+)/.exec(out);
      if (m) resolve({ child, url: m[1], stop });
    });
    child.once('exit', (code) => reject(new Error(`postgres process exited (${code})`)));
  });
}
