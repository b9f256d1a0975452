// Debian's git for the project repositories behind the git.* tools (the worker runs the git binary, never a library).
import { existsSync } from 'node:fs';
import { aptInstall } from './docker-engine.mjs';
import { run, UserError, which } from './ui.mjs';

export async function provisionGit() {
  const found = await which('git');
  if (found) return `using ${(await run(found, ['--version'])).trim()} (${found})`;
  if (process.getuid?.() !== 0 || !existsSync('/etc/debian_version')) {
    throw new UserError('git is missing: install it (Debian: `apt-get install git`); the worker needs it for the git.* tools');
  }
  await aptInstall(['git']);
  const installed = await which('git');
  if (!installed) throw new UserError('apt-get installed git but it is not on PATH');
  return `installed Debian's ${(await run(installed, ['--version'])).trim()}`;
}
