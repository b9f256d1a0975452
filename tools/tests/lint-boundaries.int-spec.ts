import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

interface EslintResult {
  filePath: string;
  messages: Array<{ ruleId: string | null; message: string }>;
}

/** Writes probe files into real projects, lints them with the project's own config, and removes them. */
function lintProbes(files: Record<string, string>): EslintResult[] {
  const paths = Object.keys(files).map((rel) => join(ROOT, rel));
  try {
    Object.entries(files).forEach(([rel, text]) => writeFileSync(join(ROOT, rel), text));
    const out = spawnSync(process.execPath, [join(ROOT, 'tools/lint.mjs'), '--format', 'json', ...paths], { cwd: ROOT, encoding: 'utf8' });
    if (!out.stdout.trim().startsWith('[')) throw new Error(`eslint did not report: ${out.stderr}`);
    return JSON.parse(out.stdout) as EslintResult[];
  } finally {
    paths.forEach((p) => rmSync(p, { force: true }));
  }
}

const rulesOf = (results: EslintResult[], suffix: string) =>
  results.find((r) => r.filePath.endsWith(suffix))!.messages.map((m) => m.ruleId);

describe('module boundaries and workflow sandbox rules (ESLint + Nx project graph)', () => {
  it('fails forbidden imports and accepts allowed ones', () => {
    const results = lintProbes({
      'apps/console/src/app/lint-probe-bad.ts': "import { createDataSource } from '@omniai/store';\nexport const x = createDataSource;\n",
      'apps/console/src/app/lint-probe-ok.ts': "import type { Meta } from '@omniai/contracts';\nexport type M = Meta;\n",
      'workflows/src/lint-probe-fs.ts': "import { readFileSync } from 'node:fs';\nexport const y = readFileSync;\n",
      'workflows/src/lint-probe-pg.ts': "import { Client } from 'pg';\nexport const z = Client;\n",
      'apps/api/src/lint-probe-sandbox.ts': "import { DockerSandbox } from '@omniai/sandbox';\nexport const s = DockerSandbox;\n",
      'apps/api/src/lint-probe-docker.ts': "import { createDockerClient } from '@omniai/sandbox/docker-client';\nexport const d = createDockerClient;\n",
      'apps/console/src/app/lint-probe-docker.ts': "import { createDockerClient } from '@omniai/sandbox/docker-client';\nexport const d = createDockerClient;\n",
      'libs/contracts/src/lint-probe-store.ts': "import { MIGRATIONS } from '@omniai/store';\nexport const m = MIGRATIONS;\n",
      'apps/worker/src/lint-probe-floating.ts': 'export async function f(): Promise<void> {}\nexport function g(): void {\n  f();\n}\n',
    });
    expect(rulesOf(results, 'lint-probe-bad.ts')).toContain('@nx/enforce-module-boundaries');
    expect(rulesOf(results, 'lint-probe-ok.ts')).toEqual([]);
    expect(rulesOf(results, 'lint-probe-fs.ts')).toContain('no-restricted-imports');
    expect(rulesOf(results, 'lint-probe-pg.ts')).toContain('no-restricted-imports');
    expect(rulesOf(results, 'lint-probe-sandbox.ts')).toContain('@nx/enforce-module-boundaries');
    // The API may use the shared Docker client factory (its health probe), nothing else of the sandbox; no one else may.
    expect(rulesOf(results, 'api/src/lint-probe-docker.ts')).toEqual([]);
    expect(rulesOf(results, 'console/src/app/lint-probe-docker.ts')).toContain('@nx/enforce-module-boundaries');
    expect(rulesOf(results, 'lint-probe-store.ts')).toContain('@nx/enforce-module-boundaries');
    expect(rulesOf(results, 'lint-probe-floating.ts')).toContain('@typescript-eslint/no-floating-promises');
  });
});
