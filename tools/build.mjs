// `npm run build`: compiles the TypeScript projects (incremental) and builds the console when its sources changed.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, toolPath } from './lib/paths.mjs';
import { main, run, step } from './lib/ui.mjs';

const env = { ...process.env, PATH: toolPath() };

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) newest = Math.max(newest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

export async function buildAll({ force = false } = {}) {
  await step('compiling TypeScript (tsc -b)', () =>
    run(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-b', 'tsconfig.json'], { cwd: ROOT, env, what: 'tsc -b' }),
  );
  const index = join(ROOT, 'apps/console/dist/browser/index.html');
  const sources = [join(ROOT, 'apps/console/src'), join(ROOT, 'libs/contracts/src')];
  const stale =
    force || !existsSync(index) || Math.max(...sources.map(newestMtime), statSync(join(ROOT, 'apps/console/angular.json')).mtimeMs) > statSync(index).mtimeMs;
  await step('building the console (Angular)', async () => {
    if (!stale) return 'up to date';
    await run(process.execPath, [join(ROOT, 'node_modules/@angular/cli/bin/ng.js'), 'build'], {
      cwd: join(ROOT, 'apps/console'),
      env: { ...env, NG_CLI_ANALYTICS: 'false' },
      what: 'ng build',
    });
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await main(() => buildAll({ force: process.argv.includes('--force') }));
}
