// Types of json-validator.cjs for code type-checked without `allowJs` (the projects outside libs/tools that read its
// sources through the `@omniai/source` condition).
export declare const THREAD_ROLE: 'omniai-json-validator';
export type ValidationResult = { ok: true } | { ok: false; message: string };
export interface JsonValidator {
  compile(key: string, schema: Record<string, unknown>): unknown;
  validate(key: string, schema: Record<string, unknown>, value: unknown): ValidationResult;
}
export declare function createValidator(options?: { maxCached?: number }): JsonValidator;
