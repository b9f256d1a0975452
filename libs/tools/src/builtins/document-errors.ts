import type { ErrorCode } from '@omniai/contracts';
import { checkDocumentPath, DocumentError, type DocumentErrorKind } from '@omniai/store';
import { ToolError } from '../tool';

/** How each refusal of the document store reaches the model. */
const CODES: Readonly<Record<DocumentErrorKind, ErrorCode>> = {
  invalid_path: 'E_VALIDATION',
  invalid_text: 'E_VALIDATION',
  invalid_patch: 'E_VALIDATION',
  not_found: 'E_NOT_FOUND',
  version_conflict: 'E_CONFLICT',
  patch_does_not_apply: 'E_TOOL_FAILED',
  idempotency_key_reused: 'E_CONFLICT',
};

/** Refuses a path that is not relative and normalized before anything is read or written. */
export function requireDocumentPath(path: string): string {
  const problem = checkDocumentPath(path);
  if (problem) throw new ToolError('E_VALIDATION', `invalid path: ${problem}`);
  return path;
}

/**
 * Runs a document store call, turning its refusals into ToolErrors the model can act on. Anything else (Postgres
 * unreachable, a bug) is rethrown untouched: the runtime treats it as a failure of the call, which may be retried.
 */
export async function documentCall<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (err instanceof DocumentError) throw new ToolError(CODES[err.kind], err.message);
    throw err;
  }
}
