// `npm run openapi:lint`: lints docs/openapi.json with Redocly's recommended ruleset (@redocly/openapi-core, the
// engine of `redocly lint`). Prints every problem; exits 1 when any has severity `error`. Warnings are listed with the
// reason they stay in docs/API.md ("OpenAPI lint").
import { lint, loadConfig } from '@redocly/openapi-core';
import { join } from 'node:path';
import { ROOT } from './lib/paths.mjs';

const problems = await lint({ ref: join(ROOT, 'docs/openapi.json'), config: await loadConfig() });
for (const p of problems) {
  process.stdout.write(`${p.severity.padEnd(5)} ${p.ruleId}: ${p.message} (${p.location?.[0]?.pointer ?? '#'})\n`);
}
const errors = problems.filter((p) => p.severity === 'error').length;
process.stdout.write(`openapi lint (redocly recommended): ${errors} errors, ${problems.length - errors} warnings\n`);
process.exit(errors > 0 ? 1 : 0);
