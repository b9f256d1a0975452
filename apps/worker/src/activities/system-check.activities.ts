import { SandboxProbe } from '@omniai/contracts';
import { type DockerSandbox, SANDBOX_IMAGE, SECCOMP_FILTER } from '@omniai/sandbox';
import type { SystemCheckActivities } from '@omniai/workflows';

// Runs inside the sandbox (never in this process): reports identity, capabilities, filesystem and network.
const PROBE_SCRIPT = `
import json, os, sys
status = dict(l.split(':', 1) for l in open('/proc/self/status').read().splitlines() if ':' in l)
try:
    open('/probe', 'w')
    ro = False
except OSError:
    ro = True
ifaces = [l.split(':')[0].strip() for l in open('/proc/net/dev').read().splitlines()[2:]]
print(json.dumps({"uid": os.getuid(), "gid": os.getgid(), "cap_eff": status['CapEff'].strip(),
  "no_new_privs": status.get('NoNewPrivs', '0').strip() == '1', "read_only_root": ro,
  "network_interfaces": ifaces, "python": sys.version.split()[0], "seccomp": int(status.get('Seccomp', '0').strip())}))
`;

export function createSystemCheckActivities(deps: { sandbox: DockerSandbox; image?: string }): SystemCheckActivities {
  return {
    async probeSandbox() {
      const result = await deps.sandbox.run({
        image: deps.image ?? SANDBOX_IMAGE,
        argv: ['python3', '-c', PROBE_SCRIPT],
        labels: { 'ai.omni.purpose': 'system-check' },
        limits: { timeoutMs: 20_000 },
      });
      if (result.exitCode !== 0) {
        throw new Error(`sandbox probe exited ${result.exitCode}${result.timedOut ? ' (timed out)' : ''}: ${result.stderr.slice(0, 500)}`);
      }
      const probe = SandboxProbe.parse(JSON.parse(result.stdout));
      // Mode 2 is a seccomp filter; anything else means the engine runs containers unconfined (D39).
      if (probe.seccomp !== SECCOMP_FILTER)
        throw new Error(`the sandbox runs without a seccomp filter (Seccomp: ${probe.seccomp}); refusing to run tools in it`);
      return { probe, durationMs: result.durationMs };
    },
  };
}
