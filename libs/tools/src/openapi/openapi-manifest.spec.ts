import { describeOperation, manifestForOperation, OpenApiOperationError, openApiToolId, operationIds } from './openapi-manifest';
import { ToolManifest } from '@omniai/contracts';

const doc = (paths: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  openapi: '3.1.0',
  info: { title: 't', version: '1' },
  servers: [{ url: 'https://api.example.com/base/' }],
  paths,
  ...extra,
});
const op = (operationId: string, more: Record<string, unknown> = {}) => ({ operationId, responses: {}, ...more });
const refusal = (fn: () => unknown) => {
  try {
    fn();
    return 'accepted';
  } catch (err) {
    return err instanceof OpenApiOperationError ? err.message : `not an OpenApiOperationError: ${String(err)}`;
  }
};

describe('openApiToolId', () => {
  it('lower-cases and replaces what a tool id cannot hold', () => {
    expect(openApiToolId('pets', 'getPetById')).toBe('api.pets.getpetbyid');
    expect(openApiToolId('pets', 'pets/list all')).toBe('api.pets.pets_list_all');
    expect(openApiToolId('pets', '--x--')).toBe('api.pets.x');
    expect(refusal(() => openApiToolId('pets', '...'))).toContain('no letters or digits');
  });

  it('keeps ids within 62 characters, with a hash suffix that tells long ids apart', () => {
    const a = openApiToolId('a-long-spec-name', `x${'y'.repeat(80)}A`);
    const b = openApiToolId('a-long-spec-name', `x${'y'.repeat(80)}B`);
    expect(a.length).toBeLessThanOrEqual(62);
    expect(a).not.toBe(b);
    expect(a).toMatch(/^api\.a-long-spec-name\.xy+_[0-9a-f]{8}$/);
  });
});

