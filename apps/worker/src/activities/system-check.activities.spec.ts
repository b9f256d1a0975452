import type { DockerSandbox, SandboxResult } from '@omniai/sandbox';
import { createSystemCheckActivities } from './system-check.activities';

const probeWith = (seccomp: number) => {
  const report = {
    uid: 65534,
    gid: 65534,
    cap_eff: '0000000000000000',
    no_new_privs: true,
    read_only_root: true,
    network_interfaces: ['lo'],
    python: '3.11.2',
    seccomp,
  };
  const result: SandboxResult = {
    exitCode: 0,
    stdout: JSON.stringify(report),
    stderr: '',
    stdoutTruncated: false,
    stderrTruncated: false,
    timedOut: false,
    oomKilled: false,
    durationMs: 5,
  };
  return createSystemCheckActivities({ sandbox: { run: async () => result } as unknown as DockerSandbox }).probeSandbox();
};

describe('system check probe', () => {
  it('passes when the sandbox runs under a seccomp filter (mode 2)', async () => {
    await expect(probeWith(2)).resolves.toMatchObject({ probe: { seccomp: 2 } });
  });

  it('refuses a sandbox without a seccomp filter', async () => {
    await expect(probeWith(0)).rejects.toThrow(/without a seccomp filter/);
  });
});
