import { ApiException } from './api.exception';
import { toErrorEnvelope } from './error-envelope';

describe('toErrorEnvelope', () => {
  it('passes an ApiException through with its code, status and detail', () => {
    const out = toErrorEnvelope(new ApiException('E_VALIDATION', 'bad', [{ path: 'a', message: 'm' }]), 'r1');
    expect(out).toEqual({
      status: 400,
      internal: false,
      body: { error: { code: 'E_VALIDATION', message: 'bad', detail: [{ path: 'a', message: 'm' }], request_id: 'r1' } },
    });
  });

  it('maps framework errors by status (413 from the body limit)', () => {
    const out = toErrorEnvelope({ statusCode: 413, code: 'FST_ERR_CTP_BODY_TOO_LARGE', message: 'Request body is too large' }, 'r2');
    expect(out.status).toBe(413);
    expect(out.body.error.code).toBe('E_PAYLOAD_TOO_LARGE');
  });

  it('hides the text of unexpected errors (it may hold internals or secrets)', () => {
    const out = toErrorEnvelope(new Error('connect ECONNREFUSED postgres://admin:s3cret@db/prod'), 'r3');
    expect(out.status).toBe(500);
    expect(out.internal).toBe(true);
    expect(JSON.stringify(out.body)).not.toMatch(/s3cret|ECONNREFUSED|at /);
    expect(out.body.error.code).toBe('E_INTERNAL');
  });

  it('maps Postgres data errors to 400 E_VALIDATION with the field, never 500', () => {
    const tooLong = toErrorEnvelope({ name: 'QueryFailedError', message: 'value too long', driverError: { code: '22001', column: 'name' } }, 'r4');
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.error.code).toBe('E_VALIDATION');
    expect(tooLong.body.error.detail).toEqual([{ path: 'name', message: expect.any(String) }]);
    for (const code of ['22021', '22P02', '22P05', '23514']) {
      const out = toErrorEnvelope({ message: 'refused', code }, 'r5');
      expect([out.status, out.body.error.code, out.internal]).toEqual([400, 'E_VALIDATION', false]);
    }
    expect(toErrorEnvelope({ message: 'duplicate', driverError: { code: '42P01' } }, 'r6').status).toBe(500);
  });
});
