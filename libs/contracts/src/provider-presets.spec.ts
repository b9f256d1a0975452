import { CreateProviderRequest } from './api';
import { PROVIDER_PRESET_IDS, PROVIDER_PRESETS, ProviderPresetInfo, presetById, toProviderPresetInfo } from './provider-presets';

describe('provider presets', () => {
  it('derives the ids from the list, each once', () => {
    expect([...PROVIDER_PRESET_IDS]).toEqual(PROVIDER_PRESETS.map((p) => p.id));
    expect(new Set(PROVIDER_PRESET_IDS).size).toBe(PROVIDER_PRESETS.length);
  });

  it('finds a preset by id and nothing for offline or unknown ids', () => {
    expect(presetById('ollama')).toMatchObject({ label: 'Ollama', requiresKey: false, local: true });
    expect(presetById('offline')).toBeUndefined();
    expect(presetById('nope')).toBeUndefined();
  });

  it('local presets need no key; hosted ones do', () => {
    for (const p of PROVIDER_PRESETS) expect([p.id, p.requiresKey]).toEqual([p.id, !p.local]);
  });

  it('has an API view of every preset that satisfies its schema', () => {
    for (const p of PROVIDER_PRESETS) expect(ProviderPresetInfo.parse(toProviderPresetInfo(p))).toEqual(toProviderPresetInfo(p));
    expect(toProviderPresetInfo(presetById('openai')!)).toEqual({
      id: 'openai',
      label: 'OpenAI',
      api: 'openai',
      base_url: 'https://api.openai.com/v1',
      auth_header: 'Authorization: Bearer',
      requires_key: true,
      local: false,
      capabilities: { list_models: true, tools: true, seed: true },
    });
  });

  it('is what CreateProviderRequest accepts as a preset', () => {
    for (const id of PROVIDER_PRESET_IDS) expect(CreateProviderRequest.safeParse({ name: 'x', preset: id }).success).toBe(true);
    expect(CreateProviderRequest.safeParse({ name: 'x', preset: 'offline' }).success).toBe(false);
  });
});
