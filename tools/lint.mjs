// `npm run lint`: computes the Nx project graph first (the module-boundary rule silently skips itself without it),
// then runs ESLint with every warning treated as a failure. Extra arguments go to ESLint. A full run (no arguments)
// also type-checks the code outside the composite projects, checks the layout with Prettier and refuses folder-level
// import cycles (tools/lib/folder-cycles.mjs).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { folderCycles } from './lib/folder-cycles.mjs';
import { ROOT, toolPath } from './lib/paths.mjs';

const env = { ...process.env, PATH: toolPath(), NX_DAEMON: 'false', NX_NO_CLOUD: 'true' };
const graph = spawnSync(process.execPath, [join(ROOT, 'node_modules/nx/dist/bin/nx.js'), 'show', 'projects'], { cwd: ROOT, env, encoding: 'utf8' });
if (graph.status !== 0 || !existsSync(join(ROOT, '.nx/workspace-data/project-graph.json'))) {
  process.stderr.write(`lint: could not compute the Nx project graph:\n${graph.stderr || graph.stdout}\n`);
  process.exit(1);
}
const args = process.argv.slice(2);
// Code outside the composite projects (console, e2e, tools/tests, bench, the API's system tests) is type-checked on a full lint run.
for (const project of args.length ? [] : ['e2e', 'tools', 'bench', 'apps/console', 'apps/api/test']) {
  const tsc = spawnSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', project, '--noEmit'], { cwd: ROOT, env, stdio: 'inherit' });
  if (tsc.status !== 0) process.exit(tsc.status ?? 1);
}
if (!args.length) {
  const prettier = spawnSync(process.execPath, [join(ROOT, 'node_modules/prettier/bin/prettier.cjs'), '--check', '--log-level', 'warn', '.'], {
    cwd: ROOT,
    env,
    stdio: 'inherit',
  });
  if (prettier.status !== 0) {
    process.stderr.write('lint: files above are not formatted: run `npm run format`\n');
    process.exit(prettier.status ?? 1);
  }
  const cycles = folderCycles();
  for (const line of cycles) process.stderr.write(`lint: folder import cycle in ${line}\n`);
  if (cycles.length) process.exit(1);
}
const eslint = spawnSync(process.execPath, [join(ROOT, 'node_modules/eslint/bin/eslint.js'), '--max-warnings=0', ...(args.length ? args : ['.'])], {
  cwd: ROOT,
  env,
  stdio: 'inherit',
});
process.exit(eslint.status ?? 1);
