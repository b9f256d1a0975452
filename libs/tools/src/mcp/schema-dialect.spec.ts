import { validateJson } from '../validation';
import { isOldDialect, toDraft2020 } from './schema-dialect';

describe('toDraft2020', () => {
  it('leaves 2020-12 and undeclared schemas alone', () => {
    const schema = { type: 'object', properties: { a: { type: 'string' } } };
    expect(toDraft2020(schema)).toBe(schema);
    const declared = { $schema: 'https://json-schema.org/draft/2020-12/schema', type: 'object' };
    expect(toDraft2020(declared)).toBe(declared);
  });

  it('rewrites a draft-07 schema as the reference servers list it (zod-to-json-schema) so that it validates the same', () => {
    const listed = {
      $schema: 'http://json-schema.org/draft-07/schema#',
      type: 'object',
      properties: {
        message: { type: 'string', description: 'Message to echo' },
        pair: { type: 'array', items: [{ type: 'string' }, { type: 'number' }], additionalItems: false },
        point: { $ref: '#/definitions/point' },
        tags: { type: 'array', items: { type: 'string' }, default: ['items'] },
      },
      required: ['message'],
      additionalProperties: false,
      definitions: { point: { type: 'object', properties: { x: { type: 'number' } }, required: ['x'] } },
    };
    expect(isOldDialect(listed)).toBe(true);
    const schema = toDraft2020(listed);
    expect(schema['$schema']).toBeUndefined();
    expect(schema).toMatchObject({
      properties: {
        pair: { prefixItems: [{ type: 'string' }, { type: 'number' }], items: false },
        point: { $ref: '#/$defs/point' },
        tags: { default: ['items'] },
      },
      $defs: { point: { required: ['x'] } },
    });
    expect(validateJson(schema, { message: 'hi', pair: ['a', 1], point: { x: 1 } })).toEqual({ ok: true });
    expect(validateJson(schema, { message: 'hi', pair: ['a', 1, 'extra'] }).ok).toBe(false);
    expect(validateJson(schema, { message: 'hi', point: {} }).ok).toBe(false);
    expect(validateJson(schema, {}).ok).toBe(false);
  });

  it("turns draft-04's boolean exclusive bounds into numbers", () => {
    const schema = toDraft2020({ $schema: 'http://json-schema.org/draft-04/schema#', type: 'number', minimum: 0, exclusiveMinimum: true, maximum: 10 });
    expect(schema).toEqual({ type: 'number', exclusiveMinimum: 0, maximum: 10 });
    expect(validateJson(schema, 0).ok).toBe(false);
    expect(validateJson(schema, 10)).toEqual({ ok: true });
  });
});
