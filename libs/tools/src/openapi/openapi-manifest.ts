import type { Scope, ToolManifest } from '@omniai/contracts';
import { manifestSchemaProblem } from '../validation';

/**
 * OpenAPI 3 operations as tools (`openapi_proxy` binding, D27). Pure code shared by the API, which derives and
 * registers a manifest per operation, and the worker, which builds each request from the same description of the
 * operation ({@link describeOperation}). Only what can be sent safely and exactly is supported; anything else makes
 * the operation unavailable with a reason ({@link OpenApiOperationError}) rather than half-working.
 */

/** Why an operation cannot be offered as a tool. The message is fit for the API caller. */
export class OpenApiOperationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OpenApiOperationError';
  }
}

export type OpenApiMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

type Json = Record<string, unknown>;

/** One path or query parameter as the executor sends it. */
export interface OperationParameter {
  name: string;
  required: boolean;
  /** Query arrays: `a=1&a=2` when true (OpenAPI's default for `form`), `a=1,2` when false. */
  explode: boolean;
  /** JSON Schema (draft 2020-12) of the value. */
  schema: Json;
}

/** Everything needed to send one operation: derived from the document, never from the model's input. */
export interface OperationPlan {
  operationId: string;
  method: OpenApiMethod;
  /** `servers[0].url` with its variables at their defaults: absolute http(s), no trailing `/`. */
  serverUrl: string;
  /** The path template, e.g. `/pets/{petId}`. */
  path: string;
  summary: string;
  pathParams: OperationParameter[];
  queryParams: OperationParameter[];
  /** A JSON request body, when the operation takes one. */
  body: { required: boolean; mediaType: string; schema: Json } | null;
}

const METHODS: Readonly<Record<string, OpenApiMethod>> = { get: 'GET', head: 'HEAD', post: 'POST', put: 'PUT', patch: 'PATCH', delete: 'DELETE' };
const OTHER_METHODS = new Set(['options', 'trace']);
const PRIMITIVE = new Set(['string', 'integer', 'number', 'boolean']);
const MAX_SCHEMA_DEPTH = 32;

/** Every operationId in the document, in document order (duplicates included, so callers can refuse them). */
export function operationIds(spec: Json): string[] {
  const ids: string[] = [];
  for (const item of Object.values(asObject(spec['paths']))) {
    for (const [method, op] of Object.entries(asObject(item))) {
      const id = asObject(op)['operationId'];
      if ((METHODS[method] || OTHER_METHODS.has(method)) && typeof id === 'string') ids.push(id);
    }
  }
  return ids;
}

