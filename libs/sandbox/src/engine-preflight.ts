import type Docker from 'dockerode';

/** `Seccomp` in /proc/self/status: 2 means a seccomp filter (the engine's profile) applies to the process. */
export const SECCOMP_FILTER = 2;

/** The first upstream runc without CVE-2024-21626 (a container escape through a leaked host directory fd). */
export const MIN_RUNC_VERSION = '1.1.12';

/**
 * Distribution builds that carry the CVE-2024-21626 fix under an older upstream version, by package version (what the
 * engine reports as runc's commit). Debian bookworm fixed it in 1.1.5+ds1-1+deb12u1 (DSA-5615-1); later uploads keep it.
 */
const PATCHED_RUNC_BUILDS = [/^1\.1\.5\+ds1-1\+deb12u[1-9]\d*$/];

/** What the engine says about itself: `docker version` and `docker info`, reduced to what the preflight needs. */
export interface EngineFacts {
  engineVersion: string;
  runcVersion: string | null;
  /** runc's commit as the engine reports it; for distribution packages, the package version. */
  runcBuild: string | null;
  /** `docker info` SecurityOptions, e.g. `name=seccomp,profile=default`. */
  securityOptions: string[];
}

/** The outcome of the preflight, as the worker records it for `/v1/meta` (D39). */
export interface EnginePreflight {
  engineVersion: string;
  runcVersion: string | null;
  /** The engine's seccomp profile (`default`, or a custom one's name), or null when the engine applies none. */
  seccompProfile: string | null;
  /** Why sandbox work must not start; empty when it may. */
  problems: string[];
  /** Problems waived by `OMNI_ALLOW_UNPATCHED_RUNC` (the operator's explicit, unsafe choice). */
  waived: string[];
}

/** -1, 0 or 1 for `a` below, equal to or above `b`, comparing major.minor.patch (suffixes such as `+ds1` ignored). */
export function compareRuncVersions(a: string, b: string): number {
  const parse = (v: string) => (/^v?(\d+)\.(\d+)\.(\d+)/.exec(v) ?? []).slice(1, 4).map(Number);
  const [x, y] = [parse(a), parse(b)];
  for (let i = 0; i < 3; i++) if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) < (y[i] ?? 0) ? -1 : 1;
  return 0;
}

/** Whether this runc carries the CVE-2024-21626 fix: upstream ≥ 1.1.12, or a known patched distribution build. */
export function runcIsPatched(version: string | null, build: string | null): boolean {
  if (!version || !/^v?\d+\.\d+\.\d+/.test(version)) return false;
  if (compareRuncVersions(version, MIN_RUNC_VERSION) >= 0) return true;
  return build !== null && PATCHED_RUNC_BUILDS.some((re) => re.test(build));
}

/** The preflight's decision from the engine's facts; pure, so the rules are unit-tested without an engine. */
export function decideEnginePreflight(facts: EngineFacts, options: { allowUnpatchedRunc?: boolean } = {}): EnginePreflight {
  const seccomp = facts.securityOptions.map((o) => new URLSearchParams(o.replace(/,/g, '&'))).find((o) => o.get('name') === 'seccomp');
  const seccompProfile = seccomp ? (seccomp.get('profile') ?? 'default') : null;
  const problems: string[] = [];
  const waived: string[] = [];
  if (seccompProfile === null || seccompProfile === 'unconfined') {
    problems.push('the Docker engine applies no seccomp profile to containers; enable seccomp (the default profile) before running tools');
  }
  if (!runcIsPatched(facts.runcVersion, facts.runcBuild)) {
    const runc = `runc ${facts.runcVersion ?? '(version unknown)'}${facts.runcBuild ? ` (${facts.runcBuild})` : ''}`;
    const problem = `${runc} is older than ${MIN_RUNC_VERSION} and open to CVE-2024-21626 (container escape); upgrade runc`;
    (options.allowUnpatchedRunc ? waived : problems).push(problem);
  }
  return { engineVersion: facts.engineVersion, runcVersion: facts.runcVersion, seccompProfile, problems, waived };
}

/** Asks the engine for the facts the preflight needs. */
export async function engineFacts(docker: Docker): Promise<EngineFacts> {
  const [version, info] = await Promise.all([docker.version(), docker.info() as Promise<{ RuncCommit?: { ID?: string }; SecurityOptions?: string[] }>]);
  const runc = version.Components?.find((c) => c.Name === 'runc');
  return {
    engineVersion: version.Version,
    runcVersion: runc?.Version ?? null,
    runcBuild: runc?.Details?.GitCommit || info.RuncCommit?.ID || null,
    securityOptions: info.SecurityOptions ?? [],
  };
}
