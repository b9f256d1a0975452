import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

describe('@omniai/graphs main entry', () => {
  it('imports no zod at run time: contracts as types, values from the pure subpath (the workflow and console bundles load it)', () => {
    const files = readdirSync(__dirname).filter((f) => f.endsWith('.ts') && !f.endsWith('.spec.ts') && f !== 'parse.ts');
    expect(files).toContain('index.ts');
    for (const file of files) {
      const imports = readFileSync(join(__dirname, file), 'utf8').match(/^(?:import|export) [^;]*? from '[^']+';/gms) ?? [];
      for (const line of imports) {
        const from = /from '([^']+)';$/.exec(line)![1]!;
        const ok =
          line.startsWith('import type') || from === '@omniai/contracts/pure' || from === 'json-logic-js' || (from.startsWith('./') && from !== './parse');
        expect(ok ? 'ok' : `${file}: ${line}`).toBe('ok');
      }
    }
  });
});