/** The request an operation makes, or an {@link OpenApiOperationError} saying why it cannot be made. */
export function describeOperation(spec: Json, operationId: string): OperationPlan {
  if (typeof spec['openapi'] !== 'string' || !/^3\.[01]\.\d+/.test(spec['openapi']))
    throw new OpenApiOperationError('only OpenAPI 3.0 and 3.1 documents are supported');
  const serverUrl = firstServerUrl(spec);
  const found = findOperation(spec, operationId);
  const { path, pathItem, op } = found;
  const method = METHODS[found.method];
  if (!method) throw new OpenApiOperationError(`${operationId}: ${found.method.toUpperCase()} operations are not supported`);
  const where = `${operationId} (${method} ${path})`;
  const params = mergedParameters(spec, pathItem, op, where);
  const pathParams: OperationParameter[] = [];
  const queryParams: OperationParameter[] = [];
  for (const p of params) {
    const name = String(p['name']);
    const required = p['required'] === true;
    if (p['in'] === 'header' || p['in'] === 'cookie') {
      // No headers or cookies are ever sent (no credentials: D24); an optional one is simply left out.
      if (required) throw new OpenApiOperationError(`${where}: the ${p['in']} parameter "${name}" is required, and this binding sends no ${p['in']}s`);
      continue;
    }
    if (p['content'] !== undefined || p['schema'] === undefined) throw new OpenApiOperationError(`${where}: parameter "${name}" has no schema`);
    const schema = toJsonSchema(p['schema'], spec, [], 0);
    if (typeof p['description'] === 'string' && schema['description'] === undefined) schema['description'] = p['description'];
    const style = p['style'];
    if (p['in'] === 'path') {
      if (!isPrimitive(schema)) throw new OpenApiOperationError(`${where}: path parameter "${name}" must be a string, number or boolean`);
      if (style !== undefined && style !== 'simple') throw new OpenApiOperationError(`${where}: path parameter "${name}" uses style "${String(style)}"`);
      pathParams.push({ name, required: true, explode: false, schema });
    } else if (p['in'] === 'query') {
      if (style !== undefined && style !== 'form')
        throw new OpenApiOperationError(`${where}: query parameter "${name}" uses style "${String(style)}"; only form is supported`);
      const items = schema['type'] === 'array' ? asObject(schema['items']) : null;
      if (!isPrimitive(schema) && !(items && isPrimitive(items))) {
        throw new OpenApiOperationError(`${where}: query parameter "${name}" must be a primitive or an array of primitives`);
      }
      queryParams.push({ name, required, explode: p['explode'] !== false, schema });
    } else {
      throw new OpenApiOperationError(`${where}: parameter "${name}" is in "${String(p['in'])}"`);
    }
  }
  for (const [, name] of path.matchAll(/\{([^}]*)\}/g)) {
    if (!pathParams.some((p) => p.name === name)) throw new OpenApiOperationError(`${where}: the path names {${name}} but no path parameter describes it`);
  }
  return {
    operationId,
    method,
    serverUrl,
    path,
    summary: typeof op['summary'] === 'string' ? op['summary'] : typeof op['description'] === 'string' ? op['description'] : '',
    pathParams,
    queryParams,
    body: method === 'GET' || method === 'HEAD' ? null : requestBody(spec, op, where),
  };
}

/**
 * The tool id of an operation: `api.<spec id>.<operationId>`, lower-cased, anything but `[a-z0-9_-]` replaced by `_`,
 * and at most 62 characters so that the provider-safe function name (`api__…__…`) stays within 64. A shortened id
 * ends with a hash of the full operationId, so two long ids never collide by truncation.
 */
export function openApiToolId(specId: string, operationId: string): string {
  const id = scopedToolId(`api.${specId}.`, operationId);
  if (!id) throw new OpenApiOperationError(`operationId "${operationId.slice(0, 100)}" has no letters or digits to name a tool by`);
  return id;
}

/**
 * `<prefix><name>` with the name lower-cased and anything but `[a-z0-9_-]` replaced by `_`, at most 62 characters
 * (a shortened id ends with a hash of the full name); undefined when the name has no letters or digits. Shared by
 * the tool kinds derived from someone else's names (OpenAPI operations, MCP tools).
 */
export function scopedToolId(prefix: string, name: string): string | undefined {
  const slug = name
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '_')
    .replace(/^[_-]+|[_-]+$/g, '');
  if (!slug) return undefined;
  const id = `${prefix}${slug}`;
  if (id.length <= 62) return id;
  return `${prefix}${slug.slice(0, 62 - prefix.length - 9).replace(/[_-]+$/, '')}_${fnv1a(name)}`;
}

/** Limits of an `openapi_proxy` call: one HTTP request, so little memory; the deadline covers a slow API. */
export const OPENAPI_TOOL_LIMITS: ToolManifest['risk']['limits'] = { timeout_ms: 20_000, memory_mb: 256, cpus: 1 };

/**
 * The manifest of one operation. Side effect from the method: GET and HEAD read (`read_web`); every other method is
 * an `external_write` (`write_web`), so a reviewer must approve each call and the kill switch stops them all. The
 * only egress host is the document's server. `risk` may replace the scopes or limits, never the side effect.
 */
