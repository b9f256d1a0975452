// Builds the sandbox base image offline when the engine does not have it yet.
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { aptInstall } from './docker-engine.mjs';
import { DATA_DIR, ROOT } from './paths.mjs';
import { UserError, run, which } from './ui.mjs';

// The one home of the tag, shared with the worker (libs/sandbox/src/sandbox-image.ts).
export const SANDBOX_IMAGE = JSON.parse(readFileSync(join(ROOT, 'libs/sandbox/src/sandbox-image.json'), 'utf8')).image;

export async function imageExists(tag) {
  try {
    await run('docker', ['image', 'inspect', tag]);
    return true;
  } catch {
    return false;
  }
}

export async function provisionSandboxImage() {
  if (!(await which('docker'))) throw new UserError('the docker CLI is missing: install Docker (Debian: docker.io)');
  if (await imageExists(SANDBOX_IMAGE)) return `${SANDBOX_IMAGE} already present`;
  if (!(await which('debootstrap'))) {
    if (process.getuid?.() !== 0) throw new UserError('building the sandbox image needs debootstrap and root: `apt-get install debootstrap`');
    await aptInstall(['debootstrap']);
  }
  const work = join(DATA_DIR, 'sandbox-build');
  mkdirSync(work, { recursive: true });
  await run('sh', [join(ROOT, 'docker/sandbox/build-offline.sh'), SANDBOX_IMAGE, work], { what: 'building the sandbox image' });
  return `built ${SANDBOX_IMAGE} offline (debootstrap + docker import)`;
}
