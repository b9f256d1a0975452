import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ProviderConfigStore } from '@omniai/store';
import { ProviderRegistry } from './provider-registry';

describe('ProviderRegistry: base URLs vetted again at call time (D44)', () => {
  let server: Server;
  let hits = 0;
  beforeAll(async () => {
    server = createServer((_req, res) => {
      hits += 1;
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"object":"list","data":[{"id":"m","object":"model","created":0,"owned_by":"x"}]}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  const registry = (preset: string, allowPrivate = false) => {
    const base_url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
    const configs = { getForProject: async () => ({ id: 'p1', preset, base_url }), revealKey: async () => 'sk-test' } as unknown as ProviderConfigStore;
    return new ProviderRegistry(configs, undefined, allowPrivate);
  };
  const pins = { provider: 'p1' } as never;

  it('refuses loopback for a hosted preset without contacting it (a saved URL whose DNS changed, or older rows)', async () => {
    const before = hits;
    const { provider } = await registry('openai').resolve(pins, null);
    await expect(provider.listModels()).rejects.toBeDefined();
    expect(hits).toBe(before);
  });

  it('reaches loopback for a local preset, and anything under the test/dev opt-in', async () => {
    const before = hits;
    await expect((await registry('ollama').resolve(pins, null)).provider.listModels()).resolves.toHaveLength(1);
    await expect((await registry('openai', true).resolve(pins, null)).provider.listModels()).resolves.toHaveLength(1);
    expect(hits).toBe(before + 2);
  });
});
