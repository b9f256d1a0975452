import { Injectable } from '@nestjs/common';
import type { ResearchRequest } from '@omniai/contracts';
import { SearchBackendStore } from '@omniai/store';
import { ApiException } from '../errors/api.exception';

/** A web search backend as a research run records it: its id, kind and the host(s) its requests go to. */
export type ResolvedBackend = NonNullable<ResearchRequest['sources']['web']>;

/** Finds the web search backend a research request names (400 when there is none). */
@Injectable()
export class SearchBackendResolver {
  constructor(private readonly backends: SearchBackendStore) {}

  async resolve(backendId: string): Promise<ResolvedBackend> {
    const backend = await this.backends.get(backendId);
    if (!backend) {
      throw new ApiException('E_VALIDATION', `No web search backend ${backendId} is configured.`, [
        { path: 'sources.web.backend_id', message: 'no such backend' },
      ]);
    }
    // The run records where its searches go; pages it reads are on hosts of their own, each checked when read.
    return { backend_id: backend.id, kind: backend.kind, hosts: [new URL(backend.base_url).host] };
  }
}
