// Installs the benchmark's peers (DBOS Transact, LangGraph JS, n8n) on demand, never as a product dependency.
// Each peer is its own npm project, bench/peers/deps/<peer> (package.json + package-lock.json, node_modules beside
// them), installed with `npm install` (following its lock) and timed on its own. Separate trees, not one shared one: n8n relies on its
// dependencies being hoisted as in a standalone install (it requires zod-class without declaring it), and a tree
// shared with LangGraph's zod 4 nests them out of its reach.
// Idempotent: a stamp in each node_modules records a hash of the peer's package.json and lock plus the Node ABI; a peer
// whose stamp matches (and whose packages resolve) is skipped.
//
//   node bench/peers/install.mjs [--force] [--only dbos,langgraph,n8n] [--json]
//
// Exits non-zero with a message naming the peer (and the npm step) that failed; npm's output is kept in
// bench/peers/.cache/install-<peer>.log.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PEERS_DIR = dirname(fileURLToPath(import.meta.url));
const CACHE_DIR = join(PEERS_DIR, '.cache');

/** Each peer: its npm project, the packages that must resolve from it, and native modules to check and rebuild. */
export const PEERS = {
  dbos: { dir: 'deps/dbos', packages: ['@dbos-inc/dbos-sdk', 'pg'] },
  langgraph: {
    dir: 'deps/langgraph',
    packages: ['@langchain/langgraph', '@langchain/langgraph-checkpoint-postgres', '@langchain/core', 'pg'],
  },
  n8n: {
    dir: 'deps/n8n',
    packages: ['n8n'],
    note: ' (first time: 1.8 GB and native builds; minutes, more on a busy machine)',
    // Approved in deps/n8n/package.json's allowScripts. Rebuilt if they do not load: an interrupted install can leave
    // them extracted but unbuilt, and npm does not run their scripts again by itself.
    rebuild: ['sqlite3', 'isolated-vm', 'msgpackr-extract'],
    check: `const r = require('module').createRequire(require.resolve('n8n')); r('sqlite3'); r('isolated-vm');`,
  },
};

const log = (msg) => process.stderr.write(`[peers] ${msg}\n`);

export class InstallError extends Error {}

const stampPath = (name) => join(PEERS_DIR, PEERS[name].dir, 'node_modules', '.omniai-peer-stamp.json');

function manifestHash(name) {
  const h = createHash('sha256');
  for (const f of ['package.json', 'package-lock.json']) {
    const path = join(PEERS_DIR, PEERS[name].dir, f);
    h.update(f)
      .update('\0')
      .update(existsSync(path) ? readFileSync(path) : '(missing)')
      .update('\0');
  }
  h.update(`abi ${process.versions.modules} ${process.platform}-${process.arch}`);
  return h.digest('hex');
}

function readStamp(name) {
  try {
    return JSON.parse(readFileSync(stampPath(name), 'utf8'));
  } catch {
    return null;
  }
}

/** The folder a package resolves to from a peer's project; it must be inside that project's node_modules. */
export function packageDir(name, pkg) {
  const projectDir = join(PEERS_DIR, PEERS[name].dir);
  const req = createRequire(join(projectDir, 'package.json'));
  // Not require.resolve(`${pkg}/package.json`): packages with an `exports` map may not expose it.
  const dir = (req.resolve.paths(pkg) ?? []).map((d) => join(d, pkg)).find((d) => existsSync(join(d, 'package.json')));
  if (!dir) throw new InstallError(`${pkg} is not installed for the ${name} peer`);
  if (!dir.startsWith(join(projectDir, 'node_modules') + sep)) {
    throw new InstallError(`${pkg} resolves outside bench/peers/${PEERS[name].dir}/node_modules (${dir}) for the ${name} peer`);
  }
  return dir;
}

/** The versions a peer's packages resolve to; throws when one is missing. */
export function resolvePeer(name) {
  const versions = {};
  for (const pkg of PEERS[name].packages) versions[pkg] = JSON.parse(readFileSync(join(packageDir(name, pkg), 'package.json'), 'utf8')).version;
  return versions;
}

function npmCommand() {
  // The npm that ships with the Node running this script (Node 24 under `npm run bench`), not whatever is first on PATH.
  const cli = join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'bin', 'npm-cli.js');
  return existsSync(cli) ? [process.execPath, [cli]] : ['npm', []];
}

function npmEnv() {
  const env = { ...process.env, PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ''}` };
  // Native builds (sqlite3, isolated-vm, msgpackr-extract) must compile against the headers of the Node that runs
  // them; a user npmrc may point node-gyp at another Node's (this machine's says nodedir=/usr, Node 20).
  const home = join(dirname(process.execPath), '..');
  if (existsSync(join(home, 'include', 'node', 'node_version.h'))) env.npm_config_nodedir = home;
  // The locks keep `resolved` URLs (a user npmrc may say omit-lockfile-registry-resolved): without them npm first
  // fetches the package document of each of n8n's ~1,900 packages to find its tarball.
  env.npm_config_omit_lockfile_registry_resolved = 'false';
  env.npm_config_update_notifier = 'false';
  env.npm_config_fund = 'false';
  env.npm_config_audit = 'false';
  return env;
}

function runNpm(name, args, logFile) {
  const [cmd, pre] = npmCommand();
  return new Promise((resolve, reject) => {
    const out = createWriteStream(logFile, { flags: 'a' });
    out.write(`\n$ npm ${args.join(' ')}\n`);
    const child = spawn(cmd, [...pre, ...args], { cwd: join(PEERS_DIR, PEERS[name].dir), env: npmEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let tail = '';
    const keep = (d) => {
      out.write(d);
      tail = (tail + d).slice(-4000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      out.end();
      if (code === 0) return resolve(tail);
      const how = signal ? `was killed by ${signal} (from outside npm; run the install again)` : `exited with ${code}`;
      const lines = tail
        .trim()
        .split('\n')
        .filter((l) => !/Unknown (env|user) config "nodedir"/.test(l));
      reject(new InstallError(`npm ${args.join(' ')} ${how}; last output:\n${lines.slice(-25).join('\n')}`));
    });
  });
}

function runCheck(name, code) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', code], { cwd: join(PEERS_DIR, PEERS[name].dir), stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => (err = (err + d).slice(-2000)));
    child.on('close', (c) =>
      c === 0 ? resolve() : reject(new InstallError(`the ${name} peer's native modules do not load under Node ${process.version}:\n${err.trim()}`)),
    );
  });
}

