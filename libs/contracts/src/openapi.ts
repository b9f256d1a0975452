import { z } from 'zod';
import * as api from './api';
import * as artifacts from './artifacts';
import * as errors from './errors';
import * as graphs from './graphs';
import * as identity from './identity';
import * as jsonValues from './json';
import * as mcp from './mcp';
import * as mcpTools from './mcp-tools';
import * as meta from './meta';
import * as providerPresets from './provider-presets';
import { API_ROUTES, type ApiRoute, type ErrorStatus } from './routes';
import * as runEvents from './run-events';
import * as research from './research';
import * as researchRequest from './research-request';
import * as triggers from './triggers';

/** A JSON Schema object (draft 2020-12, the dialect of OpenAPI 3.1). */
export type OpenApiSchema = { [key: string]: unknown };

export interface OpenApiMediaType {
  schema: OpenApiSchema;
  /** SSE frames, by `event:` name (OpenAPI 3.1 has no way to describe them). */
  'x-sse-events'?: Record<string, { description: string; id?: string; data: OpenApiSchema }>;
}

export interface OpenApiResponse {
  description: string;
  content?: Record<string, OpenApiMediaType>;
}

export interface OpenApiParameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required: boolean;
  description?: string;
  schema: OpenApiSchema;
}

export interface OpenApiOperation {
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  parameters?: OpenApiParameter[];
  requestBody?: { required: boolean; content: Record<string, OpenApiMediaType> };
  responses: Record<string, OpenApiResponse>;
  /** Empty for a public route; the session (and, on mutations, the CSRF header) or a bearer token otherwise. */
  security: Array<Record<string, string[]>>;
  /** The capability the caller's role (and token scopes) must grant, or `public`. */
  'x-access': ApiRoute['access'];
}

export interface OpenApiDocument {
  openapi: '3.1.0';
  info: { title: string; version: string; description: string; license: { name: string; identifier: string } };
  servers: { url: string; description: string }[];
  tags: { name: string; description: string }[];
  paths: Record<string, Partial<Record<ApiRoute['method'], OpenApiOperation>>>;
  components: { schemas: Record<string, OpenApiSchema>; securitySchemes: Record<string, Record<string, string>> };
}

type Io = 'input' | 'output';

const REF_PREFIX = '#/components/schemas/';
// Ids for unnamed schemas converted through the registry; they are inlined afterwards, never referenced.
const INLINE_PREFIX = '~inline~';

const TAGS: OpenApiDocument['tags'] = [
  { name: 'health', description: 'Liveness and deployment metadata.' },
  { name: 'auth', description: 'Sign-in, sessions and invite links (the UI lane).' },
  { name: 'users', description: 'Users, invites, project memberships, your bearer tokens, and the audit log.' },
  { name: 'public', description: 'The public lane for integrations: bearer tokens only, no cookies, no CORS.' },
  { name: 'projects', description: 'Projects: the top-level containers.' },
  { name: 'threads', description: 'Conversations within a project.' },
  { name: 'runs', description: 'Durable agent runs and their append-only event logs.' },
  { name: 'graphs', description: 'Workflow graphs (`omni.graph/v1`): immutable versions, validation, diffs, graph runs and their per-node states.' },
  {
    name: 'triggers',
    description: 'Schedules (Temporal Schedules) and signed webhooks (Standard Webhooks) that start graph runs and chat turns; outgoing run notifications.',
  },
  { name: 'artifacts', description: 'Content-addressed payloads kept out of workflow history.' },
  { name: 'providers', description: 'Model provider settings; keys are stored encrypted and used by reference.' },
  {
    name: 'mcp',
    description:
      'The MCP hub: MCP servers (Streamable HTTP or stdio in the sandbox), their catalogs, drift review against approved definitions, and trying a tool.',
  },
  { name: 'tools', description: 'The tool registry, per-project version pins and the deny-by-default policy.' },
  { name: 'approvals', description: 'Tool calls waiting for a reviewer; decisions bind to the exact arguments.' },
  { name: 'temporal', description: "Admin access to Temporal's sealed payloads (the Temporal UI's codec endpoint)." },
];

