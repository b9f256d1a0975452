import { canonicalJson, maskSecretValues, utf8Length } from '@omniai/contracts/pure';

/** The full arguments of a call as the approval view shows them, and whether they are the ones the decision binds. */
export interface CheckedArguments {
  /** Pretty JSON of the arguments, known secret values masked (never by key name, D42). */
  text: string;
  /** UTF-8 bytes of their canonical JSON: what the hash is computed over. */
  bytes: number;
  /** sha256 of their canonical JSON, computed here in the browser. */
  hash: string;
  /** Whether `hash` is the approval's `arguments_hash`: only then may the reviewer approve. */
  matches: boolean;
  /** How many known secret values were masked. */
  masked: number;
}

/** Lower-case hex sha256 of text as UTF-8, by the browser's own crypto (Web Crypto: secure contexts only). */
export async function sha256Hex(text: string): Promise<string> {
  const digest = await globalThis.crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * Checks full arguments against the hash a decision binds (sha256 of their canonical JSON, as the worker computed it)
 * and prepares them for display. The hash is taken over the arguments as received, before any masking.
 */
export async function checkArguments(args: unknown, expectedHash: string): Promise<CheckedArguments> {
  const canonical = canonicalJson(args);
  const hash = await sha256Hex(canonical);
  const { value, count } = maskSecretValues(args);
  return { text: JSON.stringify(value, null, 2), bytes: utf8Length(canonical), hash, matches: hash === expectedHash, masked: count };
}
