import type { EgressAllowValue, ToolManifest } from '@omniai/contracts';
import type { OpenApiSpecStore, PolicyStore, ToolRegistryStore } from '@omniai/store';
import {
  describeOperation,
  HostAllowlist,
  OpenApiOperationError,
  type OperationParameter,
  type OperationPlan,
  safeFetch,
  type ToolContext,
  ToolError,
  type UnsafeTestNetwork,
} from '@omniai/tools';
import { type CatalogEntry, type CatalogResolver, pinnedManifest } from './tool-catalog';

/** Response bytes read at most: what a model can use of one API answer; a larger one is refused, not cut (cut JSON is not JSON). */
export const MAX_RESPONSE_BYTES = 256 * 1024;
/** Inside the manifest's 20 s, so the tool reports its own timeout (naming the host) before the runtime has to. */
const FETCH_TIMEOUT_MS = 15_000;

export interface OpenApiCallOptions {
  /** The workspace's egress allowlist at the moment of the call; the server's host must be in it. */
  allowHosts: readonly EgressAllowValue[];
  maxBytes?: number;
  timeoutMs?: number;
  /** TEST ONLY: see `UnsafeTestNetwork` in libs/tools egress/safe-fetch. Production code never sets it. */
  unsafeTestNetwork?: UnsafeTestNetwork;
}

export interface OpenApiCallResult {
  status: number;
  body: unknown;
}

/**
 * Calls one operation: the URL is the document's server plus the operation's path with the input's path parameters
 * percent-encoded, the query string from the input's query parameters, the JSON body from `body`; the method is the
 * operation's. Only the server's host is contacted, and only if the egress allowlist names it; `safeFetch` vets its
 * addresses (no private, loopback or metadata targets) and never follows a redirect off that host, nor any redirect of
 * a write. Non-2xx answers are results (the model should see a 404), not tool errors.
 */
export async function callOperation(
  plan: OperationPlan,
  input: unknown,
  ctx: Pick<ToolContext, 'signal'>,
  options: OpenApiCallOptions,
): Promise<OpenApiCallResult> {
  const args = inputObject(input);
  const url = requestUrl(plan, args);
  const host = url.hostname;
  // The server's host only (its entry's private flag kept): a redirect to any other host is refused even if the
  // allowlist names it.
  const allowHosts = new HostAllowlist(options.allowHosts).narrowTo(url);
  if (!allowHosts) throw new ToolError('E_EGRESS_DENIED', `${url.port ? url.host : host} is not in the workspace's egress allowlist`);
  const body = plan.body && args['body'] !== undefined ? Buffer.from(JSON.stringify(args['body'])) : undefined;
  const response = await safeFetch(url.href, {
    allowHosts,
    method: plan.method,
    ...(body && plan.body ? { body, contentType: plan.body.mediaType } : {}),
    accept: 'application/json, text/plain;q=0.5',
    maxBytes: (options.maxBytes ?? MAX_RESPONSE_BYTES) + 1,
    timeoutMs: options.timeoutMs ?? FETCH_TIMEOUT_MS,
    maxRedirects: 3,
    signal: ctx.signal,
    unsafeTestNetwork: options.unsafeTestNetwork,
  });
  const max = options.maxBytes ?? MAX_RESPONSE_BYTES;
  if (response.truncated || response.body.length > max) {
    throw new ToolError('E_TOOL_RESOURCE_LIMIT', `the response from ${host} is larger than ${max} bytes`);
  }
  return { status: response.status, body: parseBody(response.body, response.contentType, host) };
}

/**
 * Resolves `openapi_proxy` tools from the registry when a run calls one (they are registered through the API, not by
 * the worker): the pinned manifest, its document from the spec store, and an implementation reading the egress
 * allowlist at call time. Anything missing or inconsistent resolves to nothing, and the call fails as "cannot run".
 */
