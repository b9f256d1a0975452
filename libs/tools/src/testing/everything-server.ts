import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';

/** A running `@modelcontextprotocol/server-everything` over Streamable HTTP. */
export interface EverythingServer {
  port: number;
  /** `http://127.0.0.1:<port>/mcp`. */
  url: string;
  close(): Promise<void>;
}

/**
 * Starts the reference MCP server from npm (`mcp-server-everything streamableHttp`, PORT from the environment) as a
 * child process, on a free port of this machine, and resolves once it says it listens. Tests reach it for real at
 * 127.0.0.1, which egress allows only through an `egress_allow` entry with `allow_private` (D58).
 */
export async function startEverythingServer(): Promise<EverythingServer> {
  const port = await freePort();
  const bin = join(dirname(require.resolve('@modelcontextprotocol/server-everything/package.json')), 'dist', 'index.js');
  const child = spawn(process.execPath, [bin, 'streamableHttp'], {
    env: { PATH: process.env.PATH ?? '', PORT: String(port) },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  await listening(child, port);
  return {
    port,
    url: `http://127.0.0.1:${port}/mcp`,
    close: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

function listening(child: ChildProcess, port: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let said = '';
    const fail = (why: string) => {
      clearTimeout(timer);
      child.kill('SIGTERM');
      reject(new Error(`server-everything did not start (${why}): ${said.slice(-500)}`));
    };
    const timer = setTimeout(() => fail('no word within 20 s'), 20_000);
    child.stderr!.on('data', (chunk: Buffer) => {
      said += chunk.toString();
      if (said.includes(`listening on port ${port}`)) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => fail(`exit code ${code}`));
  });
}
