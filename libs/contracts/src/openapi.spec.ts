import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { ERROR_HTTP_STATUS } from './errors';
import { buildOpenApiDocument, type OpenApiDocument } from './openapi';
import { API_ROUTES } from './routes';

const ROOT = join(__dirname, '..', '..', '..');
const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
const ENVELOPE_REF = '#/components/schemas/ErrorEnvelope';

/** JSON pointer of the first place where two JSON values differ, for a readable failure. */
function firstDifference(a: unknown, b: unknown, at = ''): string | null {
  if (isDeepStrictEqual(a, b)) return null;
  if (a && b && typeof a === 'object' && typeof b === 'object' && Array.isArray(a) === Array.isArray(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const key of keys) {
      const diff = firstDifference(
        (a as Record<string, unknown>)[key],
        (b as Record<string, unknown>)[key],
        `${at}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`,
      );
      if (diff !== null) return diff;
    }
  }
  return at || '/';
}

function refsIn(value: unknown, into: string[] = []): string[] {
  if (Array.isArray(value)) value.forEach((v) => refsIn(v, into));
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) k === '$ref' && typeof v === 'string' ? into.push(v) : refsIn(v, into);
  }
  return into;
}

describe('docs/openapi.json', () => {
  // Round-tripped through JSON, exactly as the file is written.
  const doc = JSON.parse(JSON.stringify(buildOpenApiDocument(version))) as OpenApiDocument;

  it('matches the contracts (run `npm run openapi` when this fails)', () => {
    const committed: unknown = JSON.parse(readFileSync(join(ROOT, 'docs/openapi.json'), 'utf8'));
    const diff = firstDifference(committed, doc);
    if (diff !== null) throw new Error(`docs/openapi.json is stale (first difference at ${diff}): run \`npm run openapi\` and commit the result.`);
  });

  it('is generated deterministically', () => {
    expect(JSON.stringify(buildOpenApiDocument(version))).toBe(JSON.stringify(buildOpenApiDocument(version)));
  });

  it('looks like an OpenAPI 3.1 document', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info).toEqual(expect.objectContaining({ title: expect.any(String), version }));
    expect(Object.keys(doc.paths).length).toBeGreaterThan(0);
    for (const [path, item] of Object.entries(doc.paths)) {
      expect(path).toMatch(/^\//);
      for (const op of Object.values(item)) expect(Object.keys(op.responses).length).toBeGreaterThan(0);
    }
    for (const [name, schema] of Object.entries(doc.components.schemas)) {
      // `$id` would rebase every $ref inside the schema.
      expect([name, '$id' in schema, '$schema' in schema]).toEqual([name, false, false]);
    }
    for (const ref of refsIn(doc)) {
      expect(ref).toMatch(/^#\/components\/schemas\//);
      expect(Object.keys(doc.components.schemas)).toContain(ref.slice('#/components/schemas/'.length));
    }
  });

  it('has an operation for every route, with its path parameters and success status, and no other', () => {
    const operations = Object.values(doc.paths).flatMap((item) => Object.values(item));
    expect(operations).toHaveLength(API_ROUTES.length);
    for (const route of API_ROUTES) {
      const op = doc.paths[route.path]?.[route.method];
      expect([route.method, route.path, op?.operationId]).toEqual([route.method, route.path, route.operationId]);
      const placeholders = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      expect(op!.parameters?.filter((p) => p.in === 'path').map((p) => p.name) ?? []).toEqual(placeholders);
      const success = op!.responses[route.status]!;
      const media = route.sse ? ['text/event-stream'] : route.raw ? [...route.raw.mediaTypes] : route.empty ? [] : ['application/json'];
      expect(Object.keys(success.content ?? {})).toEqual(media);
      if (route.sse) expect(Object.keys(success.content!['text/event-stream']!['x-sse-events'] ?? {})).toEqual(route.events.map((e) => e.event));
      if (route.body) expect(op!.requestBody?.content['application/json']?.schema).toBeDefined();
    }
  });

  it('answers every error with an ErrorEnvelope, under a status some error code maps to', () => {
    const statuses = new Set(Object.values(ERROR_HTTP_STATUS));
    for (const route of API_ROUTES) {
      const responses = doc.paths[route.path]![route.method]!.responses;
      const errors = Object.keys(responses).filter((s) => Number(s) >= 400);
      // A guarded route also documents 401, 403 and 429 (the guard's answers), besides its own errors.
      const implied = route.access === 'public' ? [] : ['401', '403', '429'];
      expect(errors).toEqual([...new Set([...implied, ...Object.keys(route.errors)])].sort());
      expect(doc.paths[route.path]![route.method]!.security).toEqual(route.access === 'public' ? [] : [expect.any(Object)]);
      for (const status of errors) {
        expect(statuses.has(Number(status))).toBe(true);
        expect([route.method, route.path, status, responses[status]!.content?.['application/json']?.schema]).toEqual([
          route.method,
          route.path,
          status,
          { $ref: ENVELOPE_REF },
        ]);
      }
    }
  });
});

describe('API_ROUTES', () => {
  it('declares each method and path once, with unique operation ids', () => {
    const keys = API_ROUTES.map((r) => `${r.method.toUpperCase()} ${r.path}`);
    expect(keys.filter((k, i) => keys.indexOf(k) !== i)).toEqual([]);
    const ids = API_ROUTES.map((r) => r.operationId);
    expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
  });
});
