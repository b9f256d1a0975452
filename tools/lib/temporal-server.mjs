// The Temporal dev server (from the `temporal` CLI) with a SQLite file in WAL mode, plus its web UI.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { spawn } from 'node:child_process';
import { waitForPort } from './ports.mjs';
import { UserError } from './ui.mjs';

export function startTemporalDevServer({ cli, dbFile, port, uiPort, onLine, stdio }) {
  mkdirSync(dirname(dbFile), { recursive: true });
  const args = [
    'server',
    'start-dev',
    '--ip',
    '127.0.0.1',
    '--port',
    String(port),
    '--db-filename',
    dbFile,
    '--sqlite-pragma',
    'journal_mode=WAL',
    '--sqlite-pragma',
    'synchronous=NORMAL',
    '--log-level',
    'warn',
  ];
  if (uiPort) args.push('--ui-port', String(uiPort), '--ui-ip', '127.0.0.1');
  else args.push('--headless');
  const child = spawn(cli, args, { stdio: stdio ?? ['ignore', 'pipe', 'pipe'] });
  if (onLine) {
    child.stdout?.on('data', (d) => String(d).split('\n').filter(Boolean).forEach(onLine));
    child.stderr?.on('data', (d) => String(d).split('\n').filter(Boolean).forEach(onLine));
  }
  const ready = waitForPort(port, { what: 'the Temporal dev server', timeoutMs: 60_000, alive: () => child.exitCode === null }).catch((err) => {
    child.kill('SIGKILL');
    throw err instanceof UserError ? err : new UserError(String(err));
  });
  return { child, ready, address: `127.0.0.1:${port}`, uiUrl: uiPort ? `http://127.0.0.1:${uiPort}` : null };
}