async function installOne(name) {
  const peer = PEERS[name];
  const logFile = join(CACHE_DIR, `install-${name}.log`);
  writeFileSync(logFile, `install of the ${name} peer, ${new Date().toISOString()}, Node ${process.version}\n`);
  log(`${name}: installing ${peer.packages.join(', ')}${peer.note ?? ''} … (log: ${relative(process.cwd(), logFile)})`);
  const t0 = performance.now();
  // `npm install`, which follows the lock, rather than `npm ci`: the registry reachable here lacks some optional
  // platform packages n8n's tree names (msgpackr-extract for darwin/win32/arm), so they are absent from the lock and
  // `npm ci` refuses it as out of sync. Without a lock, this writes it.
  await runNpm(name, ['install', '--no-audit', '--no-fund', '--loglevel', 'warn'], logFile);
  const versions = resolvePeer(name);
  if (peer.check) {
    try {
      await runCheck(name, peer.check);
    } catch (err) {
      log(`${name}: native modules do not load; rebuilding ${peer.rebuild.join(', ')} …`);
      await runNpm(name, ['rebuild', ...peer.rebuild, '--foreground-scripts', '--loglevel', 'warn'], logFile);
      await runCheck(name, peer.check).catch((again) => {
        throw new InstallError(`${again.message}\n(after npm rebuild; first failure: ${err.message.split('\n')[0]})`);
      });
    }
  }
  const seconds = +((performance.now() - t0) / 1000).toFixed(1);
  // Hash after npm ran: `npm install` (no lock yet) writes the lock.
  writeFileSync(
    stampPath(name),
    `${JSON.stringify({ hash: manifestHash(name), seconds, versions, node: process.version, at: new Date().toISOString() }, null, 2)}\n`,
  );
  log(
    `${name}: installed in ${seconds} s (${Object.entries(versions)
      .map(([k, v]) => `${k}@${v}`)
      .join(', ')})`,
  );
  return { skipped: false, seconds, versions };
}

/** True when the named peer is installed for its current package.json, lock and this Node (no npm run). */
export function peerInstalled(name) {
  if (readStamp(name)?.hash !== manifestHash(name)) return false;
  try {
    resolvePeer(name);
    return true;
  } catch {
    return false;
  }
}

/**
 * Installs the named peers (all by default) unless already installed for their manifests, lock and this Node.
 * Returns { peers: { name: { skipped, seconds, versions } }, total_seconds }.
 */
export async function installPeers({ only = Object.keys(PEERS), force = false } = {}) {
  // An install under another Node builds n8n's native modules for that Node's ABI and breaks the Node 24 install.
  if (Number(process.versions.node.split('.')[0]) < 24) {
    throw new InstallError(`Node ${process.version} is too old: run under Node 24 (export PATH=<repo>/.tools/node/bin:$PATH, or npm run setup)`);
  }
  for (const n of only) if (!PEERS[n]) throw new InstallError(`unknown peer "${n}" (known: ${Object.keys(PEERS).join(', ')})`);
  mkdirSync(CACHE_DIR, { recursive: true });
  const result = { peers: {}, total_seconds: 0 };
  const started = performance.now();
  for (const name of only) {
    if (!force && peerInstalled(name)) {
      const stamp = readStamp(name);
      result.peers[name] = { skipped: true, seconds: 0, versions: resolvePeer(name), install_seconds: stamp.seconds };
      log(`${name}: already installed (its install took ${stamp.seconds} s), skipped`);
      continue;
    }
    try {
      result.peers[name] = await installOne(name);
    } catch (err) {
      throw new InstallError(`installing the ${name} peer failed: ${err.message}\n(full npm output: ${join(CACHE_DIR, `install-${name}.log`)})`);
    }
  }
  result.total_seconds = +((performance.now() - started) / 1000).toFixed(1);
  log(`total: ${result.total_seconds} s`);
  return result;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const argv = process.argv.slice(2);
  const onlyIdx = argv.indexOf('--only');
  const only =
    onlyIdx >= 0
      ? String(argv[onlyIdx + 1] ?? '')
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)
      : undefined;
  installPeers({ only, force: argv.includes('--force') })
    .then((r) => {
      if (argv.includes('--json')) console.log(JSON.stringify(r, null, 2));
    })
    .catch((err) => {
      console.error(`[peers] ${err instanceof InstallError ? err.message : (err?.stack ?? err)}`);
      process.exit(1);
    });
}