// Code-unit order, not locale order: the output must not depend on the machine.
const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

const SUCCESS: Record<ApiRoute['status'], string> = { 200: 'OK.', 201: 'Created.', 202: 'Accepted.', 204: 'No content.' };

/** Every exported contract schema, by export name: these become `components.schemas` when a route reaches them. */
function namedSchemas(): Map<z.ZodType, string> {
  const named = new Map<z.ZodType, string>();
  const modules: Record<string, unknown>[] = [
    api,
    artifacts,
    errors,
    graphs,
    identity,
    mcp,
    mcpTools,
    meta,
    providerPresets,
    research,
    researchRequest,
    runEvents,
    triggers,
  ];
  // The JSON values come first: `Expression` and `Template` (graphs) are the same instance as `JsonValue`, whose
  // name is the one that says what the schema accepts (any JSON); the first name a schema gets is kept.
  const entries = [
    ...Object.entries(jsonValues).sort(([a], [b]) => compare(a, b)),
    ...modules.flatMap((m) => Object.entries(m)).sort(([a], [b]) => compare(a, b)),
  ];
  for (const [name, value] of entries) {
    if (value instanceof z.ZodType && !named.has(value)) named.set(value, name);
  }
  return named;
}

const FIRST_KEYS = ['$ref', 'description', 'type', 'format'];
const keyRank = (k: string) => (FIRST_KEYS.includes(k) ? FIRST_KEYS.indexOf(k) : FIRST_KEYS.length);

/** Fixed key order for a JSON Schema, so the committed file does not churn when zod reorders keys; property order is kept. */
function canonical(value: unknown, isPropertyMap = false): unknown {
  if (Array.isArray(value)) return value.map((v) => canonical(v));
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value as Record<string, unknown>);
  if (!isPropertyMap) entries.sort(([a], [b]) => keyRank(a) - keyRank(b) || compare(a, b));
  return Object.fromEntries(entries.map(([k, v]) => [k, canonical(v, !isPropertyMap && (k === 'properties' || k === 'patternProperties'))]));
}

/** Converts every named schema plus the given unnamed ones in one pass, so shared schemas become `$ref`s. */
function convert(io: Io, named: Map<z.ZodType, string>, unnamed: z.ZodType[]) {
  const registry = z.registry<{ id: string }>();
  for (const [schema, id] of named) registry.add(schema, { id });
  const inlineIds = new Map<z.ZodType, string>();
  for (const schema of unnamed) {
    if (named.has(schema) || inlineIds.has(schema)) continue;
    const id = `${INLINE_PREFIX}${inlineIds.size}`;
    inlineIds.set(schema, id);
    registry.add(schema, { id });
  }
  const { schemas } = z.toJSONSchema(registry, { io, target: 'draft-2020-12', uri: (id) => `${REF_PREFIX}${id}` });
  if ('__shared' in schemas) throw new Error('openapi: zod extracted shared $defs; name the shared schema in the contracts instead');
  const byId = new Map<string, OpenApiSchema>();
  for (const [id, raw] of Object.entries(schemas)) {
    // `$id` would change the base URI that `$ref`s resolve against; `$schema` is implied by OpenAPI 3.1.
    const { $schema: _s, $id: _i, ...rest } = raw as OpenApiSchema;
    byId.set(id, canonical(rest) as OpenApiSchema);
  }
  const text = JSON.stringify([...byId.values()]);
  if (text.includes(`"${REF_PREFIX}${INLINE_PREFIX}`))
    throw new Error('openapi: an unnamed route schema is nested in another schema; export it from the contracts');
  return {
    /** A `$ref` for a named schema, the schema itself otherwise (or always, with `inline`). */
    schemaOf(schema: z.ZodType, inline = false): OpenApiSchema {
      const name = named.get(schema);
      if (name !== undefined && !inline) return { $ref: `${REF_PREFIX}${name}` };
      const json = byId.get(name ?? inlineIds.get(schema) ?? '');
      if (!json) throw new Error('openapi: schema was not converted');
      return structuredClone(json);
    },
    component: (name: string) => byId.get(name),
  };
}

