import { createHash } from 'node:crypto';
import { argumentsPreview, canonicalJson, previewIsTruncated } from '@omniai/contracts/pure';
import { checkArguments, sha256Hex } from './reviewed-arguments';

const nodeHash = (args: unknown) => createHash('sha256').update(canonicalJson(args)).digest('hex');

describe('reviewed arguments (the approval view)', () => {
  it('computes the same sha256 as the worker, key order and non-ASCII included', async () => {
    const args = { z: 1, a: ['é', '中文', '😀'], nested: { b: true, a: null } };
    expect(await sha256Hex(canonicalJson(args))).toBe(nodeHash(args));
  });

  it('shows long strings and long arrays complete, and matches the bound hash', async () => {
    const args = { code: 'x'.repeat(50_000), rows: Array.from({ length: 1_000 }, (_, i) => i) };
    expect(previewIsTruncated(argumentsPreview(args))).toBe(true);
    const checked = await checkArguments(args, nodeHash(args));
    expect(checked.matches).toBe(true);
    expect(JSON.parse(checked.text)).toEqual(args);
    expect(checked.bytes).toBe(Buffer.byteLength(canonicalJson(args)));
  });

  it('refuses arguments that are not the ones the decision binds', async () => {
    const checked = await checkArguments({ code: 'print(1)' }, nodeHash({ code: 'print(2)' }));
    expect(checked.matches).toBe(false);
  });

  it('keeps values under secret-sounding keys visible, masks known secret values, and hashes the unmasked arguments', async () => {
    const args = { passage: 'Call me Ishmael', bypass: 'no', password: 'not-a-known-shape', header: 'Authorization: Bearer omni_pat_abcdef123' };
    const checked = await checkArguments(args, nodeHash(args));
    expect(checked.matches).toBe(true);
    const shown = JSON.parse(checked.text) as Record<string, string>;
    expect(shown).toMatchObject({ passage: 'Call me Ishmael', bypass: 'no', password: 'not-a-known-shape' });
    expect(shown['header']).toBe('Authorization: Bearer [redacted]');
    expect(checked.text).not.toContain('abcdef123');
    expect(checked.masked).toBe(1);
  });
});
