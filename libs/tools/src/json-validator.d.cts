// Types of json-validator.cjs for code type-checked without `allowJs` (the projects outside libs/tools that read its
// sources through the `@omniai/source` condition).
export declare const THREAD_ROLE: 'omniai-json-validator';
export declare const MAX_FIELD_ERRORS: 20;
/** One failing field: its dotted path from the value's root (`(root)` for the value itself) and why. */
export interface JsonFieldError {
  path: string;
  message: string;
}
export type ValidationResult = { ok: true } | { ok: false; message: string; errors?: JsonFieldError[]; total?: number };
export interface JsonValidator {
  compile(key: string, schema: Record<string, unknown>, allErrors?: boolean): unknown;
  validate(key: string, schema: Record<string, unknown>, value: unknown, options?: { allErrors?: boolean }): ValidationResult;
}
export declare function createValidator(options?: { maxCached?: number }): JsonValidator;
