import { compareRuncVersions, decideEnginePreflight, type EngineFacts, runcIsPatched } from './engine-preflight';

const facts = (over: Partial<EngineFacts> = {}): EngineFacts => ({
  engineVersion: '27.1.0',
  runcVersion: '1.1.12',
  runcBuild: 'v1.1.12-0-g51d5e94',
  securityOptions: ['name=seccomp,profile=builtin', 'name=cgroupns'],
  ...over,
});

describe('runc version preflight (CVE-2024-21626)', () => {
  it('compares major.minor.patch numerically, ignoring build suffixes', () => {
    expect(compareRuncVersions('1.1.11', '1.1.12')).toBe(-1);
    expect(compareRuncVersions('1.1.12', '1.1.12')).toBe(0);
    expect(compareRuncVersions('v1.1.12', '1.1.12')).toBe(0);
    expect(compareRuncVersions('1.1.13+ds1', '1.1.12')).toBe(1);
    expect(compareRuncVersions('1.2.0', '1.1.12')).toBe(1);
    expect(compareRuncVersions('1.0.99', '1.1.12')).toBe(-1);
    expect(compareRuncVersions('1.1.5', '1.1.12')).toBe(-1); // not a string comparison
  });

  it('accepts ≥ 1.1.12 and known patched distribution builds, refuses older and unknown versions', () => {
    expect(runcIsPatched('1.1.12', null)).toBe(true);
    expect(runcIsPatched('1.2.5', null)).toBe(true);
    expect(runcIsPatched('1.1.11', 'v1.1.11-0-g4bccb38')).toBe(false);
    expect(runcIsPatched('1.1.5+ds1', '1.1.5+ds1-1+deb12u1')).toBe(true);
    expect(runcIsPatched('1.1.5+ds1', '1.1.5+ds1-1')).toBe(false);
    expect(runcIsPatched(null, null)).toBe(false);
    expect(runcIsPatched('unknown', null)).toBe(false);
  });

  it('refuses sandbox work on an unpatched runc with a clear message, unless the operator waives it', () => {
    const old = facts({ runcVersion: '1.1.11', runcBuild: 'v1.1.11-0-g4bccb38' });
    expect(decideEnginePreflight(old).problems).toEqual([expect.stringMatching(/runc 1\.1\.11 .* older than 1\.1\.12 .*CVE-2024-21626/)]);
    const waived = decideEnginePreflight(old, { allowUnpatchedRunc: true });
    expect(waived.problems).toEqual([]);
    expect(waived.waived).toHaveLength(1);
    expect(decideEnginePreflight(facts())).toMatchObject({ problems: [], waived: [], runcVersion: '1.1.12', seccompProfile: 'builtin' });
  });

  it('refuses an engine that applies no seccomp profile, with or without the runc waiver', () => {
    for (const securityOptions of [[], ['name=seccomp,profile=unconfined'], ['name=apparmor']]) {
      const d = decideEnginePreflight(facts({ securityOptions }), { allowUnpatchedRunc: true });
      expect(d.problems).toEqual([expect.stringMatching(/no seccomp profile/)]);
    }
    expect(decideEnginePreflight(facts({ securityOptions: ['name=seccomp'] })).seccompProfile).toBe('default');
  });
});
