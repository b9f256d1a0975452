import type { ToolManifest } from '@omniai/contracts';
import type { ToolRegistryStore } from '@omniai/store';
import { type BuiltinTool, manifestHash } from '@omniai/tools';

/** sha256 of the manifest's canonical JSON: what every `tool_call` records and every approval binds to. */
export const manifestHashOf = (manifest: ToolManifest) => manifestHash(manifest);

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

/** Provider-safe function names (OpenAI allows `[a-zA-Z0-9_-]`): `web.fetch_extract` ↔ `web__fetch_extract`. */
export const toolFunctionName = (toolId: string) => toolId.replace(/\./g, '__');

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
