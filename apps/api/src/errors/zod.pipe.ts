import { Body, Param, type PipeTransform, Query } from '@nestjs/common';
import { IdParam } from '@omniai/contracts';
import type { z } from 'zod';
import { parseOrThrow } from './zod-body';

/** Validates a body, query or path parameter against a contract; failures are 400 E_VALIDATION with every field. */
export class ZodPipe<T extends z.ZodType> implements PipeTransform<unknown, z.infer<T>> {
  constructor(private readonly schema: T) {}

  transform(value: unknown): z.infer<T> {
    return parseOrThrow(this.schema, value);
  }
}

/** The path parameter `name`, validated against `schema` (a UUID unless told otherwise). */
export const ParamOf = (name: string, schema: z.ZodType = IdParam): ParameterDecorator => Param(name, new ZodPipe(schema));

/** The request body, validated against `schema`. */
export const BodyOf = (schema: z.ZodType): ParameterDecorator => Body(new ZodPipe(schema));

/** The query string, validated against `schema`. */
export const QueryOf = (schema: z.ZodType): ParameterDecorator => Query(new ZodPipe(schema));
