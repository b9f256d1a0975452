// Port checks for the local stack: a taken port is a clear error naming the setting that moves it.
import { createConnection, createServer } from 'node:net';
import { UserError } from './ui.mjs';

export function isPortFree(port, host = '127.0.0.1') {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** A port the OS says is free right now (for tests and throwaway stacks). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

export async function assertPortFree(port, setting, what) {
  if (!(await isPortFree(port))) {
    throw new UserError(`port ${port} (${what}) is already in use: stop whatever holds it, or set ${setting} to another port`);
  }
}

export async function waitForPort(port, { host = '127.0.0.1', timeoutMs = 60_000, what = `port ${port}`, alive } = {}) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (alive && !alive()) throw new UserError(`${what} exited before it was ready`);
    const ok = await new Promise((resolve) => {
      const socket = createConnection({ port, host });
      socket.once('connect', () => (socket.destroy(), resolve(true)));
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new UserError(`${what} did not accept connections on ${host}:${port} within ${timeoutMs / 1000} s`);
}
