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
import { type ProviderUrlRules, ToolError, vetProviderUrl } from '@omniai/tools';
import { AppConfig } from '../config/app-config';
import { ApiException } from '../errors/api.exception';

/** Vets a provider base URL like tool egress (D44): a class, so the DNS lookup stays behind one seam. */
@Injectable()
export class ProviderUrlVetting {
  vet(baseUrl: string, rules: ProviderUrlRules): Promise<void> {
    return vetProviderUrl(baseUrl, rules);
  }
}

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
    private readonly urls: ProviderUrlVetting,
    private readonly config: AppConfig,
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
    // Public addresses only; loopback only for presets that run on this machine. The worker checks again per call.
    if (body.base_url && !this.config.allowPrivateProviderUrls) {
      try {
        await this.urls.vet(body.base_url, { local: preset.local });
      } catch (err) {
        if (!(err instanceof ToolError)) throw err;
        throw new ApiException('E_VALIDATION', `The base URL cannot be used: ${err.message}.`, [{ path: 'base_url', message: err.message }]);
      }
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
