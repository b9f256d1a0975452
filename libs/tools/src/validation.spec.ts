import { SCHEMA_LIMITS } from '@omniai/contracts';
import { JsonValidatorPool, MAX_FIELD_ERRORS, schemaProblem, validateJson } from './validation';

/** The classic catastrophic-backtracking pattern: exponential in a backtracking engine, linear in RE2. */
const EVIL = { type: 'string', pattern: '^(a+)+$' };
const EVIL_INPUT = `${'a'.repeat(40)}b`;

describe('schema validation (D43)', () => {
  let pool: JsonValidatorPool;
  beforeAll(() => {
    pool = new JsonValidatorPool({ size: 2 });
  });
  afterAll(() => pool.close());

  it('runs patterns with RE2: a catastrophic-backtracking pattern answers at once', async () => {
    // Under a deadline: a backtracking engine would run for hours here, and the deadline would answer E_VALIDATION_TIMEOUT.
    await expect(pool.validate(EVIL, EVIL_INPUT, 1_000)).resolves.toEqual({ ok: false, code: 'E_VALIDATION', message: '(root): must match pattern "^(a+)+$"' });
    await expect(pool.validate(EVIL, 'aaaa')).resolves.toEqual({ ok: true });
  });

  it('keeps ECMAScript pattern syntax working (named groups, \\u escapes, patternProperties)', () => {
    const schema = {
      type: 'object',
      properties: { date: { type: 'string', pattern: '^(?<y>\\d{4})-\\d{2}$' }, e: { type: 'string', pattern: '^\\u00e9+$' } },
      patternProperties: { '^x-[a-z]+$': { type: 'integer' } },
    };
    expect(validateJson(schema, { date: '2025-01', e: 'éé', 'x-a': 1 })).toEqual({ ok: true });
    expect(validateJson(schema, { date: '25-01' })).toEqual({ ok: false, message: 'date: must match pattern "^(?<y>\\d{4})-\\d{2}$"' });
    expect(validateJson(schema, { 'x-a': 'no' })).toEqual({ ok: false, message: 'x-a: must be integer' });
  });

  it('cuts a validation that runs past its deadline, and the pool keeps working', async () => {
    // uniqueItems over objects is quadratic in Ajv: seconds of work for 8 000 items, whatever the patterns.
    const slow = { type: 'array', uniqueItems: true, items: { type: 'object' } };
    const items = Array.from({ length: 8_000 }, (_, i) => ({ i }));
    const started = Date.now();
    await expect(pool.validate(slow, items, 200)).resolves.toEqual({
      ok: false,
      code: 'E_VALIDATION_TIMEOUT',
      message: 'validating against the schema took longer than 200 ms and was stopped',
    });
    expect(Date.now() - started).toBeLessThan(5_000);
    await expect(pool.validate({ type: 'integer' }, 'x')).resolves.toEqual({ ok: false, code: 'E_VALIDATION', message: '(root): must be integer' });
  });

  it('answers a schema it cannot compile as a validation failure', async () => {
    await expect(pool.validate({ type: 'string', pattern: '^(a)\\1$' }, 'aa')).resolves.toMatchObject({
      ok: false,
      code: 'E_VALIDATION',
      message: expect.stringContaining('the pattern "^(a)\\\\1$" is not supported'),
    });
  });

  it('stops at the first failing field unless asked for all of them', async () => {
    const schema = {
      type: 'object',
      required: ['name'],
      properties: { name: { type: 'string' }, age: { type: 'integer' }, tags: { type: 'array', items: { type: 'string' } } },
      additionalProperties: false,
    };
    const value = { age: 'old', tags: ['a', 3], extra: true };
    await expect(pool.validate(schema, value)).resolves.toEqual({ ok: false, code: 'E_VALIDATION', message: "(root): must have required property 'name'" });
    await expect(pool.validate(schema, value, { allErrors: true })).resolves.toEqual({
      ok: false,
      code: 'E_VALIDATION',
      message: "(root): must have required property 'name'",
      errors: [
        { path: '(root)', message: "must have required property 'name'" },
        { path: '(root)', message: 'must NOT have additional properties (extra)' },
        { path: 'age', message: 'must be integer' },
        { path: 'tags.1', message: 'must be string' },
      ],
      total: 4,
    });
    await expect(pool.validate(schema, { name: 1 }, { allErrors: true })).resolves.toMatchObject({ ok: false, errors: [{ path: 'name' }], total: 1 });
    await expect(pool.validate(schema, { name: 'x', age: 3 }, { allErrors: true })).resolves.toEqual({ ok: true });
  });

  it('lists at most MAX_FIELD_ERRORS failing fields, counting them all', async () => {
    const schema = { type: 'array', items: { type: 'string' } };
    const result = await pool.validate(
      schema,
      Array.from({ length: 50 }, (_, i) => i),
      { allErrors: true },
    );
    expect(MAX_FIELD_ERRORS).toBe(20);
    expect(result).toMatchObject({ ok: false, code: 'E_VALIDATION', message: '0: must be string', total: 50 });
    const errors = result.ok ? [] : result.errors!;
    expect(errors).toHaveLength(20);
    expect(errors[19]).toEqual({ path: '19', message: 'must be string' });
  });

  it('keeps the deadline when asked for every failing field', async () => {
    const slow = { type: 'array', uniqueItems: true, items: { type: 'object' } };
    const items = Array.from({ length: 8_000 }, (_, i) => ({ i }));
    await expect(pool.validate(slow, items, { allErrors: true, timeoutMs: 200 })).resolves.toEqual({
      ok: false,
      code: 'E_VALIDATION_TIMEOUT',
      message: 'validating against the schema took longer than 200 ms and was stopped',
    });
    await expect(pool.validate({ type: 'integer', minimum: 5 }, 'x', { allErrors: true })).resolves.toEqual({
      ok: false,
      code: 'E_VALIDATION',
      message: '(root): must be integer',
      errors: [{ path: '(root)', message: 'must be integer' }],
      total: 1,
    });
  });

  it('runs validations side by side on the threads', async () => {
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => pool.validate({ type: 'integer', maximum: 4 }, i)));
    expect(results.filter((r) => r.ok)).toHaveLength(5);
  });
});

