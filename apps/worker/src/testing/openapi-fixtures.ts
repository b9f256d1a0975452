/** A small OpenAPI 3.0 document exercising what the proxy supports (and one operation it refuses). Tests only. */
export const PETS_SPEC = {
  openapi: '3.0.3',
  info: { title: 'Pets', version: '1.0.0' },
  servers: [{ url: 'http://{env}.pets.test/v1', variables: { env: { default: 'api' } } }],
  paths: {
    '/pets/{petId}': {
      parameters: [{ name: 'petId', in: 'path', required: true, description: 'The pet id.', schema: { type: 'string' } }],
      get: {
        operationId: 'getPet',
        summary: 'Get one pet',
        parameters: [
          { name: 'fields', in: 'query', schema: { type: 'array', items: { type: 'string' } } },
          { name: 'verbose', in: 'query', schema: { type: 'boolean' } },
          { name: 'X-Trace', in: 'header', schema: { type: 'string' } },
        ],
        responses: { '200': { description: 'The pet' } },
      },
    },
    '/pets': {
      get: {
        operationId: 'listPets',
        parameters: [
          { name: 'tags', in: 'query', explode: false, schema: { type: 'array', items: { type: 'string' } } },
          { name: 'limit', in: 'query', required: true, schema: { type: 'integer', minimum: 1, maximum: 100, format: 'int32' } },
        ],
        responses: { '200': { description: 'Pets' } },
      },
      post: {
        operationId: 'createPet',
        summary: 'Add a pet',
        requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/NewPet' } } } },
        responses: { '201': { description: 'Created' } },
      },
    },
    '/admin/reset': {
      post: {
        operationId: 'resetEverything',
        parameters: [{ name: 'X-Api-Key', in: 'header', required: true, schema: { type: 'string' } }],
        responses: { '204': { description: 'Reset' } },
      },
    },
  },
  components: {
    schemas: {
      NewPet: {
        type: 'object',
        required: ['name'],
        additionalProperties: false,
        properties: {
          name: { type: 'string', minLength: 1, example: 'Rex' },
          tag: { type: 'string', nullable: true },
          age: { type: 'integer', minimum: 0, exclusiveMinimum: true },
        },
      },
    },
  },
};
