import { readFileSync, readdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

const ROOT = join(__dirname, '..', '..', '..', '..');
/** Where production code lives. */
const SOURCE_DIRS = ['apps', 'libs', 'workflows', 'tools'];
/** The only non-test files allowed to mention the hatch: where it is declared and passed through. */
const DECLARING = new Set([
  'libs/tools/src/egress/safe-fetch.ts',
  'libs/tools/src/egress/egress-proxy.ts',
  'libs/tools/src/builtins/web-fetch-extract.ts',
  'apps/worker/src/tools/openapi-executor.ts',
  'libs/tools/src/mcp/mcp-client.ts',
  'libs/tools/src/research/read-source.ts',
  'libs/tools/src/research/search-backends.ts',
]);

function* sourceFiles(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (['node_modules', 'dist', '.angular', 'testing'].includes(entry.name)) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* sourceFiles(path);
    else if (/\.(ts|mts|cts|js|mjs|cjs)$/.test(entry.name) && !/\.(spec|int-spec|e2e)\.ts$/.test(entry.name)) yield path;
  }
}

// `unsafeTestNetwork` reroutes vetted connections to a local test server. The guarantee that production never uses
// it is this scan: outside tests and testing helpers, only the files that declare it may name it.
describe('the unsafeTestNetwork test hatch', () => {
  it('is never set by production code', () => {
    const offenders: string[] = [];
    const scanned: string[] = [];
    for (const dir of SOURCE_DIRS) {
      for (const file of sourceFiles(join(ROOT, dir))) {
        const path = relative(ROOT, file).split(sep).join('/');
        scanned.push(path);
        if (DECLARING.has(path)) continue;
        if (readFileSync(file, 'utf8').includes('unsafeTestNetwork')) offenders.push(path);
      }
    }
    // Not vacuous: the scan did reach the worker and this library.
    expect(scanned).toEqual(expect.arrayContaining(['libs/tools/src/egress/safe-fetch.ts', 'apps/worker/src/main.ts']));
    expect(offenders).toEqual([]);
  });

  it('is only passed through, never given a value, where it is declared', () => {
    for (const path of DECLARING) {
      const code = readFileSync(join(ROOT, path), 'utf8');
      // Allowed: the option's declaration, reading `options.unsafeTestNetwork`, and forwarding it under its own name.
      const uses = code.match(/unsafeTestNetwork[^\n]*/g) ?? [];
      for (const use of uses) {
        expect(use).toMatch(/^unsafeTestNetwork(\?: UnsafeTestNetwork;|;|: options\.unsafeTestNetwork,)$/);
      }
    }
  });
});
