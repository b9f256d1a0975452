import { createHash } from 'node:crypto';
import { MockActivityEnvironment } from '@temporalio/testing';
import { canonicalJson, type Policy, type PreparedToolCall } from '@omniai/contracts';
import type { DockerSandbox } from '@omniai/sandbox';
import type { ArtifactStore, PolicyStore } from '@omniai/store';
import { pythonComputeManifest } from '../tools/python-compute';
import { ToolCatalog, manifestHashOf } from '../tools/tool-catalog';
import { createToolPrepActivities } from './tool-activities';

const manifest = pythonComputeManifest('omniai/sandbox@sha256:' + 'a'.repeat(64), 'test');
const policy: Policy = {
  grants: [{ level: 'workspace', subject: '*', scopes: manifest.risk.scopes, require_approval: true }],
  kill_switch_external_writes: false,
};

function prepare(args: unknown): Promise<PreparedToolCall> {
  const activities = createToolPrepActivities({
    catalog: new ToolCatalog().add(manifest),
    policies: { get: async () => policy } as unknown as PolicyStore,
    // The claim-check itself is the store's (tested there): here the value stays inline.
    artifacts: { claimCheck: async (value: unknown) => ({ inline: value }) } as unknown as ArtifactStore,
    sandbox: {} as DockerSandbox,
  });
  const input = {
    run_id: '00000000-0000-4000-8000-000000000002',
    project_id: '00000000-0000-4000-8000-000000000001',
    call: { id: 'c1', tool_id: manifest.id, arguments: JSON.stringify(args) },
    tools: [{ id: manifest.id, version: manifest.version, manifest_hash: manifestHashOf(manifest) }],
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
