import { z } from 'zod';

/**
 * Any JSON value. One named instance for every contract that carries free-form JSON (graph templates and expressions,
 * approval forms, node values): zod's recursive `z.json()` must be a named schema for the OpenAPI generator to emit it
 * once under `components.schemas` and `$ref` it everywhere else.
 */
export const JsonValue = z.json();
export type JsonValue = z.infer<typeof JsonValue>;
