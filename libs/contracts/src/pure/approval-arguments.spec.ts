import { ARGUMENTS_PREVIEW_LIMITS, argumentsPreview, maskSecretValues, PREVIEW_TRUNCATION_MARK, previewIsTruncated, utf8Length } from './approval-arguments';
import { canonicalJson } from './canonical-json';

const OPENAI_KEY = 'sk-proj-abcdefghijklmnop1234';

describe('approval arguments: secrets are masked by value, never by key name', () => {
  it('keeps what keys named like secrets hold when the value is no known secret (passage, bypass, password, token)', () => {
    const args = { passage: 'It was a dark and stormy night', bypass: 'cache', password: 'see the vault', token_count: 12, api_key_name: 'OPENAI' };
    expect(maskSecretValues(args)).toEqual({ value: args, count: 0 });
    expect(argumentsPreview(args)).toEqual(args);
  });

  it('masks a known secret value wherever it sits, under any key name', () => {
    const { value, count } = maskSecretValues({ note: `use ${OPENAI_KEY} here`, headers: [{ h: 'Authorization: Bearer abc.def-ghi' }] });
    expect(count).toBe(2);
    expect(JSON.stringify(value)).not.toContain('abcdefghijklmnop1234');
    expect(JSON.stringify(value)).not.toContain('abc.def-ghi');
    expect(value).toEqual({ note: 'use sk-[redacted] here', headers: [{ h: 'Authorization: Bearer [redacted]' }] });
  });

  it.each([
    ['an OmniAI token', 'omni_pat_AbC123-_xyz', 'AbC123'],
    ['an invite', `inv_${'Q'.repeat(43)}`, 'QQQQ'],
    ['an xAI key', `xai-${'k'.repeat(40)}`, 'kkkk'],
    ['a Google key', `AIza${'G'.repeat(35)}`, 'GGGG'],
    ['a session cookie', 'omni_session=s3cr3tS3ss10n; x=1', 's3cr3tS3ss10n'],
  ])('masks %s in the preview', (_what, secret, part) => {
    expect(JSON.stringify(argumentsPreview({ any: secret }))).not.toContain(part);
  });
});

describe('approval arguments: the preview says where it was cut', () => {
  const { chars, items, keys } = ARGUMENTS_PREVIEW_LIMITS;

  it('cuts a long string and says how much is missing', () => {
    const preview = argumentsPreview({ code: 'x'.repeat(chars + 500) }) as { code: string };
    expect(preview.code.startsWith('x'.repeat(chars))).toBe(true);
    expect(preview.code).toContain(`${PREVIEW_TRUNCATION_MARK} 500 more characters]`);
    expect(previewIsTruncated(preview)).toBe(true);
  });

  it('cuts a long array and an object with many keys, and deep nesting', () => {
    const list = argumentsPreview(Array.from({ length: items + 3 }, (_, i) => i)) as unknown[];
    expect(list).toHaveLength(items + 1);
    expect(list[items]).toContain('3 more items');
    const many = argumentsPreview(Object.fromEntries(Array.from({ length: keys + 2 }, (_, i) => [`k${i}`, i])));
    expect(previewIsTruncated(many)).toBe(true);
    let deep: unknown = 'bottom';
    for (let i = 0; i < 30; i += 1) deep = [deep];
    expect(previewIsTruncated(argumentsPreview(deep))).toBe(true);
  });

  it('leaves small arguments whole, and then says they are whole', () => {
    const args = { code: 'print(6 * 7)', list: [1, 2, 3], nested: { a: { b: null } } };
    expect(argumentsPreview(args)).toEqual(args);
    expect(previewIsTruncated(argumentsPreview(args))).toBe(false);
  });

  it('recognizes the markers of previews written before D42', () => {
    expect(previewIsTruncated({ code: `${'x'.repeat(10)}… (2500 chars)` })).toBe(true);
    expect(previewIsTruncated({ deep: '…' })).toBe(true);
  });

  it('never changes what the full arguments hash to (the preview is a copy)', () => {
    const args = { code: 'y'.repeat(chars * 2), key: OPENAI_KEY };
    const before = canonicalJson(args);
    argumentsPreview(args);
    maskSecretValues(args);
    expect(canonicalJson(args)).toBe(before);
  });
});

describe('utf8Length', () => {
  it('counts UTF-8 bytes as Buffer does', () => {
    for (const s of ['', 'abc', 'é', '中文', '😀 x', '\ud800', 'a\udc00b']) expect(utf8Length(s)).toBe(Buffer.byteLength(s, 'utf8'));
  });
});
