import type { FieldIssue } from '@omniai/contracts';

/** A failed API call, carrying the error envelope's stable code, user-safe message and field issues (if any). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly issues: FieldIssue[] = [],
  ) {
    super(message);
  }
}