function collectRefs(value: unknown, into: Set<string>): void {
  if (Array.isArray(value)) value.forEach((v) => collectRefs(v, into));
  else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === '$ref' && typeof v === 'string' && v.startsWith(REF_PREFIX)) into.add(v.slice(REF_PREFIX.length));
      else collectRefs(v, into);
    }
  }
}

function errorResponse(status: ErrorStatus, cause: string): OpenApiResponse {
  const codes = errors.ErrorCode.options.filter((code) => errors.ERROR_HTTP_STATUS[code] === status);
  if (codes.length === 0) throw new Error(`openapi: no error code maps to HTTP ${status}`);
  return {
    description: `${codes.join(' | ')}: ${cause}`,
    content: { 'application/json': { schema: { $ref: `${REF_PREFIX}ErrorEnvelope` } } },
  };
}

/**
 * The OpenAPI 3.1 document of the HTTP API, generated from {@link API_ROUTES} and the zod contracts.
 * Request bodies, query strings and headers are described by their zod input type (defaults make fields
 * optional), responses by their output type. Exported contract schemas appear under `components.schemas`
 * by export name. Deterministic: the same contracts always give the same JSON text.
 */
export function buildOpenApiDocument(version: string): OpenApiDocument {
  const named = namedSchemas();
  const inputs: z.ZodType[] = [];
  const outputs: z.ZodType[] = [];
  for (const route of API_ROUTES) {
    inputs.push(
      api.IdParam,
      ...[route.body, route.query].filter((s) => s !== undefined),
      ...(route.headers ?? []).map((h) => h.schema),
      ...Object.values(route.pathParams ?? {}).map((p) => p.schema),
    );
    if (route.sse) outputs.push(...route.events.map((e) => e.data));
    else if (!route.raw && !route.empty) outputs.push(route.response);
  }
  const conv = { input: convert('input', named, inputs), output: convert('output', named, outputs) };

  const paths: OpenApiDocument['paths'] = {};
  for (const route of API_ROUTES) {
    const parameters: OpenApiParameter[] = [];
    for (const [, name] of route.path.matchAll(/\{(\w+)\}/g)) {
      const custom = route.pathParams?.[name!];
      parameters.push(
        custom
          ? { name: name!, in: 'path', required: true, description: custom.description, schema: conv.input.schemaOf(custom.schema, true) }
          : { name: name!, in: 'path', required: true, description: 'A UUID.', schema: conv.input.schemaOf(api.IdParam, true) },
      );
    }
    if (route.query) {
      const query = conv.input.schemaOf(route.query, true) as { properties?: Record<string, OpenApiSchema>; required?: string[] };
      for (const [name, schema] of Object.entries(query.properties ?? {})) {
        const note = route.queryNotes?.[name];
        parameters.push({ name, in: 'query', required: query.required?.includes(name) ?? false, ...(note ? { description: note } : {}), schema });
      }
    }
    for (const header of route.headers ?? []) {
      parameters.push({ name: header.name, in: 'header', required: false, description: header.description, schema: conv.input.schemaOf(header.schema) });
    }

    const success: OpenApiResponse = route.sse
      ? {
          description: `${SUCCESS[route.status]} A Server-Sent Events stream; its frames are listed in \`x-sse-events\`.`,
          content: {
            'text/event-stream': {
              schema: { type: 'string' },
              'x-sse-events': Object.fromEntries(
                route.events.map((e) => [e.event, { description: e.description, ...(e.id ? { id: e.id } : {}), data: conv.output.schemaOf(e.data) }]),
              ),
            },
          },
        }
      : route.empty
        ? { description: SUCCESS[route.status] }
        : route.raw
          ? {
              description: `${SUCCESS[route.status]} ${route.raw.description}`,
              content: Object.fromEntries(route.raw.mediaTypes.map((t) => [t, { schema: { type: 'string', format: 'binary' } }])),
            }
          : { description: SUCCESS[route.status], content: { 'application/json': { schema: conv.output.schemaOf(route.response) } } };

    const responses: Record<string, OpenApiResponse> = { [route.status]: success };
    const guarded = route.access !== 'public';
    const tokenLane = route.path.startsWith('/v1/public/');
    const implied: Partial<Record<ErrorStatus, string>> = guarded
      ? {
          401: tokenLane ? 'No valid bearer token (missing, malformed, revoked or expired).' : 'Not signed in (no live session).',
          403: tokenLane
            ? `The token lacks the \`${route.access}\` scope, or its user the role.`
            : `Your role lacks \`${route.access}\`${route.method === 'get' ? '' : ', or the CSRF header is missing or wrong'}, or the request's origin is not allowed.`,
          429: 'Rate limited; see Retry-After.',
        }
      : {};
    for (const [status, cause] of Object.entries({ ...implied, ...route.errors })) responses[status] = errorResponse(Number(status) as ErrorStatus, cause!);

    const operation: OpenApiOperation = {
      operationId: route.operationId,
      summary: route.summary,
      ...(route.description ? { description: route.description } : {}),
      tags: [route.tag],
      ...(parameters.length ? { parameters } : {}),
      ...(route.body ? { requestBody: { required: true, content: { 'application/json': { schema: conv.input.schemaOf(route.body) } } } } : {}),
      responses,
      security: !guarded
        ? []
        : tokenLane
          ? [{ bearer: [] }]
          : route.method === 'get' || route.csrf === 'origin'
            ? [{ session: [] }]
            : [{ session: [], csrf: [] }],
      'x-access': route.access,
    };
    const item = (paths[route.path] ??= {});
    if (item[route.method]) throw new Error(`openapi: ${route.method.toUpperCase()} ${route.path} is declared twice`);
    item[route.method] = operation;
  }

  // Components: the named schemas reachable from the operations, each in the io form it is used in.
  const reached: Record<Io, Set<string>> = { input: new Set(), output: new Set() };
  const sides: Record<Io, unknown[]> = { input: [], output: [] };
  for (const item of Object.values(paths)) {
    for (const op of Object.values(item)) {
      sides.input.push(op.parameters, op.requestBody);
      sides.output.push(op.responses);
    }
  }
  for (const io of ['input', 'output'] as const) {
    const queue = new Set<string>();
    collectRefs(sides[io], queue);
    for (const name of queue) {
      reached[io].add(name);
      const json = conv[io].component(name);
      if (!json) throw new Error(`openapi: $ref to unknown schema ${name}`);
      collectRefs(json, queue); // a Set visits entries added during iteration
    }
  }
  const schemas: Record<string, OpenApiSchema> = {};
  for (const name of [...new Set([...reached.input, ...reached.output])].sort(compare)) {
    const input = reached.input.has(name) ? conv.input.component(name) : undefined;
    const output = reached.output.has(name) ? conv.output.component(name) : undefined;
    if (input && output && JSON.stringify(input) !== JSON.stringify(output)) {
      throw new Error(`openapi: ${name} is used in requests and responses but its input and output types differ; use separate schemas`);
    }
    schemas[name] = (output ?? input)!;
  }

  return {
    openapi: '3.1.0',
    info: {
      title: 'OmniAI API',
      version,
      description: 'HTTP API of OmniAI. Every error response carries an `ErrorEnvelope`; clients branch on `error.code`.',
      license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
    },
    // Relative: the API serves itself and the console from one origin, wherever it is deployed.
    servers: [{ url: '/', description: 'The OmniAI API this document was served with (same origin as the console).' }],
    tags: TAGS,
    paths,
    components: {
      schemas,
      securitySchemes: {
        session: {
          type: 'apiKey',
          in: 'cookie',
          name: 'omni_session',
          description: 'The UI lane: the session cookie set by `POST /v1/auth/login` (`__Host-omni_session` over https).',
        },
        csrf: {
          type: 'apiKey',
          in: 'header',
          name: 'x-csrf-token',
          description: "The session's CSRF token (from the sign-in answer or `GET /v1/auth/session`), required on every UI-lane mutation.",
        },
        bearer: { type: 'http', scheme: 'bearer', description: 'The public lane (`/v1/public/*`): a token from `POST /v1/tokens` (`omni_pat_…`).' },
      },
    },
  };
}
