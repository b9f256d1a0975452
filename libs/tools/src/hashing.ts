import { createHash } from 'node:crypto';
import { canonicalJson } from './manifest-hash';

export const sha256Hex = (text: string | Buffer) => createHash('sha256').update(text).digest('hex');

/** The hash a reviewer's decision binds to: sha256 of the canonical JSON of the call's parsed arguments. */
export const argumentsHash = (args: unknown) => sha256Hex(canonicalJson(args));

const SECRET_KEY = /pass(word)?|secret|token|api[-_]?key|authorization|cookie|credential|private[-_]?key/i;
const MAX_SHOWN_CHARS = 2_000;

/**
 * Arguments as a reviewer sees them: values under secret-looking keys replaced, long strings cut. The hash is
 * always computed over the full arguments, so redaction never weakens what a decision binds to.
 */
export function redactArguments(value: unknown, depth = 0): unknown {
  if (depth > 20) return '…';
  if (typeof value === 'string') return value.length > MAX_SHOWN_CHARS ? `${value.slice(0, MAX_SHOWN_CHARS)}… (${value.length} chars)` : value;
  if (Array.isArray(value)) return value.slice(0, 200).map((v) => redactArguments(v, depth + 1));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, SECRET_KEY.test(k) ? '[redacted]' : redactArguments(v, depth + 1)]));
  }
  return value;
}
