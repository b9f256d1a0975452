import type { ProviderConfigStore, RunStore } from '@omniai/store';
import type { AppConfig } from '../config/app-config';
import { ApiException } from '../errors/api.exception';
import { ProvidersService, ProviderUrlVetting } from './providers.service';

describe('POST /v1/providers: base_url is vetted like tool egress (D44)', () => {
  const create = jest.fn(async (c: { name: string; preset: string; baseUrl: string | null }) => ({ id: 'p1', ...c, secret_id: null }));
  const service = (allowPrivateProviderUrls: boolean) =>
    new ProvidersService({ create } as unknown as ProviderConfigStore, {} as RunStore, new ProviderUrlVetting(), { allowPrivateProviderUrls } as AppConfig);
  const refusal = async (p: Promise<unknown>) => {
    try {
      await p;
      return 'accepted';
    } catch (err) {
      if (!(err instanceof ApiException)) throw err;
      return { code: err.code, detail: err.detail };
    }
  };
  beforeEach(() => create.mockClear());

  it.each([
    [
      'openai',
      'http://127.0.0.1:11434/v1',
      '127.0.0.1 is a loopback address; refused (public addresses only; loopback only for presets that run on this machine)',
    ],
    ['ollama', 'http://169.254.169.254/v1', '169.254.169.254 is a cloud metadata address; refused (public or loopback addresses only)'],
    ['ollama', 'http://10.0.0.5:11434/v1', '10.0.0.5 is a private-network address; refused'],
  ])('refuses a %s provider at %s with 400 on base_url, storing nothing', async (preset, base_url, message) => {
    expect(await refusal(service(false).create({ name: 'x', preset, base_url, api_key: 'sk-x' } as never))).toEqual({
      code: 'E_VALIDATION',
      detail: [{ path: 'base_url', message: expect.stringContaining(message) }],
    });
    expect(create).not.toHaveBeenCalled();
  });

  it('accepts loopback for a local preset and public addresses for any', async () => {
    await service(false).create({ name: 'o', preset: 'ollama', base_url: 'http://127.0.0.1:11434/v1' } as never);
    await service(false).create({ name: 'a', preset: 'openai', base_url: 'https://93.184.216.34/v1', api_key: 'sk-x' } as never);
    expect(create).toHaveBeenCalledTimes(2);
  });

  it('skips the check only under the test/dev opt-in OMNI_ALLOW_PRIVATE_PROVIDER_URLS=1', async () => {
    await service(true).create({ name: 'w', preset: 'openai', base_url: 'http://127.0.0.1:4000/v1', api_key: 'sk-x' } as never);
    expect(create).toHaveBeenCalledTimes(1);
  });
});
