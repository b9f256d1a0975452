// Builds the sandbox base image offline when the engine does not have it yet.
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { aptInstall } from './docker-engine.mjs';
import { DATA_DIR, NODE24_DIR, ROOT } from './paths.mjs';
import { UserError, run, which } from './ui.mjs';

// The one home of the tag, shared with the worker (libs/sandbox/src/sandbox-image.ts).
export const SANDBOX_IMAGE = JSON.parse(readFileSync(join(ROOT, 'libs/sandbox/src/sandbox-image.json'), 'utf8')).image;
// The same for the image stdio MCP servers run in (libs/sandbox/src/mcp-node-image.ts): tag, package folder, packages.
export const MCP_NODE = JSON.parse(readFileSync(join(ROOT, 'libs/sandbox/src/mcp-node-image.json'), 'utf8'));

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

/**
 * The image stdio MCP servers run in (D59): the sandbox base plus the Node 24 this setup runs on and the
 * pinned servers from npm. Built once; bump the tag in mcp-node-image.json to rebuild.
 */
export async function provisionMcpNodeImage() {
  if (await imageExists(MCP_NODE.image)) return `${MCP_NODE.image} already present`;
  if (!(await imageExists(SANDBOX_IMAGE))) throw new UserError(`${MCP_NODE.image} is built on ${SANDBOX_IMAGE}, which is missing`);
  // setup-provision runs under Node 24 (.tools/node or the machine's): the image gets that same binary.
  const node = Number(process.versions.node.split('.')[0]) === 24 ? process.execPath : join(NODE24_DIR, 'bin', 'node');
  const work = join(DATA_DIR, 'mcp-node-build');
  mkdirSync(work, { recursive: true });
  await run('sh', [join(ROOT, 'docker/mcp-node/build-offline.sh'), MCP_NODE.image, SANDBOX_IMAGE, node, MCP_NODE.prefix, work, ...MCP_NODE.packages], {
    what: 'building the MCP server image',
  });
  return `built ${MCP_NODE.image} (Node ${process.versions.node}, ${MCP_NODE.packages.join(', ')})`;
}
