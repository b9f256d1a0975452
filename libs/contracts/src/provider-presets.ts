import { z } from 'zod';

/**
 * How to reach a provider: the user picks a preset and pastes a key (or none, for local servers).
 * Plain data (no zod) so the worker's adapters, the API and the console's types share one list; the worker
 * re-exports it from `@omniai/providers`.
 */
export interface ProviderPreset {
  id: string;
  label: string;
  /** Which adapter speaks its wire format. */
  api: 'openai' | 'anthropic';
  baseURL: string;
  /** Header the key travels in (documentation; the SDKs set it). */
  authHeader: 'Authorization: Bearer' | 'x-api-key' | 'api-key' | 'none';
  requiresKey: boolean;
  /** Whether GET /models lists the available models. */
  listModels: boolean;
  tools: boolean;
  seed: boolean;
  /** Local servers run on this machine; no key, no egress. */
  local: boolean;
}

// A table: one preset per row reads (and diffs) better than Prettier's one field per line.
// prettier-ignore
const PRESETS = [
  { id: 'openai', label: 'OpenAI', api: 'openai', baseURL: 'https://api.openai.com/v1', authHeader: 'Authorization: Bearer', requiresKey: true, listModels: true, tools: true, seed: true, local: false },
  { id: 'anthropic', label: 'Anthropic', api: 'anthropic', baseURL: 'https://api.anthropic.com', authHeader: 'x-api-key', requiresKey: true, listModels: true, tools: true, seed: false, local: false },
  { id: 'xai', label: 'xAI', api: 'openai', baseURL: 'https://api.x.ai/v1', authHeader: 'Authorization: Bearer', requiresKey: true, listModels: true, tools: true, seed: true, local: false },
  { id: 'gemini', label: 'Google Gemini (OpenAI-compatible)', api: 'openai', baseURL: 'https://generativelanguage.googleapis.com/v1beta/openai', authHeader: 'Authorization: Bearer', requiresKey: true, listModels: true, tools: true, seed: true, local: false },
  { id: 'azure-openai', label: 'Azure OpenAI', api: 'openai', baseURL: 'https://{resource}.openai.azure.com/openai/v1', authHeader: 'api-key', requiresKey: true, listModels: true, tools: true, seed: true, local: false },
  { id: 'mistral', label: 'Mistral', api: 'openai', baseURL: 'https://api.mistral.ai/v1', authHeader: 'Authorization: Bearer', requiresKey: true, listModels: true, tools: true, seed: true, local: false },
  { id: 'openrouter', label: 'OpenRouter', api: 'openai', baseURL: 'https://openrouter.ai/api/v1', authHeader: 'Authorization: Bearer', requiresKey: true, listModels: true, tools: true, seed: true, local: false },
  { id: 'ollama', label: 'Ollama', api: 'openai', baseURL: 'http://127.0.0.1:11434/v1', authHeader: 'none', requiresKey: false, listModels: true, tools: true, seed: true, local: true },
  { id: 'lmstudio', label: 'LM Studio', api: 'openai', baseURL: 'http://127.0.0.1:1234/v1', authHeader: 'none', requiresKey: false, listModels: true, tools: true, seed: true, local: true },
  { id: 'vllm', label: 'vLLM', api: 'openai', baseURL: 'http://127.0.0.1:8000/v1', authHeader: 'none', requiresKey: false, listModels: true, tools: true, seed: true, local: true },
] as const satisfies readonly ProviderPreset[];

/** A preset id (`offline`, the built-in scripted model, is not a preset). */
export type ProviderPresetId = (typeof PRESETS)[number]['id'];

/** Every preset, in the order the console offers them. */
export const PROVIDER_PRESETS: readonly ProviderPreset[] = PRESETS;

/** Ids of the provider presets, derived from {@link PROVIDER_PRESETS}. */
export const PROVIDER_PRESET_IDS = PRESETS.map((p) => p.id) as unknown as readonly [ProviderPresetId, ...ProviderPresetId[]];

export function presetById(id: string): ProviderPreset | undefined {
  return PROVIDER_PRESETS.find((p) => p.id === id);
}

/** A preset as `GET /v1/provider-presets` lists it (snake_case, like every API body). */
export const ProviderPresetInfo = z.strictObject({
  id: z.enum(PROVIDER_PRESET_IDS),
  label: z.string(),
  /** Which wire format the worker speaks to it. */
  api: z.enum(['openai', 'anthropic']),
  /** Where requests go unless a provider configuration overrides it; `{resource}` marks a part to fill in. */
  base_url: z.string(),
  /** Header the key travels in (`none` for local servers). */
  auth_header: z.enum(['Authorization: Bearer', 'x-api-key', 'api-key', 'none']),
  /** Whether `POST /v1/providers` needs an `api_key` for this preset. */
  requires_key: z.boolean(),
  /** Runs on this machine: no key, no egress. */
  local: z.boolean(),
  capabilities: z.strictObject({
    /** `GET /models` lists the available models. */
    list_models: z.boolean(),
    tools: z.boolean(),
    seed: z.boolean(),
  }),
});
export type ProviderPresetInfo = z.infer<typeof ProviderPresetInfo>;

/** The API view of a preset. */
export function toProviderPresetInfo(p: ProviderPreset): ProviderPresetInfo {
  return {
    id: p.id as ProviderPresetId,
    label: p.label,
    api: p.api,
    base_url: p.baseURL,
    auth_header: p.authHeader,
    requires_key: p.requiresKey,
    local: p.local,
    capabilities: { list_models: p.listModels, tools: p.tools, seed: p.seed },
  };
}
