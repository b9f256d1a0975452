// `npm test`: lint, unit + integration tests (Jest, real Postgres/Temporal/Docker) and end-to-end tests (Playwright
// in Debian's Chromium against a stack started by tools/start.mjs). Ends with the plain line `N passed, N failed`
// and exits non-zero on any failure or when no test ran.
//   --only unit|integration|e2e|lint   run one part
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { buildAll } from './build.mjs';
import { findChromium } from './lib/chromium.mjs';
import { ROOT, toolPath } from './lib/paths.mjs';
import { bold, main } from './lib/ui.mjs';

const only = (() => {
  const i = process.argv.indexOf('--only');
  return i > 0 ? process.argv[i + 1] : null;
})();
const wants = (part) => !only || only === part;
const env = { ...process.env, PATH: toolPath(), NX_DAEMON: 'false', NX_NO_CLOUD: 'true', FORCE_COLOR: process.stdout.isTTY ? '1' : '0' };
const reports = join(ROOT, 'test-results', 'reports');

function exec(args, extraEnv = {}) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...env, ...extraEnv }, stdio: 'inherit' });
    child.on('exit', (code) => resolve(code ?? 1));
  });
}

const tally = { passed: 0, failed: 0, skipped: 0 };
const parts = [];

async function lint() {
  console.log(bold('\n── lint (ESLint + Nx module boundaries)'));
  const code = await exec([join(ROOT, 'tools/lint.mjs')]);
  tally[code === 0 ? 'passed' : 'failed'] += 1;
  parts.push(`lint: ${code === 0 ? 'clean' : 'FAILED'}`);
}

async function jest(kind) {
  console.log(bold(`\n── ${kind} tests (Jest)`));
  const out = join(reports, `jest-${kind}.json`);
  rmSync(out, { force: true });
  const pattern = kind === 'unit' ? '\\.spec\\.ts$' : '\\.int-spec\\.ts$';
  const code = await exec([join(ROOT, 'node_modules/jest/bin/jest.js'), '--testPathPatterns', pattern, '--json', `--outputFile=${out}`]);
  if (!existsSync(out)) {
    tally.failed += 1;
    parts.push(`${kind}: Jest did not report (exit ${code})`);
    return;
  }
  const r = JSON.parse(readFileSync(out, 'utf8'));
  // A suite that fails to load has no test results of its own: count it as a failure.
  const brokenSuites = r.testResults.filter((s) => s.status === 'failed' && s.assertionResults.length === 0).length;
  tally.passed += r.numPassedTests;
  tally.failed += r.numFailedTests + brokenSuites;
  tally.skipped += r.numPendingTests + r.numTodoTests;
  if (code !== 0 && r.numFailedTests + brokenSuites === 0) tally.failed += 1; // e.g. a global setup failure
  parts.push(`${kind}: ${r.numPassedTests} passed, ${r.numFailedTests + brokenSuites} failed`);
}

async function e2e() {
  console.log(bold('\n── end-to-end tests (Playwright, Debian Chromium)'));
  const chromium = await findChromium();
  const out = join(reports, 'playwright.json');
  rmSync(out, { force: true });
  const code = await exec([join(ROOT, 'node_modules/@playwright/test/cli.js'), 'test', '-c', 'e2e/playwright.config.ts', '--reporter=list,json'], {
    PLAYWRIGHT_JSON_OUTPUT_FILE: out,
    ...(chromium ? { OMNI_CHROMIUM: chromium } : {}),
  });
  if (!existsSync(out)) {
    tally.failed += 1;
    parts.push(`e2e: Playwright did not report (exit ${code})`);
    return;
  }
  const s = JSON.parse(readFileSync(out, 'utf8')).stats;
  const failed = s.unexpected + s.flaky + (s.expected + s.unexpected === 0 && code !== 0 ? 1 : 0);
  tally.passed += s.expected;
  tally.failed += failed;
  tally.skipped += s.skipped;
  parts.push(`e2e: ${s.expected} passed, ${failed} failed`);
}

await main(async () => {
  mkdirSync(reports, { recursive: true });
  await buildAll();
  if (wants('lint')) await lint();
  if (wants('unit')) await jest('unit');
  if (wants('integration')) await jest('integration');
  if (wants('e2e')) await e2e();
  const total = tally.passed + tally.failed;
  console.log(`\n${parts.join(' · ')}`);
  if (total === 0) console.log('no test ran: that is a failure');
  console.log(`${tally.passed} passed, ${tally.failed} failed${tally.skipped ? `, ${tally.skipped} skipped` : ''}`);
  process.exit(tally.failed > 0 || total === 0 ? 1 : 0);
});
