import type { RegisteredTool, ToolManifest } from '@omniai/contracts';
import { manifestHash, type ToolRegistryStore } from '@omniai/store';
import { ApiException } from '../errors/api.exception';

/** How a source of tools (an MCP server, an OpenAPI document) words the refusals of its batch. */
export interface BatchWords {
  /** No tool could be derived. */
  none: string;
  /** Two derived tools would share `id`. */
  clash: (id: string) => string;
  /** What to register under a new id when a tool would change a registered one. */
  source: 'server' | 'document';
}

/**
 * Checks the manifests derived from one source before anything is stored: there is at least one (else E_VALIDATION
 * with the skipped ones), no two share an id, and none would change a registered tool's id@version (E_CONFLICT).
 */
export async function checkToolBatch(registry: ToolRegistryStore, manifests: readonly ToolManifest[], skipped: readonly object[], words: BatchWords) {
  if (manifests.length === 0) throw new ApiException('E_VALIDATION', words.none, skipped.length ? { skipped } : undefined);
  const ids = manifests.map((m) => m.id);
  const clash = ids.find((id, i) => ids.indexOf(id) !== i);
  if (clash) throw new ApiException('E_VALIDATION', words.clash(clash));
  for (const m of manifests) {
    const existing = await registry.get(m.id, m.version);
    if (existing && existing.manifest_hash !== manifestHash(m)) {
      throw new ApiException(
        'E_CONFLICT',
        `Tool ${m.id}@${m.version} is already registered with another manifest; register the ${words.source} under a new id.`,
      );
    }
  }
}

/** Registers checked manifests; answers them as the registry now holds them. */
export async function registerToolBatch(registry: ToolRegistryStore, manifests: readonly ToolManifest[]): Promise<RegisteredTool[]> {
  const tools: RegisteredTool[] = [];
  for (const m of manifests) {
    await registry.register(m, manifestHash(m));
    tools.push((await registry.get(m.id, m.version))!);
  }
  return tools;
}
