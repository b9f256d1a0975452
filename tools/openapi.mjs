// `npm run openapi`: writes docs/openapi.json from the zod contracts (libs/contracts: API_ROUTES + buildOpenApiDocument).
// `--check`: writes nothing; exits 1 when the committed file is stale.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { ROOT } from './lib/paths.mjs';

const OUT = join(ROOT, 'docs/openapi.json');
const check = process.argv.includes('--check');

// Compile the contracts first (incremental, about a second when up to date) so a stale dist never writes a stale document.
const tsc = spawnSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-b', join(ROOT, 'libs/contracts/tsconfig.json')], {
  cwd: ROOT,
  stdio: 'inherit',
});
if (tsc.status !== 0) process.exit(tsc.status ?? 1);

// dist is CommonJS; require() keeps the named exports of its `export *` re-exports.
const { buildOpenApiDocument } = createRequire(import.meta.url)(join(ROOT, 'libs/contracts/dist/index.js'));
const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
const text = `${JSON.stringify(buildOpenApiDocument(version), null, 2)}\n`;

if (check) {
  let committed = '';
  try {
    committed = readFileSync(OUT, 'utf8');
  } catch {
    // missing counts as stale
  }
  if (committed !== text) {
    process.stderr.write('docs/openapi.json is out of date with the contracts: run `npm run openapi` and commit the result.\n');
    process.exit(1);
  }
  process.stdout.write('docs/openapi.json is up to date.\n');
} else {
  writeFileSync(OUT, text);
  process.stdout.write(`wrote docs/openapi.json\n`);
}