export function manifestForOperation(
  specId: string,
  spec: Json,
  operationId: string,
  risk: { scopes?: Scope[]; limits?: ToolManifest['risk']['limits'] } = {},
): ToolManifest {
  const plan = describeOperation(spec, operationId);
  const reads = plan.method === 'GET' || plan.method === 'HEAD';
  const host = new URL(plan.serverUrl).host;
  const properties: Json = {};
  const required: string[] = [];
  if (plan.pathParams.length) {
    properties['path'] = closedObject(plan.pathParams, 'Path parameters, filled into the URL path (each is percent-encoded).');
    required.push('path');
  }
  if (plan.queryParams.length) {
    properties['query'] = closedObject(plan.queryParams, 'Query string parameters.');
    if (plan.queryParams.some((p) => p.required)) required.push('query');
  }
  if (plan.body) {
    properties['body'] = { ...plan.body.schema, description: String(plan.body.schema['description'] ?? `The request body (${plan.body.mediaType}).`) };
    if (plan.body.required) required.push('body');
  }
  const what = plan.summary.trim() || `${plan.method} ${plan.path}`;
  const manifest: ToolManifest = {
    id: openApiToolId(specId, operationId),
    version: '1.0.0',
    description:
      `${what.slice(0, 1500)} — calls ${plan.method} ${host}${plan.path} (operation ${operationId.slice(0, 200)} of the API "${specId}"); returns the HTTP status and the response body.`.slice(
        0,
        2000,
      ),
    input_schema: { $schema: 'https://json-schema.org/draft/2020-12/schema', type: 'object', properties, required, additionalProperties: false },
    output_schema: {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'object',
      properties: {
        status: { type: 'integer', minimum: 100, maximum: 599, description: 'The HTTP status of the response.' },
        body: { description: 'The response body: parsed JSON, text, or null when there is none.' },
      },
      required: ['status', 'body'],
      additionalProperties: false,
    },
    risk: {
      side_effect: reads ? 'read' : 'external_write',
      scopes: risk.scopes ?? [reads ? 'read_web' : 'write_web'],
      egress_hosts: [host],
      limits: risk.limits ?? OPENAPI_TOOL_LIMITS,
    },
    binding: { type: 'openapi_proxy', spec_ref: specId, operation_id: operationId },
  };
  // Checked here, so every registration of an operation meets the schema limits and RE2 patterns (D43).
  const problem = manifestSchemaProblem(manifest);
  if (problem) throw new OpenApiOperationError(`${operationId.slice(0, 200)}: ${problem}`);
  return manifest;
}

function closedObject(params: OperationParameter[], description: string): Json {
  return {
    type: 'object',
    description,
    properties: Object.fromEntries(params.map((p) => [p.name, p.schema])),
    required: params.filter((p) => p.required).map((p) => p.name),
    additionalProperties: false,
  };
}

function firstServerUrl(spec: Json): string {
  const servers = spec['servers'];
  const server = Array.isArray(servers) ? asObject(servers[0]) : {};
  if (typeof server['url'] !== 'string') throw new OpenApiOperationError('the document names no server (servers[0].url)');
  const variables = asObject(server['variables']);
  const url = server['url'].replace(/\{([^}]*)\}/g, (_m, name: string) => {
    const value = asObject(variables[name])['default'];
    if (typeof value !== 'string') throw new OpenApiOperationError(`servers[0].url uses {${name}} without a default`);
    return value;
  });
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new OpenApiOperationError('servers[0].url must be an absolute http(s) URL');
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new OpenApiOperationError('servers[0].url must be an absolute http(s) URL');
  if (parsed.username || parsed.password || parsed.search || parsed.hash)
    throw new OpenApiOperationError('servers[0].url must not carry credentials, a query or a fragment');
  return `${parsed.origin}${parsed.pathname.replace(/\/+$/, '')}`;
}

