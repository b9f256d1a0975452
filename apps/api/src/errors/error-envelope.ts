import { ERROR_HTTP_STATUS, type ErrorCode, type ErrorEnvelope, type FieldIssue } from '@omniai/contracts';
import { isDatabaseUnavailable } from '@omniai/store';
import { ApiException } from './api.exception';

interface HttpLikeError {
  statusCode?: number;
  status?: number;
  getStatus?: () => number;
  code?: string;
  message?: string;
}

const BY_STATUS: Record<number, ErrorCode> = {
  400: 'E_VALIDATION',
  401: 'E_AUTH_REQUIRED',
  403: 'E_AUTH_FORBIDDEN',
  404: 'E_NOT_FOUND',
  405: 'E_NOT_FOUND',
  409: 'E_CONFLICT',
  413: 'E_PAYLOAD_TOO_LARGE',
  415: 'E_VALIDATION',
  429: 'E_RATE_LIMITED',
  503: 'E_DEPENDENCY_UNAVAILABLE',
};

const SAFE_MESSAGES: Partial<Record<ErrorCode, string>> = {
  E_NOT_FOUND: 'No such resource.',
  E_PAYLOAD_TOO_LARGE: 'The request body is larger than this endpoint accepts.',
  E_VALIDATION: 'The request is not valid.',
  E_INTERNAL: 'Something went wrong on our side. The request id helps us find it.',
};

/**
 * Maps anything thrown while serving a request to the normalized envelope. Unknown errors become E_INTERNAL with a
 * generic message: their text (which may hold internals or secrets) stays in the server log only.
 */
export function toErrorEnvelope(error: unknown, requestId: string): { status: number; body: ErrorEnvelope; internal: boolean } {
  if (error instanceof ApiException) {
    const body: ErrorEnvelope = { error: { code: error.code, message: error.message, request_id: requestId } };
    if (error.detail !== undefined) body.error.detail = error.detail;
    return { status: error.status, body, internal: false };
  }
  if (isDatabaseUnavailable(error)) {
    return {
      status: 503,
      body: { error: { code: 'E_DEPENDENCY_UNAVAILABLE', message: 'A backing service (database) is unavailable; retry shortly.', request_id: requestId } },
      internal: true,
    };
  }
  const refused = postgresDataError(error);
  if (refused) {
    const body: ErrorEnvelope = { error: { code: 'E_VALIDATION', message: 'The database refused a value in the request.', request_id: requestId } };
    if (refused.length) body.error.detail = refused;
    return { status: 400, body, internal: false };
  }
  const e = (error ?? {}) as HttpLikeError;
  const status = e.getStatus?.() ?? e.statusCode ?? e.status;
  const code = typeof status === 'number' ? BY_STATUS[status] : undefined;
  if (code) {
    // Fastify's own client errors (bad JSON, unsupported media type) carry a safe message and an FST_ code.
    const message = e.code?.startsWith('FST_') && e.message ? e.message : (SAFE_MESSAGES[code] ?? e.message ?? code);
    return {
      status: ERROR_HTTP_STATUS[code] === status ? status : ERROR_HTTP_STATUS[code],
      body: { error: { code, message, request_id: requestId } },
      internal: false,
    };
  }
  return {
    status: 500,
    body: { error: { code: 'E_INTERNAL', message: SAFE_MESSAGES.E_INTERNAL!, request_id: requestId } },
    internal: true,
  };
}

/**
 * Postgres refusing a value (SQLSTATE class 22, data exceptions: string too long, invalid byte sequence, bad text
 * representation, out of range; and 23514, a check constraint) is the client's data, not our failure: 400 with the
 * column or constraint when Postgres names one. Returns null for any other error.
 */
function postgresDataError(error: unknown): FieldIssue[] | null {
  const e = error as { code?: unknown; driverError?: { code?: unknown; column?: unknown; constraint?: unknown } } | null;
  if (!e || typeof e !== 'object') return null;
  const code = typeof e.driverError?.code === 'string' ? e.driverError.code : typeof e.code === 'string' ? e.code : '';
  if (!/^22[0-9A-Z]{3}$/.test(code) && code !== '23514') return null;
  const field = [e.driverError?.column, e.driverError?.constraint, (e as { column?: unknown }).column].find((f) => typeof f === 'string' && f);
  return field
    ? [{ path: String(field), message: code === '23514' ? 'violates a check on this field' : 'value not accepted (too long or not valid text)' }]
    : [];
}
