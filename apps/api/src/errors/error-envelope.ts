import { ERROR_HTTP_STATUS, type ErrorCode, type ErrorEnvelope } from '@omniai/contracts';
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
