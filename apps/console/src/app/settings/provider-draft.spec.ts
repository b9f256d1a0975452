import { CreateProviderRequest, PROVIDER_PRESETS, toProviderPresetInfo } from '@omniai/contracts';
import { type ProviderDraft, issuesByField, validateDraft } from './provider-draft';

const presets = PROVIDER_PRESETS.map(toProviderPresetInfo);
const draft = (over: Partial<ProviderDraft>): ProviderDraft => ({ preset: 'openai', name: 'OpenAI', apiKey: '', baseUrl: '', projectId: '', ...over });

describe('validateDraft (the form mirrors CreateProviderRequest)', () => {
  it('builds a body the contract accepts, trimmed, without empty optionals', () => {
    const result = validateDraft(draft({ name: '  Work  ', apiKey: ' sk-1\n', baseUrl: ' https://proxy.example/v1 ' }), presets);
    expect(result).toEqual({ ok: true, body: { name: 'Work', preset: 'openai', api_key: 'sk-1', base_url: 'https://proxy.example/v1' } });
    if (result.ok) expect(CreateProviderRequest.parse(result.body)).toEqual(result.body);
  });

  it('needs a key for hosted presets only, and never sends one for local presets', () => {
    expect(validateDraft(draft({}), presets)).toEqual({ ok: false, errors: { api_key: 'OpenAI needs an API key.' } });
    expect(validateDraft(draft({ preset: 'ollama', name: 'Ollama', apiKey: 'stale' }), presets)).toEqual({
      ok: true,
      body: { name: 'Ollama', preset: 'ollama' },
    });
  });

  it('rejects what the contract rejects', () => {
    const project = '0b7d2f7e-4c1a-4d5e-9f3a-1c2b3d4e5f60';
    const bad = validateDraft(draft({ preset: 'offline', name: ' ', baseUrl: 'ftp://x', projectId: 'nope' }), presets);
    expect(bad).toEqual({
      ok: false,
      errors: {
        preset: 'Pick a preset.',
        name: 'Give the provider a name.',
        base_url: 'Enter an http:// or https:// URL.',
        project_id: 'Pick a project or the whole workspace.',
      },
    });
    for (const d of [
      draft({ name: 'x'.repeat(121), apiKey: 'k' }),
      draft({ apiKey: 'k'.repeat(1001) }),
      draft({ apiKey: 'k', baseUrl: `https://a.example/${'p'.repeat(500)}` }),
      draft({ apiKey: 'k', baseUrl: 'not a url' }),
    ]) {
      const r = validateDraft(d, presets);
      expect(r.ok).toBe(false);
      expect(
        CreateProviderRequest.safeParse({ name: d.name.trim(), preset: d.preset, api_key: d.apiKey, ...(d.baseUrl ? { base_url: d.baseUrl } : {}) }).success,
      ).toBe(false);
    }
    expect(validateDraft(draft({ apiKey: 'k', projectId: project }), presets)).toMatchObject({ ok: true, body: { project_id: project } });
  });
});

describe('issuesByField', () => {
  it('keeps the first issue per known field and ignores the rest', () => {
    expect(
      issuesByField([
        { path: 'api_key', message: 'required for this preset' },
        { path: 'api_key', message: 'second' },
        { path: '(root)', message: 'whole body' },
        { path: 'base_url', message: 'Invalid URL' },
      ]),
    ).toEqual({ api_key: 'required for this preset', base_url: 'Invalid URL' });
  });
});
