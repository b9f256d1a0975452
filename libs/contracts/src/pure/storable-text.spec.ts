import { REPLACEMENT_CHARACTER as R, storableJson, storableText } from './storable-text';

const utf8RoundTrips = (s: string) => Buffer.from(s, 'utf8').toString('utf8') === s;

describe('storableText', () => {
  it('replaces NUL', () => {
    expect(storableText('a\u0000b\u0000')).toBe(`a${R}b${R}`);
  });

  it('replaces a lone high surrogate, at the end and before other text', () => {
    expect(storableText('x\ud800')).toBe(`x${R}`);
    expect(storableText('\ud83dy')).toBe(`${R}y`);
    expect(storableText('\ud800\ud800\udc00')).toBe(`${R}\ud800\udc00`);
  });

  it('replaces a lone low surrogate, at the start and after other text', () => {
    expect(storableText('\udc00x')).toBe(`${R}x`);
    expect(storableText('y\ude00')).toBe(`y${R}`);
    expect(storableText('\ud800\udc00\udc00')).toBe(`\ud800\udc00${R}`);
  });

  it('keeps valid surrogate pairs and ordinary text untouched', () => {
    for (const s of ['', 'plain', 'emoji 😀 and 𝄞', 'é ü 中文', `already ${R}`]) expect(storableText(s)).toBe(s);
  });

  it('always yields text that survives UTF-8', () => {
    for (const s of ['\ud800', '\udfff', 'a\ud800\u0000\udc00b', '\udc00\ud800']) {
      const out = storableText(s);
      expect(utf8RoundTrips(out)).toBe(true);
      expect(out).not.toContain('\u0000');
    }
  });
});

describe('storableJson', () => {
  it('cleans nested values and keys, in objects and arrays', () => {
    const input = { 'k\u0000': ['ok', { deep: 'v\ud800', n: 1, b: true, z: null }], fine: 'x' };
    expect(storableJson(input)).toEqual({ [`k${R}`]: ['ok', { deep: `v${R}`, n: 1, b: true, z: null }], fine: 'x' });
    expect(input['k\u0000'][0]).toBe('ok');
  });

  it('returns the same object when nothing needs replacing', () => {
    const clean = { a: ['b', { c: 'd 😀' }], e: 1 };
    expect(storableJson(clean)).toBe(clean);
  });

  it('cleans a top-level string and leaves non-strings alone', () => {
    expect(storableJson('\u0000')).toBe(R);
    expect(storableJson(42)).toBe(42);
    expect(storableJson(undefined)).toBeUndefined();
  });

  it('makes JSON that Postgres jsonb accepts (no \\u0000, no lone surrogate escape)', () => {
    const text = JSON.stringify(storableJson({ a: 'x\u0000\ud800', b: ['\udc00'] }));
    expect(text).not.toMatch(/\\u0000|\\ud[89ab][0-9a-f]{2}(?!\\ud[c-f])|\\ud[c-f][0-9a-f]{2}/i);
  });
});
