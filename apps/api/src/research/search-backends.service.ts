import { Injectable } from '@nestjs/common';
import {
  type CreateSearchBackendRequest,
  SEARCH_BACKEND_DEFAULT_URLS,
  SEARCH_BACKENDS_WITH_KEY,
  type SearchBackend,
  type SearchBackendKind,
} from '@omniai/contracts';
import { SearchBackendStore, type StoredSearchBackend } from '@omniai/store';
import { ApiException } from '../errors/api.exception';

const LABELS: Readonly<Record<SearchBackendKind, string>> = { searxng: 'SearXNG', brave: 'Brave Search', tavily: 'Tavily' };

/** Never let the secret reference out: responses say `has_key` only. */
function publicView({ secret_id: _secret, created_by: _by, ...backend }: StoredSearchBackend): SearchBackend {
  return backend;
}

function needsKey(kind: SearchBackendKind): boolean {
  return (SEARCH_BACKENDS_WITH_KEY as readonly string[]).includes(kind);
}

/** Web search backends of research runs (admin). Their hosts reach the network only through the egress allowlist. */
@Injectable()
export class SearchBackendsService {
  constructor(private readonly backends: SearchBackendStore) {}

  async create(body: CreateSearchBackendRequest, createdBy: string): Promise<SearchBackend> {
    const label = LABELS[body.kind];
    if (needsKey(body.kind) && !body.api_key) {
      throw new ApiException('E_VALIDATION', `A ${label} backend needs an API key.`, [{ path: 'api_key', message: `required for ${label}` }]);
    }
    const baseUrl = body.base_url ?? (body.kind === 'searxng' ? null : SEARCH_BACKEND_DEFAULT_URLS[body.kind]);
    if (!baseUrl) {
      throw new ApiException('E_VALIDATION', 'A SearXNG backend needs the URL of its instance.', [{ path: 'base_url', message: 'required for SearXNG' }]);
    }
    const stored = await this.backends.create({ kind: body.kind, name: body.name, baseUrl, apiKey: body.api_key ?? null, createdBy });
    return publicView(stored);
  }

  async list(): Promise<{ items: SearchBackend[] }> {
    return { items: (await this.backends.list()).map(publicView) };
  }

  /** Deletes the backend and its sealed key; runs that used it keep the sources they read. */
  async delete(id: string): Promise<void> {
    if (!(await this.backends.delete(id))) throw new ApiException('E_NOT_FOUND', `No search backend ${id}.`);
  }
}