function findOperation(spec: Json, operationId: string): { path: string; method: string; pathItem: Json; op: Json } {
  const matches: Array<{ path: string; method: string; pathItem: Json; op: Json }> = [];
  for (const [path, item] of Object.entries(asObject(spec['paths']))) {
    const pathItem = asObject(item);
    for (const [method, op] of Object.entries(pathItem)) {
      if ((METHODS[method] || OTHER_METHODS.has(method)) && asObject(op)['operationId'] === operationId)
        matches.push({ path, method, pathItem, op: asObject(op) });
    }
  }
  if (matches.length === 0) throw new OpenApiOperationError(`no operation has operationId "${operationId.slice(0, 200)}"`);
  if (matches.length > 1) throw new OpenApiOperationError(`operationId "${operationId.slice(0, 200)}" is used by more than one operation`);
  const match = matches[0]!;
  if (!match.path.startsWith('/')) throw new OpenApiOperationError(`${operationId}: path "${match.path.slice(0, 200)}" does not start with /`);
  return match;
}

/** Path-level parameters, overridden by operation-level ones with the same name and location. */
function mergedParameters(spec: Json, pathItem: Json, op: Json, where: string): Json[] {
  const byKey = new Map<string, Json>();
  for (const list of [pathItem['parameters'], op['parameters']]) {
    if (list === undefined) continue;
    if (!Array.isArray(list)) throw new OpenApiOperationError(`${where}: parameters must be a list`);
    for (const raw of list) {
      const p = resolveRef(raw, spec, where);
      if (typeof p['name'] !== 'string' || typeof p['in'] !== 'string') throw new OpenApiOperationError(`${where}: a parameter has no name or location`);
      byKey.set(`${p['in']}:${p['name']}`, p);
    }
  }
  return [...byKey.values()];
}

function requestBody(spec: Json, op: Json, where: string): OperationPlan['body'] {
  if (op['requestBody'] === undefined) return null;
  const body = resolveRef(op['requestBody'], spec, where);
  const required = body['required'] === true;
  const content = asObject(body['content']);
  const mediaType = Object.keys(content).find((t) => /^application\/([a-z0-9.+-]+\+)?json$/i.test(t.split(';')[0]!.trim()));
  if (!mediaType) {
    if (required) throw new OpenApiOperationError(`${where}: the request body must be JSON (application/json)`);
    return null;
  }
  const schema = asObject(content[mediaType])['schema'];
  return { required, mediaType: mediaType.split(';')[0]!.trim(), schema: schema === undefined ? {} : toJsonSchema(schema, spec, [], 0) };
}

/** Keywords kept as they are: they mean the same in OpenAPI 3.0 schemas, 3.1 schemas and JSON Schema 2020-12. */
const KEPT = [
  'type',
  'enum',
  'const',
  'minimum',
  'maximum',
  'multipleOf',
  'minLength',
  'maxLength',
  'pattern',
  'minItems',
  'maxItems',
  'uniqueItems',
  'minProperties',
  'maxProperties',
  'title',
  'description',
  'default',
];
/** Formats the runtime's validator knows; others (documentation only) are dropped rather than refused. */
const FORMATS = new Set([
  'date',
  'time',
  'date-time',
  'duration',
  'uri',
  'uri-reference',
  'url',
  'email',
  'hostname',
  'ipv4',
  'ipv6',
  'uuid',
  'int32',
  'int64',
  'float',
  'double',
  'byte',
  'binary',
  'password',
]);

/**
 * An OpenAPI schema as a self-contained JSON Schema: local `$ref`s inlined (recursive schemas refused: a tool's input
 * must be finite to describe), 3.0's `nullable` and boolean `exclusiveMinimum/Maximum` translated, documentation-only
 * keywords (`example`, `xml`, `discriminator`, …) dropped. Nothing is fetched: a `$ref` to another document is refused.
 */
