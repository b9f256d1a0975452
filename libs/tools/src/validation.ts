import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type { ValidateFunction } from 'ajv';
import { canonicalJson } from './manifest-hash';

const ajv = new Ajv2020({ allErrors: false, strict: false });
addFormats(ajv);
const compiled = new Map<string, ValidateFunction>();

/** Validates `value` against a JSON Schema (draft 2020-12); the message names the first failing path. */
export function validateJson(schema: Record<string, unknown>, value: unknown): { ok: true } | { ok: false; message: string } {
  const key = canonicalJson(schema);
  let validate = compiled.get(key);
  if (!validate) {
    validate = ajv.compile(schema);
    compiled.set(key, validate);
  }
  if (validate(value)) return { ok: true };
  const e = validate.errors?.[0];
  const where = e?.instancePath ? e.instancePath.slice(1).replace(/\//g, '.') : '(root)';
  const extra = e?.keyword === 'additionalProperties' ? ` (${String((e.params as { additionalProperty?: string }).additionalProperty)})` : '';
  return { ok: false, message: `${where}: ${e?.message ?? 'invalid'}${extra}` };
}
