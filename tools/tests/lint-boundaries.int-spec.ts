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

const rulesOf = (results: EslintResult[], suffix: string) => results.find((r) => r.filePath.endsWith(suffix))!.messages.map((m) => m.ruleId);

describe('module boundaries and workflow sandbox rules (ESLint + Nx project graph)', () => {
  let results: EslintResult[];
  // One ESLint run for every probe (each run computes the project graph and type information: slow).
  beforeAll(() => {
    results = lintProbes({
      'apps/console/src/app/lint-probe-bad.ts': "import { createDataSource } from '@omniai/store';\nexport const x = createDataSource;\n",
      'apps/console/src/app/lint-probe-ok.ts': "import type { Meta } from '@omniai/contracts';\nexport type M = Meta;\n",
      'workflows/src/lint-probe-fs.ts': "import { readFileSync } from 'node:fs';\nexport const y = readFileSync;\n",
      'workflows/src/lint-probe-pg.ts': "import { Client } from 'pg';\nexport const z = Client;\n",
      'apps/api/src/lint-probe-sandbox.ts': "import { DockerSandbox } from '@omniai/sandbox';\nexport const s = DockerSandbox;\n",
      'apps/api/src/lint-probe-docker.ts': "import { createDockerClient } from '@omniai/sandbox/docker-client';\nexport const d = createDockerClient;\n",
      'apps/console/src/app/lint-probe-docker.ts':
        "import { createDockerClient } from '@omniai/sandbox/docker-client';\nexport const d = createDockerClient;\n",
      'libs/contracts/src/lint-probe-store.ts': "import { MIGRATIONS } from '@omniai/store';\nexport const m = MIGRATIONS;\n",
      'apps/worker/src/lint-probe-floating.ts': 'export async function f(): Promise<void> {}\nexport function g(): void {\n  f();\n}\n',
      // zod-free bundles: contracts as types, values from the pure subpath
      'workflows/src/lint-probe-contracts-value.ts': "import { RunEvent } from '@omniai/contracts';\nexport const e = RunEvent;\n",
      'workflows/src/lint-probe-zod.ts': "import { z } from 'zod';\nexport const n = z.number();\n",
      'workflows/src/lint-probe-pure.ts':
        "import type { RunEvent } from '@omniai/contracts';\nimport { RUN_EVENT_SCHEMA_VERSION } from '@omniai/contracts/pure';\nimport { resumeRunSignal } from '@omniai/workflow-api';\nexport type E = RunEvent;\nexport const v = [RUN_EVENT_SCHEMA_VERSION, resumeRunSignal.name];\n",
      'apps/console/src/app/lint-probe-contracts-value.ts': "import { ROLE_CAPABILITIES } from '@omniai/contracts';\nexport const r = ROLE_CAPABILITIES;\n",
      'apps/console/src/app/lint-probe-pure.ts':
        "import { type Role } from '@omniai/contracts';\nimport { roleAllows } from '@omniai/contracts/pure';\nexport const ok = (r: Role) => roleAllows(r, 'read');\n",
      // Temporal messages: one definition, never sent by name
      'apps/api/src/lint-probe-signal-name.ts': [
        "import type { Client } from '@temporalio/client';",
        'export async function f(c: Client): Promise<void> {',
        "  await c.workflow.getHandle('w').signal('resumeRun', {});",
        '  await c.workflow.getHandle(\'w\').signal(`approval${"Decision"}`);',
        "  await c.workflow.signalWithStart('agentRunWorkflow', { taskQueue: 'q', workflowId: 'w', signal: 'resumeRun', signalArgs: [] });",
        '}',
        '',
      ].join('\n'),
      'apps/api/src/lint-probe-signal-ok.ts': [
        "import type { Client } from '@temporalio/client';",
        "import { resumeRunSignal } from '@omniai/workflow-api';",
        'export async function f(c: Client): Promise<void> {',
        "  await c.workflow.getHandle('w').signal(resumeRunSignal, { resumed_by: { type: 'user', id: 'u' } });",
        '}',
        '',
      ].join('\n'),
      'apps/worker/src/lint-probe-define.ts': "import { defineSignal } from '@temporalio/workflow';\nexport const s = defineSignal<[string]>('probe');\n",
      'workflows/src/lint-probe-define.ts': "import * as wf from '@temporalio/workflow';\nexport const q = wf.defineQuery<number>('probe');\n",
      'libs/workflow-api/src/lint-probe-define-ok.ts':
        "import { defineUpdate } from '@temporalio/workflow';\nexport const u = defineUpdate<number, [number]>('probe');\n",
      'libs/workflow-api/src/lint-probe-store.ts': "import { MIGRATIONS } from '@omniai/store';\nexport const m = MIGRATIONS;\n",
      // import cycles between files (folder-level cycles: tools/tests/folder-cycles.spec.ts)
      'apps/worker/src/lint-probe-cycle-a.ts': "import { b } from './lint-probe-cycle-b';\nexport const a = (): number => b() + 1;\n",
      'apps/worker/src/lint-probe-cycle-b.ts': "import { a } from './lint-probe-cycle-a';\nexport const b = (): number => a() - 1;\n",
    });
  }, 600_000);

  const count = (suffix: string, rule: string) => rulesOf(results, suffix).filter((r) => r === rule).length;

  it('fails forbidden imports and accepts allowed ones', () => {
    expect(rulesOf(results, 'lint-probe-bad.ts')).toContain('@nx/enforce-module-boundaries');
    expect(rulesOf(results, 'app/lint-probe-ok.ts')).toEqual([]);
    expect(rulesOf(results, 'lint-probe-fs.ts')).toContain('no-restricted-imports');
    expect(rulesOf(results, 'lint-probe-pg.ts')).toContain('no-restricted-imports');
    expect(rulesOf(results, 'lint-probe-sandbox.ts')).toContain('@nx/enforce-module-boundaries');
    // The API holds no Docker socket: the engine reaches /v1/meta through the worker's report (D39).
    expect(rulesOf(results, 'api/src/lint-probe-docker.ts')).toContain('@nx/enforce-module-boundaries');
    expect(rulesOf(results, 'console/src/app/lint-probe-docker.ts')).toContain('@nx/enforce-module-boundaries');
    expect(rulesOf(results, 'contracts/src/lint-probe-store.ts')).toContain('@nx/enforce-module-boundaries');
    expect(rulesOf(results, 'lint-probe-floating.ts')).toContain('@typescript-eslint/no-floating-promises');
  });

  it('keeps zod out of the workflow and console bundles: contracts as types, values from @omniai/contracts/pure', () => {
    expect(rulesOf(results, 'workflows/src/lint-probe-contracts-value.ts')).toContain('@typescript-eslint/no-restricted-imports');
    expect(rulesOf(results, 'workflows/src/lint-probe-zod.ts')).toContain('@typescript-eslint/no-restricted-imports');
    expect(rulesOf(results, 'app/lint-probe-contracts-value.ts')).toContain('@typescript-eslint/no-restricted-imports');
    expect(rulesOf(results, 'workflows/src/lint-probe-pure.ts')).toEqual([]);
    expect(rulesOf(results, 'app/lint-probe-pure.ts')).toEqual([]);
  });

  it('refuses Temporal messages sent by name or defined outside libs/workflow-api', () => {
    expect(count('lint-probe-signal-name.ts', 'no-restricted-syntax')).toBe(4);
    expect(rulesOf(results, 'lint-probe-signal-ok.ts')).toEqual([]);
    expect(rulesOf(results, 'worker/src/lint-probe-define.ts')).toContain('no-restricted-syntax');
    expect(rulesOf(results, 'workflows/src/lint-probe-define.ts')).toContain('no-restricted-syntax');
    expect(rulesOf(results, 'lint-probe-define-ok.ts')).toEqual([]);
    // The Temporal contract imports nothing but the zod-free contracts and the workflow SDK.
    expect(rulesOf(results, 'workflow-api/src/lint-probe-store.ts')).toContain('@nx/enforce-module-boundaries');
  });

  it('refuses an import cycle between files', () => {
    expect(rulesOf(results, 'lint-probe-cycle-a.ts')).toContain('import-x/no-cycle');
    expect(rulesOf(results, 'lint-probe-cycle-b.ts')).toContain('import-x/no-cycle');
  });
});
