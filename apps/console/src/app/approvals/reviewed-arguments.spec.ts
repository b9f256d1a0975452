import { argumentsPreview, canonicalJson, previewIsTruncated } from '@omniai/contracts/pure';
import { checkArguments, sha256Hex } from './reviewed-arguments';

// sha256 of the canonical JSON, as the worker computes it (`argumentsHash`), worked out independently.
const MIXED = { z: 1, a: ['é', '中文', '😀'], nested: { b: true, a: null } };
const MIXED_HASH = 'f76f9ee3f93e30c64174d8aa2137bf2c3929e392de6c299af6bd1511679cb26b';
const PRINT_2_HASH = 'efdfc9cb7c3eb9e6f6ba2aa9bcfc67b6dd5d4e236a9adec5f6f8641107455413';
const NAMED_LIKE_SECRETS = { passage: 'Call me Ishmael', bypass: 'no', password: 'not-a-known-shape', header: 'Authorization: Bearer omni_pat_abcdef123' };
const NAMED_LIKE_SECRETS_HASH = '76d296819806aa487d4963cea71607adc217ba679dc6ab76757c9aff13d47494';

describe('reviewed arguments (the approval view)', () => {
  it('computes the same sha256 as the worker, key order and non-ASCII included', async () => {
    expect(await sha256Hex(canonicalJson(MIXED))).toBe(MIXED_HASH);
    expect((await checkArguments(MIXED, MIXED_HASH)).matches).toBe(true);
  });

  it('shows long strings and long arrays complete, with the byte count of what the hash covers', async () => {
    const args = { code: 'x'.repeat(50_000), rows: Array.from({ length: 1_000 }, (_, i) => i) };
    expect(previewIsTruncated(argumentsPreview(args))).toBe(true);
    const checked = await checkArguments(args, await sha256Hex(canonicalJson(args)));
    expect(checked.matches).toBe(true);
    expect(JSON.parse(checked.text)).toEqual(args);
    expect(checked.bytes).toBe(new TextEncoder().encode(canonicalJson(args)).length);
  });

  it('refuses arguments that are not the ones the decision binds', async () => {
    const checked = await checkArguments({ code: 'print(1)' }, PRINT_2_HASH);
    expect(checked.matches).toBe(false);
  });

  it('keeps values under secret-sounding keys visible, masks known secret values, and hashes the unmasked arguments', async () => {
    const checked = await checkArguments(NAMED_LIKE_SECRETS, NAMED_LIKE_SECRETS_HASH);
    expect(checked.matches).toBe(true);
    const shown = JSON.parse(checked.text) as Record<string, string>;
    expect(shown).toMatchObject({ passage: 'Call me Ishmael', bypass: 'no', password: 'not-a-known-shape' });
    expect(shown['header']).toBe('Authorization: Bearer [redacted]');
    expect(checked.text).not.toContain('abcdef123');
    expect(checked.masked).toBe(1);
  });
});
