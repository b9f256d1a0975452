import { MockActivityEnvironment } from '@temporalio/testing';
import type { PreparedToolCall, ToolManifest } from '@omniai/contracts';
import type { ArtifactStore, PolicyStore } from '@omniai/store';
import { JsonValidatorPool, manifestHash } from '@omniai/tools';
import { ToolCatalog } from '../tools/tool-catalog';
import { createToolPrepActivities, type ToolActivityDeps } from './tool-activities';

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

describe('prepareToolCall: argument validation off the event loop (D42)', () => {
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
