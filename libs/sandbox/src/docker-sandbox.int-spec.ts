import Docker from 'dockerode';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { type Server, createServer } from 'node:net';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { DockerSandbox, type SandboxJob } from './docker-sandbox';
import { SECCOMP_FILTER } from './engine-preflight';
import { SANDBOX_IMAGE, SANDBOX_LABEL, SANDBOX_OWNER_LABEL } from './sandbox-image';

const docker = new Docker();
const sandbox = new DockerSandbox(docker);
const testLabel = { 'ai.omni.test': `sandbox-${process.pid}` };
/** A call that sleeps past its 1.5 s limit. */
const overrun = (extra: Partial<SandboxJob> = {}) =>
  sandbox.run({ image: SANDBOX_IMAGE, argv: ['python3', '-c', 'import time; time.sleep(30)'], limits: { timeoutMs: 1_500 }, labels: testLabel, ...extra });

describe('DockerSandbox (real Docker engine)', () => {
  it('runs as an unprivileged user with no capabilities, no network and a read-only root', async () => {
    const script = [
      'import os, json',
      "st = dict(l.split(':', 1) for l in open('/proc/self/status').read().splitlines() if ':' in l)",
      'try:\n    open("/x", "w"); ro = False\nexcept OSError:\n    ro = True',
      "ifs = [l.split(':')[0].strip() for l in open('/proc/net/dev').read().splitlines()[2:]]",
      "open('/work/ok', 'w').write('tmpfs is writable')",
      "print(json.dumps({'uid': os.getuid(), 'cap': st['CapEff'].strip(), 'nnp': st['NoNewPrivs'].strip(), 'ro': ro, 'ifs': ifs}))",
    ].join('\n');
    const result = await sandbox.run({ image: SANDBOX_IMAGE, argv: ['python3', '-c', script], labels: testLabel });
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ uid: 65534, cap: '0000000000000000', nnp: '1', ro: true, ifs: ['lo'] });
  });

  it('runs without a log driver (output arrives through attach) and under a seccomp filter', async () => {
    const label = `ai.omni.test=sandbox-${process.pid}-log`;
    const script = [
      'import time',
      "st = dict(l.split(':', 1) for l in open('/proc/self/status').read().splitlines() if ':' in l)",
      "print(st['Seccomp'].strip(), flush=True)",
      'time.sleep(2)',
    ].join('\n');
    const running = sandbox.run({ image: SANDBOX_IMAGE, argv: ['python3', '-c', script], labels: { 'ai.omni.test': label.split('=')[1]! } });
    let id: string | undefined;
    for (let i = 0; i < 100 && !id; i++) {
      id = (await docker.listContainers({ all: true, filters: { label: [label] } }))[0]?.Id;
      if (!id) await new Promise((r) => setTimeout(r, 50));
    }
    const inspected = await docker.getContainer(id!).inspect();
    const result = await running;
    expect(inspected.HostConfig.LogConfig).toEqual({ Type: 'none', Config: {} });
    expect(result.exitCode).toBe(0);
    expect(result.stdout.trim()).toBe(String(SECCOMP_FILTER));
  });

  it('passes arguments as argv, never through a shell', async () => {
    const hostile = '$(id); `id`; echo pwned > /tmp/x';
    const result = await sandbox.run({ image: SANDBOX_IMAGE, argv: ['python3', '-c', 'import sys; print(sys.argv[1])', hostile], labels: testLabel });
    expect(result.stdout.trim()).toBe(hostile);
  });

  it('kills a call that overruns its time limit and reports it', async () => {
    const result = await overrun();
    expect(result.timedOut).toBe(true);
    expect(result.exitCode).not.toBe(0);
    expect(result.durationMs).toBeLessThan(15_000);
  });

  it('caps captured output', async () => {
    const result = await sandbox.run({
      image: SANDBOX_IMAGE,
      argv: ['python3', '-c', "print('x' * 100000)"],
      limits: { outputCapBytes: 1024 },
      labels: testLabel,
    });
    expect(result.stdout.length).toBe(1024);
    expect(result.stdoutTruncated).toBe(true);
  });

  it('enforces the pids limit (a fork bomb cannot take the host)', async () => {
    const script =
      'import os\nn=0\ntry:\n    while n < 500:\n        if os.fork() == 0:\n            import time; time.sleep(5); os._exit(0)\n        n += 1\nexcept OSError:\n    pass\nprint(n)';
    const result = await sandbox.run({
      image: SANDBOX_IMAGE,
      argv: ['python3', '-c', script],
      limits: { pidsLimit: 16, timeoutMs: 20_000 },
      labels: testLabel,
    });
    expect(Number(result.stdout.trim())).toBeLessThan(16);
  });

  describe('with an egress socket (D32)', () => {
    let dir: string;
    let server: Server;
    let socketPath: string;
    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'omni-sandbox-egress-'));
      socketPath = join(dir, 'call.sock');
      // Stands in for the egress proxy: answers every connection with one line.
      server = createServer((s) => s.end('proxy here\n'));
      await new Promise<void>((resolve) => server.listen(socketPath, resolve));
      chmodSync(socketPath, 0o666);
    });
    afterAll(async () => {
      await new Promise((resolve) => server.close(resolve));
      rmSync(dir, { recursive: true, force: true });
    });

    it('relays 127.0.0.1:3128 to the socket, keeps only a loopback interface and passes the exit status through', async () => {
      const script = [
        'import json, os, socket, sys',
        "s = socket.create_connection(('127.0.0.1', 3128), timeout=10)",
        "ifs = [l.split(':')[0].strip() for l in open('/proc/net/dev').read().splitlines()[2:]]",
        "print(json.dumps({'got': s.recv(100).decode(), 'proxy': os.environ['HTTPS_PROXY'], 'ifs': ifs, 'uid': os.getuid()}))",
        'sys.exit(3)',
      ].join('\n');
      const result = await sandbox.run({ image: SANDBOX_IMAGE, argv: ['python3', '-c', script], labels: testLabel, egress: { socketPath } });
      expect(result.stderr).toBe('');
      expect(result.exitCode).toBe(3);
      expect(JSON.parse(result.stdout)).toEqual({ got: 'proxy here\n', proxy: 'http://127.0.0.1:3128', ifs: ['lo'], uid: 65534 });
    });

    it('still stops a call that overruns its time limit', async () => {
      const result = await overrun({ egress: { socketPath } });
      expect(result.timedOut).toBe(true);
      expect(result.exitCode).not.toBe(0);
    });
  });

  it('removes its containers, and reaps only leftovers whose owner process is gone', async () => {
    const mine = [`${SANDBOX_LABEL}=1`, `ai.omni.test=sandbox-${process.pid}`];
    expect(await docker.listContainers({ all: true, filters: { label: mine } })).toHaveLength(0);
    const dead = spawnSync(process.execPath, ['-e', '0']).pid; // a process of this host that has exited
    const create = (owner: string) =>
      docker.createContainer({ Image: SANDBOX_IMAGE, Cmd: ['true'], Labels: { ...testLabel, [SANDBOX_LABEL]: '1', [SANDBOX_OWNER_LABEL]: owner } });
    const orphan = await create(`${hostname()}/${dead}`);
    const live = await create(`${hostname()}/${process.ppid}`); // e.g. another worker that is still running
    const foreign = await create(`some-other-host/${dead}`); // another host sharing the engine
    try {
      // Another worker starting on this host (a concurrent test's stack) may reap the same orphan first, so the count
      // is at most 1; what matters is which containers are gone and which are kept.
      expect(await sandbox.reapOrphans(`ai.omni.test=sandbox-${process.pid}`)).toBeLessThanOrEqual(1);
      await expect(orphan.inspect()).rejects.toThrow();
      await expect(live.inspect()).resolves.toBeTruthy();
      await expect(foreign.inspect()).resolves.toBeTruthy();
    } finally {
      await Promise.all([live, foreign].map((c) => c.remove({ force: true }).catch(() => undefined)));
    }
  });
});
