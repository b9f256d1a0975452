import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import {
  type CreateProviderRequest,
  PROVIDER_PRESETS,
  type ProviderConfig,
  type ProviderPresetInfo,
  presetById,
  toProviderPresetInfo,
} from '@omniai/contracts';
import { ProviderConfigStore, RunStore, type StoredProviderConfig } from '@omniai/store';
import { ApiException } from '../errors/api.exception';

/** Never let the secret reference out: responses carry `has_key` and a fingerprint only. */
function publicView({ secret_id: _secret, ...config }: StoredProviderConfig): ProviderConfig {
  return config;
}

@Injectable()
export class ProvidersService implements OnModuleInit {
  private readonly logger = new Logger('providers');

  constructor(
    private readonly configs: ProviderConfigStore,
    private readonly runs: RunStore,
  ) {}

  /** At start, salts the key fingerprints stored before they were salted (D41); a no-op once done. */
  async onModuleInit(): Promise<void> {
    const resalted = await this.configs.resaltFingerprints();
    if (resalted) this.logger.log(`salted ${resalted} stored key fingerprint(s)`);
  }

  async create(body: CreateProviderRequest): Promise<ProviderConfig> {
    // Hosted presets need a key; local servers (Ollama, LM Studio, vLLM) do not.
    const preset = presetById(body.preset)!; // the contract only lets preset ids through
    if (!body.api_key && preset.requiresKey) {
      throw new ApiException('E_VALIDATION', `The ${preset.label} preset needs an API key.`, [{ path: 'api_key', message: 'required for this preset' }]);
    }
    if (body.project_id && !(await this.runs.getProject(body.project_id))) throw new ApiException('E_NOT_FOUND', `No project ${body.project_id}.`);
    const stored = await this.configs.create({
      name: body.name,
      preset: body.preset,
      baseUrl: body.base_url ?? null,
      apiKey: body.api_key ?? null,
      projectId: body.project_id ?? null,
    });
    return publicView(stored);
  }

  /** Workspace-wide providers and those of the `visible` projects (an admin's 'all': every one). */
  async list(visible: 'all' | string[]): Promise<{ items: ProviderConfig[] }> {
    return { items: (await this.configs.list(visible)).map(publicView) };
  }

  /** Deletes the configuration and its sealed key. Runs pinned to it are left as they are (see ProviderConfigStore). */
  async delete(id: string): Promise<void> {
    if (!(await this.configs.delete(id))) throw new ApiException('E_NOT_FOUND', `No provider ${id}.`);
  }

  presets(): { items: ProviderPresetInfo[] } {
    return { items: PROVIDER_PRESETS.map(toProviderPresetInfo) };
  }
}
