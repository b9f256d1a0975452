import { ERROR_HTTP_STATUS, ErrorCode, ErrorEnvelope } from './errors';

describe('error code registry', () => {
  it('maps every code to a 4xx/5xx status', () => {
    for (const code of ErrorCode.options) {
      expect(ERROR_HTTP_STATUS[code]).toBeGreaterThanOrEqual(400);
      expect(ERROR_HTTP_STATUS[code]).toBeLessThan(600);
    }
    expect(Object.keys(ERROR_HTTP_STATUS).sort()).toEqual([...ErrorCode.options].sort());
  });

  it('keeps client mistakes out of the 5xx range', () => {
    for (const code of ['E_VALIDATION', 'E_NOT_FOUND', 'E_PAYLOAD_TOO_LARGE', 'E_AUTH_REQUIRED'] as const) {
      expect(ERROR_HTTP_STATUS[code]).toBeLessThan(500);
    }
  });
});

describe('ErrorEnvelope', () => {
  it('accepts the normalized shape', () => {
    const ok = { error: { code: 'E_NOT_FOUND', message: 'No such run.', request_id: 'r1' } };
    expect(ErrorEnvelope.parse(ok)).toEqual(ok);
  });

  it('rejects unknown codes and extra fields such as a stack', () => {
    expect(ErrorEnvelope.safeParse({ error: { code: 'E_NOPE', message: 'x', request_id: 'r' } }).success).toBe(false);
    expect(ErrorEnvelope.safeParse({ error: { code: 'E_INTERNAL', message: 'x', request_id: 'r', stack: 'at …' } }).success).toBe(false);
  });
});