export function toJsonSchema(schema: unknown, spec: Json, seen: readonly string[], depth: number): Json {
  if (depth > MAX_SCHEMA_DEPTH) throw new OpenApiOperationError(`a schema is nested more than ${MAX_SCHEMA_DEPTH} levels deep`);
  if (schema === true || schema === undefined) return {};
  if (schema === false) return { not: {} };
  const s = asObject(schema);
  const ref = s['$ref'];
  if (typeof ref === 'string') {
    if (seen.includes(ref)) throw new OpenApiOperationError(`the schema ${ref} is recursive, which tool inputs cannot be`);
    return toJsonSchema(pointer(spec, ref), spec, [...seen, ref], depth + 1);
  }
  const out: Json = {};
  for (const k of KEPT) if (s[k] !== undefined) out[k] = s[k];
  if (typeof s['format'] === 'string' && FORMATS.has(s['format'])) out['format'] = s['format'];
  for (const [bool, bound] of [
    ['exclusiveMinimum', 'minimum'],
    ['exclusiveMaximum', 'maximum'],
  ] as const) {
    if (typeof s[bool] === 'number') out[bool] = s[bool];
    else if (s[bool] === true && typeof s[bound] === 'number') {
      out[bool] = s[bound];
      delete out[bound];
    }
  }
  if (Array.isArray(s['required'])) out['required'] = s['required'].filter((r) => typeof r === 'string');
  if (s['nullable'] === true) {
    if (typeof out['type'] === 'string') out['type'] = [out['type'], 'null'];
    if (Array.isArray(out['enum']) && !out['enum'].includes(null)) out['enum'] = [...out['enum'], null];
  }
  const sub = (v: unknown) => toJsonSchema(v, spec, seen, depth + 1);
  if (s['properties'] !== undefined) out['properties'] = Object.fromEntries(Object.entries(asObject(s['properties'])).map(([k, v]) => [k, sub(v)]));
  if (typeof s['additionalProperties'] === 'boolean') out['additionalProperties'] = s['additionalProperties'];
  else if (s['additionalProperties'] !== undefined) out['additionalProperties'] = sub(s['additionalProperties']);
  if (s['items'] !== undefined && !Array.isArray(s['items'])) out['items'] = sub(s['items']);
  for (const k of ['allOf', 'anyOf', 'oneOf'] as const) if (Array.isArray(s[k])) out[k] = (s[k] as unknown[]).map(sub);
  if (s['not'] !== undefined) out['not'] = sub(s['not']);
  return out;
}

function resolveRef(value: unknown, spec: Json, where: string, hops = 0): Json {
  const v = asObject(value);
  if (typeof v['$ref'] !== 'string') return v;
  if (hops > 8) throw new OpenApiOperationError(`${where}: $ref chain too long`);
  return resolveRef(pointer(spec, v['$ref']), spec, where, hops + 1);
}

/** A local JSON pointer (`#/components/schemas/Pet`) into the document. */
function pointer(spec: Json, ref: string): unknown {
  if (!ref.startsWith('#/')) throw new OpenApiOperationError(`$ref ${ref.slice(0, 200)} points outside the document; only local references are supported`);
  let at: unknown = spec;
  for (const raw of ref.slice(2).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (at === null || typeof at !== 'object' || !Object.prototype.hasOwnProperty.call(at, key))
      throw new OpenApiOperationError(`$ref ${ref.slice(0, 200)} points at nothing`);
    at = (at as Json)[key];
  }
  return at;
}

function isPrimitive(schema: Json): boolean {
  const t = schema['type'];
  const types = Array.isArray(t) ? t.filter((x) => x !== 'null') : [t];
  return types.length > 0 && types.every((x) => typeof x === 'string' && PRIMITIVE.has(x));
}

function asObject(v: unknown): Json {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {};
}

/** 32-bit FNV-1a as 8 hex digits: a short, stable suffix (not a security hash). */
function fnv1a(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}
