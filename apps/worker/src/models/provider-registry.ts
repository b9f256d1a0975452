import type { RunPins } from '@omniai/contracts';
import { AnthropicAdapter, type ModelProvider, OpenAiAdapter, presetById, ProviderError, ScriptedProvider } from '@omniai/providers';
import type { ProviderConfigStore } from '@omniai/store';
import { providerFetch } from '@omniai/tools';

/**
 * Resolves a run's pinned provider at call time: `offline` is the scripted model; anything else is the id of a
 * provider configuration, whose API key is decrypted here, for this call only (never in workflow input or history).
 */
export class ProviderRegistry {
  constructor(
    private readonly configs: ProviderConfigStore,
    private readonly scripted: ScriptedProvider = new ScriptedProvider(),
    /** TEST/DEV ONLY (`OMNI_ALLOW_PRIVATE_PROVIDER_URLS=1`): base URLs may reach any address, unvetted (D44). */
    private readonly allowPrivateUrls = false,
  ) {}

  /**
   * The adapter for the run's pins, and the provider name prices are keyed by (a preset id, or `offline`). A
   * configuration scoped to another project than the run's is treated as not configured (D41).
   */
  async resolve(pins: RunPins, projectId: string | null): Promise<{ provider: ModelProvider; priceKey: string }> {
    if (pins.provider === 'offline') return { provider: this.scripted, priceKey: 'offline' };
    const config = await this.configs.getForProject(pins.provider, projectId);
    const preset = config ? presetById(config.preset) : undefined;
    if (!config || !preset) {
      throw new ProviderError(
        'E_PROVIDER_BAD_REQUEST',
        undefined,
        undefined,
        `No provider "${pins.provider.slice(0, 100)}" is configured; use the offline model or configure the provider.`,
      );
    }
    const apiKey = (await this.configs.revealKey(config)) ?? undefined;
    const baseURL = config.base_url ?? preset.baseURL;
    // Vetted again at call time and pinned (DNS may have changed since the API checked it): public addresses, or
    // loopback for a local preset (D44).
    const options = {
      preset,
      ...(apiKey ? { apiKey } : {}),
      ...(config.base_url ? { baseURL: config.base_url } : {}),
      ...(this.allowPrivateUrls ? {} : { fetch: providerFetch(baseURL, { local: preset.local }) }),
    };
    return { provider: preset.api === 'anthropic' ? new AnthropicAdapter(options) : new OpenAiAdapter(options), priceKey: preset.id };
  }
}
