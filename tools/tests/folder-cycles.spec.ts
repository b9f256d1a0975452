import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const check = () => spawnSync(process.execPath, [join(ROOT, 'tools/lib/folder-cycles.mjs')], { cwd: ROOT, encoding: 'utf8' });

// `npm run lint` runs this check on a full run; the probe folders prove it refuses a cycle and names its imports.
describe('folder-level import cycles (tools/lib/folder-cycles.mjs)', () => {
  const dirs = ['apps/api/src/cycle-probe-a', 'apps/api/src/cycle-probe-b'].map((d) => join(ROOT, d));
  afterEach(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('passes on the tree as it is', () => {
    const out = check();
    expect(out.stdout).toBe('');
    expect(out.status).toBe(0);
  });

  it('fails when two folders import each other, naming both imports', () => {
    dirs.forEach((d) => mkdirSync(d));
    writeFileSync(join(dirs[0]!, 'a.ts'), "import { b } from '../cycle-probe-b/b';\nexport const a = () => b;\n");
    writeFileSync(join(dirs[1]!, 'b.ts'), "import { a } from '../cycle-probe-a/a';\nexport const b = () => a;\n");
    const out = check();
    expect(out.status).toBe(1);
    expect(out.stdout).toContain('cycle-probe-a/ ↔ cycle-probe-b/');
    expect(out.stdout).toContain('apps/api/src/cycle-probe-a/a.ts');
  });
});
