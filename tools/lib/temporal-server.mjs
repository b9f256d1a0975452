// The Temporal dev server (from the `temporal` CLI) with a SQLite file in WAL mode, plus its web UI.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { spawn } from 'node:child_process';
import { waitForPort } from './ports.mjs';
import { UserError } from './ui.mjs';

/**
 * `uiPublicPath` serves the UI under a sub-path (the API proxies `/temporal/` to it for admins, D45);
 * `uiCodecEndpoint` is where the UI, in the browser, opens sealed payloads (the API's `/v1/temporal-codec`).
 */
export function startTemporalDevServer({ cli, dbFile, port, uiPort, uiPublicPath, uiCodecEndpoint, onLine, stdio }) {
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
  if (uiPort) {
    // Loopback only: the UI server has no authentication; people reach it through the API's admin-only proxy.
    args.push('--ui-port', String(uiPort), '--ui-ip', '127.0.0.1');
    if (uiPublicPath) args.push('--ui-public-path', uiPublicPath);
    if (uiCodecEndpoint) args.push('--ui-codec-endpoint', uiCodecEndpoint);
  } else args.push('--headless');
  const child = spawn(cli, args, { stdio: stdio ?? ['ignore', 'pipe', 'pipe'] });
  if (onLine) {
    child.stdout?.on('data', (d) => String(d).split('\n').filter(Boolean).forEach(onLine));
    child.stderr?.on('data', (d) => String(d).split('\n').filter(Boolean).forEach(onLine));
  }
  const ready = waitForPort(port, { what: 'the Temporal dev server', timeoutMs: 60_000, alive: () => child.exitCode === null }).catch((err) => {
    child.kill('SIGKILL');
    throw err instanceof UserError ? err : new UserError(String(err));
  });
  return { child, ready, address: `127.0.0.1:${port}`, uiUrl: uiPort ? `http://127.0.0.1:${uiPort}${uiPublicPath ?? ''}` : null };
}
