// Second half of `npm run setup`, run under Node 24 once dependencies are installed.
import { buildAll } from './build.mjs';
import { provisionChromium } from './lib/chromium.mjs';
import { ensureDockerEngine } from './lib/docker-engine.mjs';
import { provisionGit } from './lib/git.mjs';
import { provisionMcpNodeImage, provisionSandboxImage } from './lib/sandbox-image.mjs';
import { provisionTemporal } from './lib/temporal-cli.mjs';
import { main, step } from './lib/ui.mjs';

await main(async () => {
  await step('Temporal CLI', provisionTemporal);
  await step('Docker engine', async () => (await ensureDockerEngine({ install: true })).note);
  await step('git (project repositories)', provisionGit);
  await step('Chromium (browser tests)', provisionChromium);
  await step('sandbox base image', provisionSandboxImage);
  await step('MCP server image (Node + pinned stdio servers)', provisionMcpNodeImage);
  await buildAll();
});
