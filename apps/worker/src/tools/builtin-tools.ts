import type Docker from 'dockerode';
import { SANDBOX_IMAGE } from '@omniai/sandbox';
import { DocumentStore, type McpServerStore, OpenApiSpecStore, PolicyStore, ToolRegistryStore } from '@omniai/store';
import type { McpConnector } from '../mcp-hub/mcp-connector';
import {
  createFilesIngestTool,
  createFilesReadTool,
  createFilesWritePatchTool,
  createGitApplyPatchTool,
  createGitDiffTool,
  createDocumentsSearchTool,
  documentSearchBackend,
  legacyWebSearchTool,
  ProjectRepos,
  webFetchExtract,
} from '@omniai/tools';
import type { DataSource } from 'typeorm';
import { mcpResolver } from './mcp-executor';
import { openApiResolver } from './openapi-executor';
import { pythonComputeManifest } from './python-compute';
import { manifestHashOf, ToolCatalog } from './tool-catalog';

/**
 * The built-in tools this worker offers, and how it finds the tools registered through the API. Sandboxed tools pin the local sandbox image by its digest; when the image
 * is missing (setup not run), they are left out and the worker says so instead of offering a tool that cannot run.
 */
export async function builtinToolCatalog(deps: {
  docker: Docker;
  db: DataSource;
  /** Folder of the project git repositories (`OMNI_REPOS_DIR`). */
  reposDir: string;
  sandboxImage?: string;
  warn?: (message: string) => void;
  /** How `mcp_remote` calls reach their servers (the composition root builds it: createMcpConnector). */
  mcp?: { servers: McpServerStore; connector: McpConnector; listingMaxAgeS?: number };
}): Promise<ToolCatalog> {
  const catalog = new ToolCatalog();
  const documents = new DocumentStore(deps.db);
  const repos = new ProjectRepos(deps.reposDir);
  const documentsSearch = createDocumentsSearchTool({ backend: documentSearchBackend(documents) });
  for (const tool of [
    createFilesReadTool({ documents }),
    createFilesIngestTool({ documents }),
    createFilesWritePatchTool({ documents }),
    documentsSearch,
    createGitDiffTool({ repos }),
    createGitApplyPatchTool({ repos }),
  ]) {
    catalog.add(tool.manifest, (input, ctx) => tool.run(input, ctx));
  }
  // Calls pinned to `web.search` (documents.search before it was renamed) by runs in flight at the upgrade still run;
  // resolved on demand rather than added, so it is never registered and new runs are not offered it.
  const legacySearch = legacyWebSearchTool(documentsSearch);
  const legacyEntry = { manifest: legacySearch.manifest, manifest_hash: manifestHashOf(legacySearch.manifest), run: legacySearch.run };
  catalog.addResolver(async (id, version) => (id === legacySearch.manifest.id && version === legacySearch.manifest.version ? legacyEntry : undefined));
  // web.fetch_extract reaches only the hosts the workspace policy allows at the moment of the call (and never a
  // private, loopback, link-local or metadata address, on any redirect hop: D24; a host whose entry has allow_private
  // may be private, never metadata: D58).
  const policies = new PolicyStore(deps.db);
  const fetchManifest = webFetchExtract({ allowHosts: [] }).manifest;
  catalog.add(fetchManifest, async (input, ctx) => webFetchExtract({ allowHosts: (await policies.get()).egress_allow ?? [] }).run(input, ctx));
  // Tools registered through the API from OpenAPI documents run here too, found in the registry when called (D27).
  const registry = new ToolRegistryStore(deps.db);
  catalog.addResolver(openApiResolver({ registry, specs: new OpenApiSpecStore(deps.db), policies }));
  // And tools of MCP servers registered through the API (D35) or the hub (docs/MCP.md).
  if (deps.mcp) catalog.addResolver(mcpResolver({ registry, ...deps.mcp }));
  const image = deps.sandboxImage ?? SANDBOX_IMAGE;
  const inspected = await deps.docker
    .getImage(image)
    .inspect()
    .catch(() => null);
  if (inspected?.Id?.startsWith('sha256:')) {
    const digest = inspected.Id.slice('sha256:'.length);
    const repo = image.split(':')[0]!;
    catalog.add(pythonComputeManifest(`${repo}@sha256:${digest}`, `img.${digest.slice(0, 12)}`));
  } else {
    deps.warn?.(`sandbox image ${image} is missing: python.compute is not offered (run npm run setup)`);
  }
  return catalog;
}
