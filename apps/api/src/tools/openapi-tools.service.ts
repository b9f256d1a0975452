import { Injectable } from '@nestjs/common';
import type { RegisterOpenApiToolsRequest, RegisterOpenApiToolsResponse, ToolManifest } from '@omniai/contracts';
import { OpenApiSpecConflict, OpenApiSpecStore, ToolRegistryStore } from '@omniai/store';
import { manifestForOperation, OpenApiOperationError, operationIds } from '@omniai/tools';
import { ApiException } from '../errors/api.exception';
import { checkToolBatch, registerToolBatch } from './tool-batch';

/**
 * Registers an OpenAPI document as tools: derives every manifest first (all or nothing: a listed operation that
 * cannot be proxied refuses the whole request), then stores the document, then registers the manifests. The worker
 * resolves these tools from the registry when a run calls them (D27).
 */
@Injectable()
export class OpenApiToolsService {
  constructor(
    private readonly specs: OpenApiSpecStore,
    private readonly registry: ToolRegistryStore,
  ) {}

  async register(body: RegisterOpenApiToolsRequest): Promise<RegisterOpenApiToolsResponse> {
    const spec = body.spec as Record<string, unknown>;
    const all = operationIds(spec);
    const duplicated = all.find((id, i) => all.indexOf(id) !== i);
    if (duplicated) throw new ApiException('E_VALIDATION', `operationId "${duplicated}" is used by more than one operation.`);
    const wanted = body.operations ?? all;
    const manifests: ToolManifest[] = [];
    const skipped: RegisterOpenApiToolsResponse['skipped'] = [];
    for (const operationId of wanted) {
      try {
        manifests.push(manifestForOperation(body.id, spec, operationId));
      } catch (err) {
        if (!(err instanceof OpenApiOperationError)) throw err;
        if (body.operations) throw new ApiException('E_VALIDATION', `Operation ${operationId} cannot be offered as a tool: ${err.message}`);
        skipped.push({ operation_id: operationId, reason: err.message });
      }
    }
    await checkToolBatch(this.registry, manifests, skipped, {
      none: 'The document has no operation that can be offered as a tool.',
      clash: (id) => `Two operations would both be named ${id}; give them operationIds that differ in more than case or punctuation.`,
      source: 'document',
    });
    let stored;
    try {
      stored = await this.specs.put(body.id, spec);
    } catch (err) {
      if (err instanceof OpenApiSpecConflict)
        throw new ApiException('E_CONFLICT', `Another OpenAPI document is already registered as "${body.id}"; register this one under a new id.`);
      throw err;
    }
    const tools = await registerToolBatch(this.registry, manifests);
    return { spec_id: stored.stored.id, spec_hash: stored.stored.spec_hash, created: stored.created, tools, skipped };
  }
}
