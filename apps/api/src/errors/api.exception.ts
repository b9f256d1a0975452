import { ERROR_HTTP_STATUS, type ErrorCode } from '@omniai/contracts';

/** Throw this for any failure a client should see: it becomes the normalized error envelope. */
export class ApiException extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly detail?: unknown,
  ) {
    super(message);
  }

  get status(): number {
    return ERROR_HTTP_STATUS[this.code];
  }
}
