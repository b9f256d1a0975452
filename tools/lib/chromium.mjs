// Debian's Chromium for the browser tests (never Playwright's own browser download: no download host is reachable).
import { existsSync } from 'node:fs';
import { aptInstall } from './docker-engine.mjs';
import { UserError, which } from './ui.mjs';

export async function findChromium() {
  if (process.env.OMNI_CHROMIUM && existsSync(process.env.OMNI_CHROMIUM)) return process.env.OMNI_CHROMIUM;
  return (await which('chromium')) ?? (await which('chromium-browser'));
}

export async function provisionChromium() {
  const found = await findChromium();
  if (found) return `using ${found}`;
  if (process.getuid?.() !== 0 || !existsSync('/etc/debian_version')) {
    throw new UserError('Chromium is missing: install it (Debian: `apt-get install chromium`) or set OMNI_CHROMIUM to its path');
  }
  await aptInstall(['chromium']);
  const installed = await findChromium();
  if (!installed) throw new UserError('apt-get installed chromium but it is not on PATH');
  return `installed Debian's chromium (${installed})`;
}
