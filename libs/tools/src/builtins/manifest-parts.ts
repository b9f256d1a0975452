import { MAX_DOCUMENT_PATH_LENGTH } from '@omniai/store';
import type { ToolManifest } from '@omniai/contracts';

/** Pieces the built-in manifests share, so that every file tool describes paths and versions the same way. */

/** The JSON Schema dialect of every built-in manifest. */
export const JSON_SCHEMA_2020_12 = 'https://json-schema.org/draft/2020-12/schema';

/** Longest document text a tool accepts or returns (characters): about a megabyte of prose. */
export const MAX_DOCUMENT_TEXT = 1_000_000;

/**
 * Limits of an in-process built-in: these tools only query Postgres, so they need little, and a call that takes
 * longer than this is stuck rather than busy.
 */
export const INPROC_LIMITS: ToolManifest['risk']['limits'] = { timeout_ms: 15_000, memory_mb: 256, cpus: 1 };

/** A closed object schema (draft 2020-12): every property listed, nothing else accepted. */
export function objectSchema(properties: Record<string, object>, required: string[], description?: string): Record<string, unknown> {
  return {
    $schema: JSON_SCHEMA_2020_12,
    type: 'object',
    ...(description ? { description } : {}),
    properties,
    required,
    additionalProperties: false,
  };
}

export const PATH_SCHEMA = {
  type: 'string',
  minLength: 1,
  maxLength: MAX_DOCUMENT_PATH_LENGTH,
  description: 'Path of the file inside the project, relative and normalized, e.g. "notes/plan.md" (no leading "/", no "." or ".." segments).',
};

export const VERSION_SCHEMA = { type: 'integer', minimum: 1, description: 'Version number of the file: 1 when created, +1 on every write.' };

export const SHA256_SCHEMA = { type: 'string', pattern: '^[0-9a-f]{64}$', description: 'SHA-256 of the UTF-8 content, hex.' };

/** The risk of an in-process tool that reads the project's files (and nothing else): no network, in-process limits. */
export const READS_FILES: ToolManifest['risk'] = { side_effect: 'read', scopes: ['read_files'], egress_hosts: [], limits: INPROC_LIMITS };

/** The risk of an in-process tool that writes the project's files (and nothing else). */
export const WRITES_FILES: ToolManifest['risk'] = { side_effect: 'write', scopes: ['write_files'], egress_hosts: [], limits: INPROC_LIMITS };
