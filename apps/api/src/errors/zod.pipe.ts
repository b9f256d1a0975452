import { type PipeTransform } from '@nestjs/common';
import type { z } from 'zod';
import { parseOrThrow } from './zod-body';

/** Validates a body, query or path parameter against a contract; failures are 400 E_VALIDATION with every field. */
export class ZodPipe<T extends z.ZodType> implements PipeTransform<unknown, z.infer<T>> {
  constructor(private readonly schema: T) {}

  transform(value: unknown): z.infer<T> {
    return parseOrThrow(this.schema, value);
  }
}
