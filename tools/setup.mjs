// `npm run setup`: idempotent provisioning of everything the stack and the tests need. Safe to re-run.
// The first step may run under an old machine Node (20), so this file sticks to APIs Node 20 has.
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { NODE24_DIR, ROOT, TOOLS_DIR, toolPath } from './lib/paths.mjs';
import { bold, green, main, run, seconds, step } from './lib/ui.mjs';

const NODE_MAJOR = 24;
const started = Date.now();

async function node24() {
  const current = Number(process.versions.node.split('.')[0]);
  const local = join(NODE24_DIR, 'bin', 'node');
  if (existsSync(local)) return `using .tools/node (${(await run(local, ['--version'])).trim()})`;
  if (current === NODE_MAJOR) return `machine Node ${process.versions.node} is already ${NODE_MAJOR}`;
  // The npm registry ships Node itself as a package (just the binary; npm stays the machine's).
  const pkg = `node-${process.platform}-${process.arch}@${NODE_MAJOR}`;
  mkdirSync(TOOLS_DIR, { recursive: true });
  const staging = join(TOOLS_DIR, 'node-staging');
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging);
  await run('npm', ['pack', pkg, '--pack-destination', staging, '--silent'], { cwd: staging, what: `npm pack ${pkg}` });
  const tgz = readdirSync(staging).find((f) => f.endsWith('.tgz'));
  await run('tar', ['-xzf', join(staging, tgz), '-C', staging], { what: 'unpacking Node' });
  rmSync(NODE24_DIR, { recursive: true, force: true });
  renameSync(join(staging, 'package'), NODE24_DIR);
  rmSync(staging, { recursive: true, force: true });
  return `installed ${tgz.replace(/\.tgz$/, '')} into .tools/node (machine Node ${process.versions.node} is too old)`;
}

await main(async () => {
  console.log(bold('OmniAI setup') + ` — ${ROOT}`);
  const env = { ...process.env, PATH: toolPath() };
  await step(`Node ${NODE_MAJOR}`, node24);
  await step('npm dependencies', async () => {
    await run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: ROOT, env, what: 'npm install' });
  });
  // The remaining steps need Node 24 and the installed packages, so they continue in a Node 24 process.
  const node = existsSync(join(NODE24_DIR, 'bin', 'node')) ? join(NODE24_DIR, 'bin', 'node') : process.execPath;
  const code = await new Promise((resolve) => {
    spawn(node, [join(ROOT, 'tools/setup-provision.mjs')], { cwd: ROOT, env, stdio: 'inherit' }).on('exit', resolve);
  });
  if (code !== 0) process.exit(1); // the failing step already printed its one-line reason
  console.log(`${green('Setup complete')} in ${seconds(Date.now() - started)}. Next: ${bold('npm start')}`);
});
