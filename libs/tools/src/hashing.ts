import { createHash } from 'node:crypto';
import { canonicalJson } from './manifest-hash';

export const sha256Hex = (text: string | Buffer) => createHash('sha256').update(text).digest('hex');

/** The hash a reviewer's decision binds to: sha256 of the canonical JSON of the call's parsed arguments. */
export const argumentsHash = (args: unknown) => sha256Hex(canonicalJson(args));
