import { createHash } from 'node:crypto';
import type { ToolManifest } from '@omniai/contracts';
import type { ToolRegistryStore } from '@omniai/store';
import { type BuiltinTool, manifestHash, manifestSchemaProblem } from '@omniai/tools';

/** sha256 of the manifest's canonical JSON: what every `tool_call` records and every approval binds to. */
export const manifestHashOf = (manifest: ToolManifest) => manifestHash(manifest);

type Binding = ToolManifest['binding'];

/**
 * The manifest pinned in the registry as `id@version`, when it is bound as `type` and still hashes to the row's hash
 * (what runs pin); otherwise undefined, and the call fails as "cannot run". Shared by the registry-backed resolvers.
 */
export async function pinnedManifest<T extends Binding['type']>(
  registry: ToolRegistryStore,
  id: string,
  version: string,
  type: T,
): Promise<{ manifest: ToolManifest & { binding: Extract<Binding, { type: T }> }; manifest_hash: string } | undefined> {
  const registered = await registry.get(id, version);
  const manifest = registered?.manifest;
  if (!registered || manifest?.binding.type !== type) return undefined;
  if (manifestHash(manifest) !== registered.manifest_hash) return undefined;
  return { manifest: manifest as ToolManifest & { binding: Extract<Binding, { type: T }> }, manifest_hash: registered.manifest_hash };
}

export interface CatalogEntry {
  manifest: ToolManifest;
  manifest_hash: string;
  /** The implementation of an `inproc_safe` tool; sandboxed tools are run from their binding. */
  run?: BuiltinTool['run'];
}

/**
 * Finds a tool the worker was not started with (e.g. an `openapi_proxy` tool registered through the API): the entry
 * for exactly this id and version, or undefined.
 */
export type CatalogResolver = (id: string, version: string) => Promise<CatalogEntry | undefined>;

/** Providers' limit on function names (OpenAI: `^[a-zA-Z0-9_-]{1,64}$`). */
export const MAX_FUNCTION_NAME_LENGTH = 64;

/**
 * Provider-safe function names, one per tool id (`web.fetch_extract` → `web__fetch_extract`). Tool ids are lowercase
 * `[a-z0-9._-]`, so the mapping is injective: `.` becomes `__`, an `_` next to another `_` or a `.` becomes `U` (never
 * in an id), and every other `_` stays, which keeps each run of `_` in the name either a lone `_` or pairs standing
 * for dots. Without the escape `a.b` and `a__b` (or `x_.y` and `x._y`) shared a name and the last pinned one won.
 * Names over 64 characters keep a readable prefix and end in a hash of the id, so they stay distinct too.
 */
export function toolFunctionName(toolId: string): string {
  const name = toolId.replace(/[._]/g, (c, i: number) => {
    if (c === '.') return '__';
    return /[._]/.test(toolId[i - 1] ?? '') || /[._]/.test(toolId[i + 1] ?? '') ? 'U' : '_';
  });
  if (name.length <= MAX_FUNCTION_NAME_LENGTH) return name;
  const hash = createHash('sha256').update(toolId).digest('hex').slice(0, 16);
  return `${name.slice(0, MAX_FUNCTION_NAME_LENGTH - hash.length - 1)}-${hash}`;
}

/** The tool id of a function name made by `toolFunctionName`, or null for a hashed (over-long) one. */
export function toolIdOfFunctionName(name: string): string | null {
  if (name.length === MAX_FUNCTION_NAME_LENGTH && /-[0-9a-f]{16}$/.test(name)) return null;
  return name.replace(/__|U/g, (m) => (m === 'U' ? '_' : '.'));
}

/**
 * The tools this worker can execute, by id and exact version: the built-ins it was started with (which it registers)
 * and, on demand, tools found by its resolvers. The registry in Postgres lists them all for the API.
 */
export class ToolCatalog {
  private readonly entries = new Map<string, CatalogEntry>();
  private readonly resolvers: CatalogResolver[] = [];
  /** Resolved entries, kept: registry manifests are immutable per version and their documents per id (D27). */
  private readonly resolved = new Map<string, CatalogEntry>();

  add(manifest: ToolManifest, run?: BuiltinTool['run']): this {
    if (manifest.binding.type === 'inproc_safe' && !run) throw new Error(`${manifest.id}: an inproc_safe tool needs an implementation`);
    // Built-ins meet the same schema limits as registered tools (D43): a worker with a bad one does not start.
    const problem = manifestSchemaProblem(manifest);
    if (problem) throw new Error(`${manifest.id}: ${problem}`);
    this.entries.set(`${manifest.id}@${manifest.version}`, { manifest, manifest_hash: manifestHashOf(manifest), ...(run ? { run } : {}) });
    return this;
  }

  get(id: string, version: string): CatalogEntry | undefined {
    return this.entries.get(`${id}@${version}`);
  }

  addResolver(resolver: CatalogResolver): this {
    this.resolvers.push(resolver);
    return this;
  }

  /** A built-in, else the first resolver's answer. Misses are not remembered: the tool may be registered later. */
  async resolve(id: string, version: string): Promise<CatalogEntry | undefined> {
    const key = `${id}@${version}`;
    const known = this.entries.get(key) ?? this.resolved.get(key);
    if (known) return known;
    for (const resolver of this.resolvers) {
      const found = await resolver(id, version);
      if (found) {
        this.resolved.set(key, found);
        return found;
      }
    }
    return undefined;
  }

  /** The built-ins. */
  all(): CatalogEntry[] {
    return [...this.entries.values()];
  }

  /** Publishes every manifest to the registry (idempotent; a changed manifest under an old version is refused). */
  async registerAll(registry: ToolRegistryStore): Promise<void> {
    for (const e of this.entries.values()) await registry.register(e.manifest, e.manifest_hash);
  }
}
