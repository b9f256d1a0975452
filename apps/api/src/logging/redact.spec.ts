import { redact } from '@omniai/contracts';
import { StructuredLogger } from './structured-logger';

describe('log redaction', () => {
  it.each([
    ['a bearer header', 'authorization: Bearer omni_pat_AbC123-_xyz failed', 'omni_pat_AbC123'],
    ['a token on its own', 'token omni_pat_AbC123-_xyz revoked', 'omni_pat_AbC123'],
    ['an invite URL', 'GET /v1/auth/invites/inv_' + 'Q'.repeat(43) + ' 500', 'Q'.repeat(43)],
    ['a provider key', 'OpenAI said: incorrect API key sk-proj-abcdef123456', 'abcdef123456'],
    ['a session cookie', 'cookie: omni_session=s3cr3tS3ss10n; other=1', 's3cr3tS3ss10n'],
    ['a JSON password', '{"email":"a@b.c","password":"hunter2-hunter2"}', 'hunter2'],
    ['a basic header', 'Authorization: Basic dXNlcjpwYXNz', 'dXNlcjpwYXNz'],
  ])('removes %s', (_what, line, secret) => {
    expect(redact(line)).not.toContain(secret);
  });

  it('leaves ordinary text alone', () => {
    expect(redact('applied migrations: Identity1764700000000')).toBe('applied migrations: Identity1764700000000');
  });

  it('writes one JSON object per line, redacted, and respects the configured levels', () => {
    const lines: string[] = [];
    const logger = new StructuredLogger(['error', 'warn'], 'json', (l) => lines.push(l));
    logger.error('failed with Bearer omni_pat_zzz', 'stack…', 'errors');
    logger.log('not shown', 'runs');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: 'error', context: 'errors', msg: 'failed with Bearer [redacted]' });
  });
});
