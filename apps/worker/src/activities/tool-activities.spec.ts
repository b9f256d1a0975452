import { createHash } from 'node:crypto';
import { MockActivityEnvironment } from '@temporalio/testing';
import { canonicalJson, type Policy, type PreparedToolCall, type ToolManifest } from '@omniai/contracts';
import type { DockerSandbox } from '@omniai/sandbox';
import type { ArtifactStore, PolicyStore } from '@omniai/store';
import { JsonValidatorPool, manifestHash } from '@omniai/tools';
import { pythonComputeManifest } from '../tools/python-compute';
import { ToolCatalog, manifestHashOf } from '../tools/tool-catalog';
import { createToolPrepActivities, type ToolActivityDeps } from './tool-activities';

const previewValidator = new JsonValidatorPool({ size: 1, timeoutMs: 5_000 });
afterAll(() => previewValidator.close());

const pythonManifest = pythonComputeManifest('omniai/sandbox@sha256:' + 'a'.repeat(64), 'test');
const policy: Policy = {
  grants: [{ level: 'workspace', subject: '*', scopes: pythonManifest.risk.scopes, require_approval: true }],
  kill_switch_external_writes: false,
};

function prepare(args: unknown): Promise<PreparedToolCall> {
  const activities = createToolPrepActivities({
    catalog: new ToolCatalog().add(pythonManifest),
    policies: { get: async () => policy } as unknown as PolicyStore,
    // The claim-check itself is the store's (tested there): here the value stays inline.
    artifacts: { claimCheck: async (value: unknown) => ({ inline: value }) } as unknown as ArtifactStore,
    sandbox: {} as DockerSandbox,
    validator: previewValidator,
  });
  const input = {
    run_id: '00000000-0000-4000-8000-000000000002',
    project_id: '00000000-0000-4000-8000-000000000001',
    call: { id: 'c1', tool_id: pythonManifest.id, arguments: JSON.stringify(args) },
    tools: [{ id: pythonManifest.id, version: pythonManifest.version, manifest_hash: manifestHashOf(pythonManifest) }],
    requested_by: { type: 'user' as const, id: 'ada@example.com' },
  };
  return new MockActivityEnvironment().run(() => activities.prepareToolCall(input));
}

describe('prepareToolCall: what a reviewer is shown (D42)', () => {
  it('hides nothing under a secret-sounding key name, masks a known secret value, and hashes the full arguments', async () => {
    const code = `passage = "x" * 3\nbypass = True\npassword_hint = "ask Ada"\nkey = "sk-live-abcdefghij0123456789"\n${'#'.repeat(3_000)}`;
    const prepared = await prepare({ code });
    expect(prepared.invalid).toBeNull();
    expect(prepared.arguments_hash).toBe(createHash('sha256').update(canonicalJson({ code })).digest('hex'));
    const preview = (prepared.arguments_redacted as { code: string }).code;
    expect(preview).toContain('passage = "x" * 3');
    expect(preview).toContain('bypass = True');
    expect(preview).toContain('password_hint = "ask Ada"');
    expect(preview).not.toContain('abcdefghij0123456789');
    // Cut, and saying so.
    expect(preview).toContain('[truncated in preview:');
    expect(prepared.arguments).toEqual({ inline: { code } });
  });
});

const manifest: ToolManifest = {
  id: 'test.slow_schema',
  version: '1.0.0',
  description: 'A tool whose input schema is slow to check (uniqueItems over objects is quadratic).',
  input_schema: {
    type: 'object',
    properties: { items: { type: 'array', uniqueItems: true, items: { type: 'object' } }, word: { type: 'string', pattern: '^(a+)+$' } },
  },
  output_schema: { type: 'object' },
  risk: { side_effect: 'read', scopes: [], egress_hosts: [], limits: { timeout_ms: 1_000, memory_mb: 64, cpus: 1 } },
  binding: { type: 'inproc_safe', builtin: 'test' },
};

describe('prepareToolCall: argument validation off the event loop (D43)', () => {
  const validator = new JsonValidatorPool({ size: 1, timeoutMs: 300 });
  const policy = jest.fn(async () => ({ grants: [], kill_switch_external_writes: false }));
  const deps = {
    catalog: new ToolCatalog().add(manifest, async () => ({})),
    policies: { get: policy } as unknown as PolicyStore,
    artifacts: { claimCheck: async (value: unknown) => ({ inline: value }) } as unknown as ArtifactStore,
    sandbox: {} as ToolActivityDeps['sandbox'],
    validator,
  } satisfies ToolActivityDeps;
  const { prepareToolCall } = createToolPrepActivities(deps);
  const prepare = (args: unknown) =>
    new MockActivityEnvironment().run(prepareToolCall, {
      run_id: 'r',
      project_id: 'p',
      call: { id: 'c1', tool_id: manifest.id, arguments: JSON.stringify(args) },
      tools: [{ id: manifest.id, version: manifest.version, manifest_hash: manifestHash(manifest) }],
      requested_by: { type: 'user' as const, id: 'u' },
    }) as Promise<PreparedToolCall>;

  afterAll(() => validator.close());
  beforeEach(() => policy.mockClear());

  it('fails a call whose validation runs past the deadline with E_VALIDATION_TIMEOUT, before the policy is asked', async () => {
    const prepared = await prepare({ items: Array.from({ length: 6_000 }, (_, i) => ({ i })) });
    expect(prepared.invalid).toEqual({
      code: 'E_VALIDATION_TIMEOUT',
      message: 'Invalid input for test.slow_schema: validating against the schema took longer than 300 ms and was stopped',
    });
    expect(prepared.decision.decision).toBe('deny');
    expect(policy).not.toHaveBeenCalled();
  });

  it('answers a catastrophic-backtracking pattern at once (RE2) as an ordinary validation error', async () => {
    const prepared = await prepare({ word: `${'a'.repeat(40)}b` });
    expect(prepared.invalid).toEqual({ code: 'E_VALIDATION', message: 'Invalid input for test.slow_schema: word: must match pattern "^(a+)+$"' });
  });

  it('lets valid arguments through to the policy', async () => {
    const prepared = await prepare({ word: 'aaa' });
    expect(prepared.invalid).toBeNull();
    expect(policy).toHaveBeenCalled();
  });
});
