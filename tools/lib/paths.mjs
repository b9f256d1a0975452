// Folders the tooling works with. Everything the project installs or keeps lives under the checkout.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const TOOLS_DIR = join(ROOT, '.tools');
export const TOOLS_BIN = join(TOOLS_DIR, 'bin');
export const NODE24_DIR = join(TOOLS_DIR, 'node');
export const DATA_DIR = process.env.OMNI_DATA_DIR ? process.env.OMNI_DATA_DIR : join(ROOT, '.data');

/** PATH with the project's Node 24 and tools first, for every child process. */
export function toolPath(base = process.env.PATH ?? '') {
  return [join(NODE24_DIR, 'bin'), TOOLS_BIN, base].join(':');
}
