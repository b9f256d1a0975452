import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

// The committed API description must pass a standard linter (Redocly's recommended rules) with zero errors.
describe('docs/openapi.json under Redocly recommended rules', () => {
  it('has no errors, and only the warnings docs/ARCHITECTURE.md explains', () => {
    const out = spawnSync(process.execPath, [join(ROOT, 'tools/openapi-lint.mjs')], { cwd: ROOT, encoding: 'utf8' });
    expect(out.stdout).toMatch(/openapi lint \(redocly recommended\): 0 errors/);
    expect(out.status).toBe(0);
    const warned = out.stdout
      .split('\n')
      .filter((l) => l.startsWith('warn'))
      .map((l) => l.split(':')[0]!.replace(/^warn\s+/, ''));
    // /healthz and /v1/meta answer no client error; the SSE frame schemas are referenced from `x-sse-events` only.
    for (const rule of warned) expect(['no-unused-components', 'operation-4xx-response']).toContain(rule);
    expect(warned.length).toBeLessThanOrEqual(4);
  });
});
