import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ToolError } from '../tool';
import { providerFetch, vetProviderUrl } from './provider-url';
import type { Resolver } from './safe-fetch';

/** DNS for the test: names mapped to the addresses given. */
const dns =
  (answers: Record<string, string[]>): Resolver =>
  async (name) =>
    (answers[name] ?? []).map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
const DNS = dns({ 'api.example.com': ['93.184.216.34'], 'rebind.example.com': ['93.184.216.34', '10.0.0.7'], 'ollama.lan': ['192.168.1.20'] });

const refusal = async (p: Promise<unknown>) => {
  try {
    await p;
    return 'accepted';
  } catch (err) {
    return err instanceof ToolError ? `${err.code}: ${err.message}` : `not a ToolError: ${String(err)}`;
  }
};

describe('provider base URLs (D44)', () => {
  it('admits public addresses for every preset, loopback only for local ones', async () => {
    expect(await refusal(vetProviderUrl('https://api.example.com/v1', { local: false }, DNS))).toBe('accepted');
    expect(await refusal(vetProviderUrl('http://127.0.0.1:11434/v1', { local: true }, DNS))).toBe('accepted');
    expect(await refusal(vetProviderUrl('http://[::1]:8000/v1', { local: true }, DNS))).toBe('accepted');
    expect(await refusal(vetProviderUrl('http://127.0.0.1:11434/v1', { local: false }, DNS))).toBe(
      'E_EGRESS_DENIED: 127.0.0.1 is a loopback address; refused (public addresses only; loopback only for presets that run on this machine)',
    );
  });

  it.each([
    ['http://169.254.169.254/latest/meta-data/', true, 'cloud metadata'],
    ['http://10.0.0.7/v1', true, 'private-network'],
    ['http://ollama.lan:11434/v1', true, 'ollama.lan resolves to a private-network address'],
    ['https://rebind.example.com/v1', false, 'rebind.example.com resolves to a private-network address'],
    ['http://2130706433:8080/v1', false, 'loopback'],
  ])('refuses %s (local preset: %s)', async (url, local, why) => {
    expect(await refusal(vetProviderUrl(url, { local }, DNS))).toMatch(new RegExp(`^E_EGRESS_DENIED: .*${why}`));
  });

  it('refuses other schemes and user info', async () => {
    expect(await refusal(vetProviderUrl('file:///etc/passwd', { local: true }, DNS))).toBe('E_VALIDATION: only http and https URLs can be used, not file:');
    expect(await refusal(vetProviderUrl('https://u:p@api.example.com/v1', { local: false }, DNS))).toMatch(/^E_VALIDATION: a URL carrying a user name/);
  });

  describe('at call time: vetted again and pinned', () => {
    let server: Server;
    let port: number;
    const seen: Array<{ path: string; authorization: string | undefined }> = [];
    beforeAll(async () => {
      server = createServer((req, res) => {
        seen.push({ path: req.url ?? '', authorization: req.headers.authorization });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"data":[]}');
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      port = (server.address() as AddressInfo).port;
    });
    afterAll(() => new Promise((resolve) => server.close(resolve)));

    it('reaches a local preset on loopback, with the key', async () => {
      const fetch = providerFetch(`http://127.0.0.1:${port}/v1`, { local: true });
      const res = await fetch(`http://127.0.0.1:${port}/v1/models`, { headers: { authorization: 'Bearer sk-local' } });
      expect([res.status, await res.json()]).toEqual([200, { data: [] }]);
      expect(seen.at(-1)).toEqual({ path: '/v1/models', authorization: 'Bearer sk-local' });
    });

    it('refuses loopback for a hosted preset, and any other host or port than the base URL', async () => {
      const before = seen.length;
      const hosted = providerFetch(`http://127.0.0.1:${port}/v1`, { local: false });
      expect(await refusal(hosted(`http://127.0.0.1:${port}/v1/models`))).toBe('E_EGRESS_DENIED: 127.0.0.1 is a loopback address; refused');
      const local = providerFetch(`http://127.0.0.1:${port}/v1`, { local: true });
      expect(await refusal(local(`http://127.0.0.1:${port + 1}/v1/models`))).toMatch(
        /^E_EGRESS_DENIED: 127\.0\.0\.1:\d+ is not in this call's egress allowlist$/,
      );
      expect(await refusal(local('http://localhost.example/v1/models'))).toMatch(/^E_EGRESS_DENIED: localhost\.example is not in/);
      expect(seen.length).toBe(before);
    });
  });
});
