import { rmSync } from 'node:fs';
import { stopChild } from '../lib/stack.mjs';

export default async function globalTeardown() {
  const state = globalThis.__omniTest;
  if (!state) return;
  await stopChild(state.temporal.child);
  await state.postgres.stop();
  rmSync(state.dir, { recursive: true, force: true });
}
