import type { z } from 'zod';
import { ApiException } from './api.exception';

/** Parses untrusted input with a contract; failures become 400 E_VALIDATION listing every failing field. */
export function parseOrThrow<T extends z.ZodType>(schema: T, input: unknown): z.infer<T> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw new ApiException(
    'E_VALIDATION',
    'The request is not valid.',
    result.error.issues.map((i) => ({ path: i.path.join('.') || '(root)', message: i.message })),
  );
}