describe('schemaProblem: what registration refuses (D43)', () => {
  it('accepts an ordinary schema', () => {
    expect(schemaProblem({ type: 'object', properties: { q: { type: 'string', pattern: '^[a-z]+$', maxLength: 100 } } })).toBeUndefined();
  });

  it.each([
    ['a backreference', '^(a)\\1$'],
    ['a lookahead', '^(?=x)x$'],
    ['a lookbehind', '(?<!x)y'],
  ])('refuses %s, naming the pattern', (_what, pattern) => {
    expect(schemaProblem({ type: 'object', properties: { q: { type: 'string', pattern } } })).toContain(
      `the pattern ${JSON.stringify(pattern)} is not supported`,
    );
    expect(schemaProblem({ type: 'object', patternProperties: { [pattern]: {} } })).toContain('is not supported');
  });

  it('refuses a schema over the byte limit', () => {
    const big = { type: 'object', description: 'x'.repeat(SCHEMA_LIMITS.maxBytes) };
    expect(schemaProblem(big)).toMatch(/bytes of JSON, over the limit of 65536$/);
  });

  it('refuses a schema nested too deeply', () => {
    let deep: Record<string, unknown> = { type: 'string' };
    for (let i = 0; i < SCHEMA_LIMITS.maxDepth; i++) deep = { type: 'array', items: deep };
    expect(schemaProblem(deep)).toBe(`the schema nests deeper than ${SCHEMA_LIMITS.maxDepth} levels`);
  });

  it('refuses too many patterns, and a pattern too long', () => {
    const properties = Object.fromEntries(Array.from({ length: SCHEMA_LIMITS.maxPatterns + 1 }, (_, i) => [`p${i}`, { type: 'string', pattern: 'a' }]));
    expect(schemaProblem({ type: 'object', properties })).toBe(
      `the schema has ${SCHEMA_LIMITS.maxPatterns + 1} patterns, over the limit of ${SCHEMA_LIMITS.maxPatterns}`,
    );
    expect(schemaProblem({ type: 'string', pattern: 'a'.repeat(SCHEMA_LIMITS.maxPatternLength + 1) })).toMatch(/characters, over the limit of 512$/);
  });

  it('does not take data for patterns (enum, const, default, examples)', () => {
    expect(schemaProblem({ type: 'object', enum: [{ pattern: '(a)\\1' }], default: { pattern: '(?=x)' } })).toBeUndefined();
  });
});
