// Finds or provisions the `temporal` CLI (it embeds the dev server and the Temporal web UI).
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, TOOLS_BIN, TOOLS_DIR, toolPath } from './paths.mjs';
import { UserError, run, which } from './ui.mjs';

export const TEMPORAL_CLI_VERSION = 'v1.5.1';
const SDK_DOWNLOAD_DIR = join(TOOLS_DIR, 'temporal-sdk-download');

/** The temporal binary: on PATH, in .tools/bin (go install), or from the SDK's download; null when none. */
export async function findTemporal() {
  if (process.env.OMNI_TEMPORAL_CLI && existsSync(process.env.OMNI_TEMPORAL_CLI)) return process.env.OMNI_TEMPORAL_CLI;
  const local = join(TOOLS_BIN, 'temporal');
  if (existsSync(local)) return local;
  const onPath = await which('temporal');
  if (onPath) return onPath;
  if (existsSync(SDK_DOWNLOAD_DIR)) {
    const found = readdirSync(SDK_DOWNLOAD_DIR, { recursive: true }).find(
      (f) => /(^|\/)temporal(-cli)?[^/]*$/.test(String(f)) && !String(f).endsWith('.tar.gz'),
    );
    if (found) return join(SDK_DOWNLOAD_DIR, String(found));
  }
  return null;
}

export async function provisionTemporal() {
  const found = await findTemporal();
  if (found) return `using ${found.replace(ROOT + '/', '')}`;

  const go = await which('go');
  if (go) {
    process.stdout.write(`  building the Temporal CLI ${TEMPORAL_CLI_VERSION} with Go (about 4 minutes on 2 cores, once) …\n`);
    mkdirSync(TOOLS_BIN, { recursive: true });
    await run(go, ['install', `github.com/temporalio/cli/cmd/temporal@${TEMPORAL_CLI_VERSION}`], {
      env: { ...process.env, GOBIN: TOOLS_BIN, GOFLAGS: '-mod=mod' },
      what: `go install github.com/temporalio/cli/cmd/temporal@${TEMPORAL_CLI_VERSION}`,
    }).catch(() => undefined);
    if (existsSync(join(TOOLS_BIN, 'temporal'))) return `built with Go into .tools/bin/temporal`;
  }

  // Last resort: the SDK's own download of the CLI (needs access to Temporal's download host).
  try {
    await run(
      process.execPath,
      [
        '-e',
        `
      const { TestWorkflowEnvironment } = require('@temporalio/testing');
      TestWorkflowEnvironment.createLocal({ server: { executable: { type: 'cached-download', downloadDir: ${JSON.stringify(SDK_DOWNLOAD_DIR)} } } })
        .then((env) => env.teardown()).then(() => process.exit(0), (e) => { console.error(e.message); process.exit(1); });
    `,
      ],
      { cwd: ROOT, env: { ...process.env, PATH: toolPath() }, what: 'the Temporal SDK download' },
    );
    const downloaded = await findTemporal();
    if (downloaded) return `downloaded by the Temporal SDK into ${downloaded.replace(ROOT + '/', '')}`;
  } catch {
    // fall through to the error naming every way
  }
  throw new UserError(
    'no Temporal CLI: put `temporal` on PATH, or install Go so setup can run ' +
      `\`go install github.com/temporalio/cli/cmd/temporal@${TEMPORAL_CLI_VERSION}\`, ` +
      'or allow network access for the Temporal SDK to download it',
  );
}
