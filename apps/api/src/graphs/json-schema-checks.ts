import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { type JsonFieldError, JsonValidatorPool, MAX_FIELD_ERRORS } from '@omniai/tools';
import { ApiException } from '../errors/api.exception';

/** One failing field, as every 4xx with field errors lists them: a dotted path from the body's root and why. */
export interface FieldError {
  path: string;
  message: string;
}

/**
 * Validation of client values against user-authored JSON Schemas (a graph's `input_schema`, an approval node's
 * `form_schema`) on the validator threads of `@omniai/tools`: Ajv with RE2 patterns and a deadline, so neither a
 * hostile schema nor a hostile value can hold the API's event loop (D43).
 */
@Injectable()
export class JsonSchemaChecks implements OnModuleDestroy {
  private readonly pool = new JsonValidatorPool({ size: 1 });

  /**
   * Refuses `value` unless it is valid against `schema`: 422 `code` with every failing field in `detail` (at most
   * {@link MAX_FIELD_ERRORS}, each with its path under `at`, e.g. `input.ticket.subject`; the message names the first
   * and how many failed), or 422 `E_VALIDATION_TIMEOUT` when the validation ran past its deadline.
   */
  async require(schema: Record<string, unknown>, value: unknown, at: string, code: 'E_GRAPH_INPUT_INVALID' | 'E_VALIDATION', what: string): Promise<void> {
    const result = await this.pool.validate(schema, value, { allErrors: true });
    if (result.ok) return;
    if (result.code === 'E_VALIDATION_TIMEOUT') throw new ApiException('E_VALIDATION_TIMEOUT', `Validating the ${what} took too long: ${result.message}.`);
    const errors = result.errors?.length ? result.errors.map((e) => under(e, at)) : [fieldError(result.message, at)];
    const total = Math.max(result.total ?? 0, errors.length);
    const first = `${errors[0]!.path}: ${errors[0]!.message}`;
    const more = total > 1 ? ` (${total} fields fail${total > errors.length ? `, the first ${errors.length} are listed` : ''})` : '';
    throw new ApiException(code, `The ${what} does not match its schema: ${first}${more}.`, errors);
  }

  onModuleDestroy(): Promise<void> {
    return this.pool.close();
  }
}

/** A validator's field error (`a.b`, or `(root)` for the value itself) with its path under `at`. */
function under(e: JsonFieldError, at: string): FieldError {
  return { path: e.path === '(root)' ? at : `${at}.${e.path}`, message: e.message };
}

/** `a.b: must be string` (the validator's first failing path) → `{ path: 'at.a.b', message: 'must be string' }`. */
export function fieldError(message: string, at: string): FieldError {
  const split = message.indexOf(': ');
  const where = split < 0 ? '(root)' : message.slice(0, split);
  const why = split < 0 ? message : message.slice(split + 2);
  return { path: where === '(root)' ? at : `${at}.${where}`, message: why };
}
