// Makes sure a Docker engine answers. Order: DOCKER_HOST, the default socket, then (Debian + root only) Debian's
// docker.io started by us with its state under .data/docker.
import { existsSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { DATA_DIR } from './paths.mjs';
import { UserError, run, which } from './ui.mjs';

export const DEFAULT_SOCKET = '/var/run/docker.sock';

function socketOf(host) {
  if (!host) return DEFAULT_SOCKET;
  if (host.startsWith('unix://')) return host.slice('unix://'.length);
  return null;
}

/** GET /_ping against a Docker host; resolves to the engine's version string, or null when it does not answer. */
export function pingDocker(host = process.env.DOCKER_HOST, timeoutMs = 2000) {
  return new Promise((resolve) => {
    const socketPath = socketOf(host);
    const opts = socketPath ? { socketPath, path: '/version', timeout: timeoutMs } : { ...tcpTarget(host), path: '/version', timeout: timeoutMs };
    const req = request(opts, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => {
        try {
          resolve(res.statusCode === 200 ? (JSON.parse(body).Version ?? 'unknown') : null);
        } catch {
          resolve(null);
        }
      });
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(null));
    req.end();
  });
}

function tcpTarget(host) {
  const url = new URL(host.replace(/^tcp:/, 'http:'));
  return { host: url.hostname, port: Number(url.port || 2375) };
}

function isDebianRoot() {
  return process.getuid?.() === 0 && existsSync('/etc/debian_version');
}

/**
 * Ensures an engine answers. Returns a note for the step line, and whether we started dockerd ourselves.
 * With `install: false` (npm start) a missing dockerd is an error pointing at `npm run setup`.
 */
export async function ensureDockerEngine({ install }) {
  const envHost = process.env.DOCKER_HOST;
  if (envHost) {
    const version = await pingDocker(envHost);
    if (version) return { note: `Docker ${version} at DOCKER_HOST=${envHost}`, started: false };
    throw new UserError(`DOCKER_HOST=${envHost} does not answer: start that engine, or unset DOCKER_HOST to use ${DEFAULT_SOCKET}`);
  }
  const existing = await pingDocker();
  if (existing) return { note: `Docker ${existing} at ${DEFAULT_SOCKET}`, started: false };

  if (!isDebianRoot()) {
    throw new UserError(`no Docker engine answers at ${DEFAULT_SOCKET}: start Docker (or set DOCKER_HOST); setup installs one itself only on Debian as root`);
  }
  let dockerd = await which('dockerd');
  if (!dockerd) {
    if (!install) throw new UserError('no Docker engine answers and dockerd is not installed: run `npm run setup` first');
    process.stdout.write("  no Docker engine answers; installing Debian's docker.io …\n");
    await aptInstall(['docker.io']);
    dockerd = await which('dockerd');
    if (!dockerd) throw new UserError('apt-get installed docker.io but dockerd is still not on PATH');
  }
  const child = await startDockerd(dockerd);
  const version = await pingDocker();
  return {
    note: `started Debian's dockerd ${version} (state in .data/docker, log .data/docker/dockerd.log)`,
    started: true,
    stop: () => stopDetached(child.pid),
  };
}

let aptUpdated = false;
/** apt-get install on Debian as root; runs `apt-get update` once first. */
export async function aptInstall(packages) {
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  if (!aptUpdated) {
    await run('apt-get', ['update'], { env, what: 'apt-get update' });
    aptUpdated = true;
  }
  await run('apt-get', ['install', '-y', '--no-install-recommends', ...packages], {
    env,
    what: `apt-get install ${packages.join(' ')}`,
  });
}

async function startDockerd(dockerd) {
  const dir = join(DATA_DIR, 'docker');
  mkdirSync(dir, { recursive: true });
  const log = openSync(join(dir, 'dockerd.log'), 'a');
  // No iptables and no bridge: these machines cannot program netfilter, and sandbox containers run with
  // `--network none` anyway. exec-root stays short because containerd's sockets live under it.
  const child = spawn(
    dockerd,
    [
      '--iptables=false',
      '--ip-masq=false',
      '--bridge=none',
      '--data-root',
      join(dir, 'data'),
      '--exec-root',
      '/run/omniai-docker',
      '--pidfile',
      join(dir, 'dockerd.pid'),
      '-H',
      `unix://${DEFAULT_SOCKET}`,
    ],
    { detached: true, stdio: ['ignore', log, log] },
  );
  child.unref();
  const deadline = Date.now() + 40_000;
  while (Date.now() < deadline) {
    if (await pingDocker()) return child;
    if (child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 300));
  }
  const tail = readFileSync(join(dir, 'dockerd.log'), 'utf8').trim().split('\n').slice(-5).join('\n');
  throw new UserError(`dockerd did not come up within 40 s; last lines of .data/docker/dockerd.log:\n${tail}`);
}

/** Stops a detached daemon we started (SIGTERM, then SIGKILL after 20 s). */
async function stopDetached(pid) {
  const alive = () => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  if (!alive()) return;
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + 20_000;
  while (alive() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
  if (alive()) process.kill(pid, 'SIGKILL');
}
