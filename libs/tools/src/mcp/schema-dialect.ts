/**
 * MCP servers list their tools' schemas in whatever JSON Schema dialect their SDK emits; many (the reference servers
 * among them, through zod-to-json-schema) declare draft-07. OmniAI validates with draft 2020-12 only (D43), so a draft-04,
 * -06 or -07 schema is rewritten into its 2020-12 equivalent before it becomes a manifest's schema. The definition hash
 * is always computed over the schema exactly as the server listed it.
 *
 * What differs between those drafts and 2020-12 for validation: `$schema` itself, array-form `items` (now
 * `prefixItems`, with `additionalItems` becoming `items`), and `definitions` (now `$defs`; `$ref` pointers to
 * `#/definitions/…` follow). Draft-04's boolean `exclusiveMinimum`/`exclusiveMaximum` become numbers.
 */

const OLD_DIALECT = /^https?:\/\/json-schema\.org\/draft-0[467]\/schema#?$/;

/** Keywords whose values are data, not schemas. */
const DATA_KEYWORDS = new Set(['const', 'enum', 'default', 'examples']);

/** True when the schema declares draft-04, -06 or -07. */
export function isOldDialect(schema: Record<string, unknown>): boolean {
  return typeof schema['$schema'] === 'string' && OLD_DIALECT.test(schema['$schema']);
}

/** The 2020-12 equivalent of a draft-04/06/07 schema; any other schema is returned as it is. */
export function toDraft2020(schema: Record<string, unknown>): Record<string, unknown> {
  if (!isOldDialect(schema)) return schema;
  const { $schema: _dialect, ...rest } = schema;
  return rewrite(rest) as Record<string, unknown>;
}

function rewrite(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(rewrite);
  if (node === null || typeof node !== 'object') return node;
  const source = node as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(source)) {
    if (DATA_KEYWORDS.has(key)) {
      out[key] = value;
    } else if (key === 'items' && Array.isArray(value)) {
      out['prefixItems'] = value.map(rewrite);
      if ('additionalItems' in source) out['items'] = rewrite(source['additionalItems']);
    } else if (key === 'additionalItems') {
      // Handled with array-form `items`; meaningless (ignored by draft-07) otherwise.
    } else if (key === 'definitions') {
      out['$defs'] = rewrite(value);
    } else if (key === '$ref' && typeof value === 'string') {
      out[key] = value.replace(/^#\/definitions\//, '#/$defs/');
    } else if ((key === 'exclusiveMinimum' || key === 'exclusiveMaximum') && typeof value === 'boolean') {
      // Draft-04: a flag on minimum/maximum.
      const bound = key === 'exclusiveMinimum' ? 'minimum' : 'maximum';
      if (value && typeof source[bound] === 'number') out[key] = source[bound];
    } else {
      out[key] = rewrite(value);
    }
  }
  for (const bound of ['minimum', 'maximum'] as const) {
    const flag = bound === 'minimum' ? 'exclusiveMinimum' : 'exclusiveMaximum';
    if (source[flag] === true && typeof out[flag] === 'number') delete out[bound];
  }
  return out;
}
