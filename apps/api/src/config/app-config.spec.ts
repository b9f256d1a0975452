import { AppConfig } from './app-config';

const base = { DATABASE_URL: 'postgres://unused', OMNI_SECRETS_KEY: 'k', OMNI_PAYLOAD_KEYS: `test:${Buffer.alloc(32, 7).toString('base64')}` };

describe('AppConfig: proxies, hosts and timeouts (issue 13, items 12, 14, 16)', () => {
  it('believes no X-Forwarded-For unless OMNI_TRUST_PROXY says whose', () => {
    expect(AppConfig.fromEnv(base).trustProxy).toBe(false);
    expect(AppConfig.fromEnv({ ...base, OMNI_TRUST_PROXY: 'true' }).trustProxy).toBe(true);
    expect(AppConfig.fromEnv({ ...base, OMNI_TRUST_PROXY: '2' }).trustProxy).toBe(2);
    expect(AppConfig.fromEnv({ ...base, OMNI_TRUST_PROXY: '10.0.0.0/8, 127.0.0.1' }).trustProxy).toEqual(['10.0.0.0/8', '127.0.0.1']);
  });

  it('answers to the public URL, the configured hosts and the loopback names on its own host', () => {
    const c = AppConfig.fromEnv({ ...base, OMNI_PUBLIC_URL: 'https://Omni.Example.com/', OMNI_ALLOWED_HOSTS: 'api.internal:8080' });
    expect([...c.allowedHosts]).toEqual(['omni.example.com', 'api.internal:8080']);
    expect([...c.localHostNames]).toEqual(['localhost', '127.0.0.1', '[::1]']);
    expect([...AppConfig.fromEnv({ ...base, OMNI_API_HOST: '0.0.0.0' }).localHostNames]).toEqual(['localhost', '127.0.0.1', '[::1]']);
    expect([...AppConfig.fromEnv({ ...base, OMNI_API_HOST: '192.168.1.5' }).localHostNames]).toContain('192.168.1.5');
  });

  it('refuses an SSE heartbeat slower than the idle-connection timeout (streams would be cut)', () => {
    expect(() => AppConfig.fromEnv({ ...base, OMNI_SSE_HEARTBEAT_MS: '120000' })).toThrow(/OMNI_SSE_HEARTBEAT_MS/);
    expect(AppConfig.fromEnv(base).timeouts).toEqual({ requestMs: 30_000, connectionMs: 120_000, keepAliveMs: 10_000 });
  });
});