export function openApiResolver(deps: { registry: ToolRegistryStore; specs: OpenApiSpecStore; policies: PolicyStore }): CatalogResolver {
  return async (id, version): Promise<CatalogEntry | undefined> => {
    const pinned = await pinnedManifest(deps.registry, id, version, 'openapi_proxy');
    if (!pinned) return undefined;
    const { manifest } = pinned;
    const stored = await deps.specs.get(manifest.binding.spec_ref);
    if (!stored) return undefined;
    let plan: OperationPlan;
    try {
      plan = describeOperation(stored.spec, manifest.binding.operation_id);
    } catch (err) {
      if (err instanceof OpenApiOperationError) return undefined;
      throw err;
    }
    if (!consistent(plan, manifest)) return undefined;
    return {
      manifest,
      manifest_hash: pinned.manifest_hash,
      run: async (input, ctx) => callOperation(plan, input, ctx, { allowHosts: (await deps.policies.get()).egress_allow ?? [] }),
    };
  };
}

/** The manifest's declared side effect and host must be what the document's operation does. */
function consistent(plan: OperationPlan, manifest: ToolManifest): boolean {
  const reads = plan.method === 'GET' || plan.method === 'HEAD';
  const host = new URL(plan.serverUrl).host;
  return (reads || manifest.risk.side_effect === 'external_write') && manifest.risk.egress_hosts.length === 1 && manifest.risk.egress_hosts[0] === host;
}

function inputObject(input: unknown): Record<string, unknown> {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) throw new ToolError('E_VALIDATION', 'input must be an object');
  return input as Record<string, unknown>;
}

function group(args: Record<string, unknown>, key: 'path' | 'query'): Record<string, unknown> {
  const value = args[key];
  if (value === undefined) return {};
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new ToolError('E_VALIDATION', `${key} must be an object`);
  return value as Record<string, unknown>;
}

function scalar(value: unknown, where: string): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  throw new ToolError('E_VALIDATION', `${where} must be a string, a number or a boolean`);
}

/**
 * The URL for this input. Every path value is percent-encoded (so `/`, `?` and `#` stay inside their segment), and
 * the values `.` and `..` are refused: URL parsing would otherwise collapse them and reach another path on the host.
 * The parsed URL must keep exactly the path that was built.
 */
function requestUrl(plan: OperationPlan, args: Record<string, unknown>): URL {
  const pathArgs = group(args, 'path');
  const queryArgs = group(args, 'query');
  const path = plan.path.replace(/\{([^}]*)\}/g, (_m, name: string) => {
    const raw = pathArgs[name];
    if (raw === undefined) throw new ToolError('E_VALIDATION', `path.${name} is required`);
    const text = scalar(raw, `path.${name}`);
    if (text === '' || text === '.' || text === '..') throw new ToolError('E_VALIDATION', `path.${name} must not be empty, "." or ".."`);
    return encodeURIComponent(text);
  });
  const query = plan.queryParams.flatMap((p) => queryPairs(p, queryArgs[p.name])).join('&');
  const expectedPath = new URL(plan.serverUrl).pathname.replace(/\/$/, '') + path;
  const url = new URL(`${plan.serverUrl}${path}${query ? `?${query}` : ''}`);
  if (url.pathname !== expectedPath || url.origin !== new URL(plan.serverUrl).origin) {
    throw new ToolError('E_VALIDATION', 'the path parameters do not form a valid path for this operation');
  }
  return url;
}

function queryPairs(param: OperationParameter, value: unknown): string[] {
  if (value === undefined) return [];
  const key = encodeURIComponent(param.name);
  if (Array.isArray(value)) {
    const items = value.map((v, i) => encodeURIComponent(scalar(v, `query.${param.name}[${i}]`)));
    return param.explode ? items.map((v) => `${key}=${v}`) : [`${key}=${items.join(',')}`];
  }
  return [`${key}=${encodeURIComponent(scalar(value, `query.${param.name}`))}`];
}

/** JSON as data, text as a string, nothing as null; other content types are not something a model can read. */
function parseBody(body: Buffer, contentType: string | undefined, host: string): unknown {
  if (body.length === 0) return null;
  const type = (contentType?.split(';')[0] ?? '').trim().toLowerCase();
  if (/^application\/([a-z0-9.+-]+\+)?json$/.test(type)) {
    try {
      return JSON.parse(body.toString('utf8')) as unknown;
    } catch {
      throw new ToolError('E_TOOL_FAILED', `${host} answered with invalid JSON`);
    }
  }
  if (type === '' || type.startsWith('text/')) return body.toString('utf8');
  throw new ToolError('E_TOOL_FAILED', `${host} answered with ${type}, which this tool cannot return (JSON or text only)`);
}
