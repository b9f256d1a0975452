import { temporalTls } from './temporal-tls';

describe('temporalTls', () => {
  const files: Record<string, string> = { '/c.pem': 'CERT', '/k.pem': 'KEY', '/ca.pem': 'CA' };
  const read = (p: string) => {
    if (!(p in files)) throw Object.assign(new Error('nope'), { code: 'ENOENT' });
    return Buffer.from(files[p]!);
  };

  it('is plaintext when nothing is configured (the local dev server)', () => {
    expect(temporalTls({}, read)).toBeUndefined();
  });

  it('builds mTLS from the certificate, key and CA files', () => {
    const tls = temporalTls({ cert: '/c.pem', key: '/k.pem', ca: '/ca.pem', serverName: 'temporal.internal' }, read);
    expect(tls).toEqual({
      serverNameOverride: 'temporal.internal',
      serverRootCACertificate: Buffer.from('CA'),
      clientCertPair: { crt: Buffer.from('CERT'), key: Buffer.from('KEY') },
    });
  });

  it('turns on server-only TLS with the flag', () => {
    expect(temporalTls({ enabled: true }, read)).toEqual({});
  });

  it('refuses half a client pair and names a missing file', () => {
    expect(() => temporalTls({ cert: '/c.pem' }, read)).toThrow(/go together/);
    expect(() => temporalTls({ cert: '/c.pem', key: '/missing.pem' }, read)).toThrow('OMNI_TEMPORAL_TLS_KEY: cannot read /missing.pem (ENOENT)');
  });
});