describe('manifestForOperation', () => {
  it('derives a valid manifest bound to the operation, with the server host as the only egress host', () => {
    const spec = doc({
      '/items/{id}': { get: op('getItem', { summary: 'Get an item', parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'integer' } }] }) },
    });
    const m = manifestForOperation('shop', spec, 'getItem');
    expect(ToolManifest.parse(m)).toEqual(m);
    expect(m).toMatchObject({
      id: 'api.shop.getitem',
      version: '1.0.0',
      binding: { type: 'openapi_proxy', spec_ref: 'shop', operation_id: 'getItem' },
      risk: { side_effect: 'read', scopes: ['read_web'], egress_hosts: ['api.example.com'] },
    });
    expect(m.description).toContain('Get an item — calls GET api.example.com/items/{id}');
    expect(describeOperation(spec, 'getItem').serverUrl).toBe('https://api.example.com/base');
  });

  it.each(['post', 'put', 'patch', 'delete'])('%s is an external write', (method) => {
    const m = manifestForOperation('s', doc({ '/x': { [method]: op('change') } }), 'change');
    expect(m.risk).toMatchObject({ side_effect: 'external_write', scopes: ['write_web'] });
  });

  it('inlines local $refs (parameters, bodies, schemas) and translates OpenAPI 3.0 keywords', () => {
    const spec = doc(
      {
        '/things': {
          post: op('make', {
            parameters: [{ $ref: '#/components/parameters/Dry' }],
            requestBody: { $ref: '#/components/requestBodies/Thing' },
          }),
        },
      },
      {
        components: {
          parameters: { Dry: { name: 'dry_run', in: 'query', schema: { type: 'boolean' } } },
          requestBodies: { Thing: { required: true, content: { 'application/json; charset=utf-8': { schema: { $ref: '#/components/schemas/Thing' } } } } },
          schemas: {
            Thing: {
              type: 'object',
              properties: {
                n: { type: 'number', maximum: 5, exclusiveMaximum: true },
                label: { type: 'string', nullable: true, example: 'x', format: 'made-up' },
              },
            },
          },
        },
      },
    );
    const m = manifestForOperation('s', spec, 'make');
    expect(m.input_schema).toMatchObject({
      required: ['body'],
      properties: {
        query: { properties: { dry_run: { type: 'boolean' } }, required: [], additionalProperties: false },
        body: { type: 'object', properties: { n: { type: 'number', exclusiveMaximum: 5 }, label: { type: ['string', 'null'] } } },
      },
    });
    expect(JSON.stringify(m.input_schema)).not.toMatch(/\$ref|example|made-up|nullable/);
    expect(describeOperation(spec, 'make').body?.mediaType).toBe('application/json');
  });

  it.each([
    [
      'a required header',
      { '/x': { get: op('o', { parameters: [{ name: 'X-Key', in: 'header', required: true, schema: { type: 'string' } }] }) } },
      'sends no headers',
    ],
    [
      'a required cookie',
      { '/x': { get: op('o', { parameters: [{ name: 's', in: 'cookie', required: true, schema: { type: 'string' } }] }) } },
      'sends no cookies',
    ],
    [
      'an object in the path',
      { '/x/{p}': { get: op('o', { parameters: [{ name: 'p', in: 'path', required: true, schema: { type: 'object' } }] }) } },
      'string, number or boolean',
    ],
    ['an undescribed path placeholder', { '/x/{p}': { get: op('o') } }, 'no path parameter describes it'],
    [
      'a deepObject query',
      { '/x': { get: op('o', { parameters: [{ name: 'f', in: 'query', style: 'deepObject', schema: { type: 'object' } }] }) } },
      'only form',
    ],
    ['a required non-JSON body', { '/x': { post: op('o', { requestBody: { required: true, content: { 'multipart/form-data': {} } } }) } }, 'must be JSON'],
    [
      'a remote $ref',
      { '/x': { post: op('o', { requestBody: { content: { 'application/json': { schema: { $ref: 'https://evil.test/s.json' } } } } }) } },
      'outside the document',
    ],
    [
      'a recursive schema',
      { '/x': { post: op('o', { requestBody: { content: { 'application/json': { schema: { $ref: '#/components/schemas/Node' } } } } }) } },
      'recursive',
    ],
    ['TRACE', { '/x': { trace: op('o') } }, 'not supported'],
    ['an unknown operation', { '/x': { get: op('other') } }, 'no operation has operationId'],
    ['a duplicated operationId', { '/x': { get: op('o') }, '/y': { get: op('o') } }, 'more than one operation'],
  ])('refuses %s', (_name, paths, why) => {
    const spec = doc(paths, { components: { schemas: { Node: { type: 'object', properties: { next: { $ref: '#/components/schemas/Node' } } } } } });
    expect(refusal(() => manifestForOperation('s', spec, 'o'))).toContain(why);
  });

  it.each([
    ['a relative server', [{ url: '/v1' }], 'absolute http(s) URL'],
    ['a file server', [{ url: 'file:///etc' }], 'absolute http(s) URL'],
    ['credentials in the server URL', [{ url: 'https://u:p@api.example.com' }], 'credentials'],
    ['a variable without default', [{ url: 'https://{region}.example.com' }], 'without a default'],
    ['no server', [], 'names no server'],
  ])('refuses %s', (_name, servers, why) => {
    expect(refusal(() => manifestForOperation('s', doc({ '/x': { get: op('o') } }, { servers }), 'o'))).toContain(why);
  });

  it('refuses an operation whose schemas use patterns RE2 cannot run (D43)', () => {
    const spec = doc({
      '/a/{id}': { get: op('getA', { parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string', pattern: '^(?=x)x$' } }] }) },
    });
    expect(refusal(() => manifestForOperation('s', spec, 'getA'))).toMatch(
      /^getA: the input schema cannot be used: the pattern "\^\(\?=x\)x\$" is not supported/,
    );
  });

  it('lists operationIds in document order, duplicates included', () => {
    expect(operationIds(doc({ '/a': { get: op('a'), post: op('b'), parameters: [] }, '/c': { get: op('a') } }))).toEqual(['a', 'b', 'a']);
  });
});
