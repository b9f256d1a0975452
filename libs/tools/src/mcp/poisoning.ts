import type { McpPoisonFlag } from '@omniai/contracts';

/**
 * Poisoning flags (docs/MCP.md): a tool's description, title and every parameter's documentation are text a model
 * reads as instructions, so a server can hide orders in them ("tool poisoning"). This scanner is pure and small on
 * purpose: it flags what a reviewer should look at, it does not decide. Three kinds:
 * - `invisible_unicode`: characters that render as nothing or reorder text (zero-width, bidi controls, the tag block
 *   U+E0000–E007F used to smuggle ASCII, variation selectors, other format characters);
 * - `instructions`: text addressed to the model rather than describing the tool (`<IMPORTANT>` blocks, "ignore previous
 *   instructions", "do not tell the user", "before using this tool, read …", system-prompt-like role tags);
 * - `url`: a link in documentation, which a model may be told to fetch or send data to.
 */

/** Where a text sits in the definition: `description`, `title`, or a JSON pointer into the input schema. */
interface Located {
  where: string;
  text: string;
}

const EXCERPT_MAX = 200;

/** Zero-width and joiners, bidi embeddings/overrides/isolates, word joiner and invisible operators, BOM, soft hyphen, tags, variation selectors. */
const INVISIBLE =
  /[\u00AD\u034F\u061C\u115F\u1160\u17B4\u17B5\u180B-\u180E\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u206F\u3164\uFEFF\uFE00-\uFE0F\uFFA0\u{E0000}-\u{E007F}\u{E0100}-\u{E01EF}]/u;
const INVISIBLE_ALL = new RegExp(INVISIBLE.source, 'gu');

/**
 * Text addressed to the model. Each rule is a phrase a legitimate tool description has no reason to use; the set is
 * kept small so a flag means something (false positives teach reviewers to ignore flags).
 */
const INSTRUCTION_RULES: readonly RegExp[] = [
  // Pseudo-tags that fence orders: <IMPORTANT>, <SYSTEM>, <instructions>, [INST], <|im_start|>.
  /<\s*\/?\s*(important|system|instructions?|secret|hidden|admin)\b[^>]*>/i,
  /\[\/?INST\]|<\|im_start\|>|<\|system\|>/i,
  // Overriding what the model was told.
  /\b(ignore|disregard|forget|override)\b[^.\n]{0,40}\b(previous|prior|above|earlier|all|other|system)\b[^.\n]{0,20}\b(instructions?|prompts?|rules?|directions?|messages?)\b/i,
  // Keeping the user in the dark.
  /\b(do not|don't|never)\b[^.\n]{0,30}\b(tell|inform|mention|reveal|show|notify|alert)\b[^.\n]{0,20}\b(the )?(user|human|operator)\b/i,
  /\bwithout\b[^.\n]{0,20}\b(telling|informing|notifying|asking)\b[^.\n]{0,20}\b(the )?(user|human)\b/i,
  // Chaining: orders to do something else first, or to use another tool's data.
  /\b(before|prior to)\b[^.\n]{0,20}\b(using|calling|invoking)\b[^.\n]{0,30}\b(you must|always|first)\b/i,
  /\byou (must|should) (always )?(first )?(read|call|send|pass|include|use)\b[^.\n]{0,60}\b(file|contents?|~\/|\.ssh|credentials?|tokens?|keys?|passwords?|env)\b/i,
  // Role play of a system prompt.
  /^\s*(system|assistant)\s*:/im,
];

const URL_RE = /\b(?:https?|ftp|file|data|javascript):\/{0,2}[^\s"'<>)]+|\bwww\.[a-z0-9-]+\.[a-z]{2,}[^\s"'<>)]*/i;

/** Invisible characters shown as `U+XXXX`, then cut to the excerpt limit. */
export function visibleExcerpt(text: string): string {
  const shown = text.replace(INVISIBLE_ALL, (c) => `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`);
  return shown.length > EXCERPT_MAX ? `${shown.slice(0, EXCERPT_MAX - 1)}…` : shown;
}

/** The flags of one text. */
export function scanText(where: string, text: string): McpPoisonFlag[] {
  const flags: McpPoisonFlag[] = [];
  const invisible = INVISIBLE.exec(text);
  if (invisible) flags.push({ kind: 'invisible_unicode', where, excerpt: visibleExcerpt(around(text, invisible.index, invisible[0].length)) });
  for (const rule of INSTRUCTION_RULES) {
    const m = rule.exec(text);
    if (m) {
      flags.push({ kind: 'instructions', where, excerpt: visibleExcerpt(around(text, m.index, m[0].length)) });
      break;
    }
  }
  const url = URL_RE.exec(text);
  if (url) flags.push({ kind: 'url', where, excerpt: visibleExcerpt(url[0]) });
  return flags;
}

/** The matched text with some context on each side. */
function around(text: string, index: number, length: number): string {
  const from = Math.max(0, index - 40);
  return `${from > 0 ? '…' : ''}${text.slice(from, index + length + 80)}`;
}

const POINTER_ESCAPE = (key: string) => key.replace(/~/g, '~0').replace(/\//g, '~1');

/**
 * Every documentation string of a JSON Schema with its JSON pointer: `title` and `description` at every level, nested
 * through properties, items, combinators and definitions (and string `default`/`examples`/`enum` values, which a
 * model also reads). Depth and count are capped: a hostile schema cannot make the scan expensive.
 */
export function schemaTexts(schema: unknown, base = '', out: Located[] = [], depth = 0): Located[] {
  if (depth > 32 || out.length > 2_000 || schema === null || typeof schema !== 'object') return out;
  if (Array.isArray(schema)) {
    schema.forEach((s, i) => schemaTexts(s, `${base}/${i}`, out, depth + 1));
    return out;
  }
  for (const [key, value] of Object.entries(schema as Record<string, unknown>)) {
    const here = `${base}/${POINTER_ESCAPE(key)}`;
    if (typeof value === 'string') {
      if (key === 'description' || key === 'title' || key === 'default' || key === '$comment') out.push({ where: here, text: value });
    } else if (key === 'enum' || key === 'examples') {
      if (Array.isArray(value)) value.forEach((v, i) => typeof v === 'string' && out.push({ where: `${here}/${i}`, text: v }));
    } else if (key === 'properties' || key === 'patternProperties' || key === '$defs' || key === 'definitions' || key === 'dependentSchemas') {
      if (value && typeof value === 'object' && !Array.isArray(value)) {
        for (const [name, sub] of Object.entries(value as Record<string, unknown>)) {
          const at = `${here}/${POINTER_ESCAPE(name)}`;
          // A property's own name is documentation too (`<IMPORTANT>` as a key).
          if (INVISIBLE.test(name)) out.push({ where: at, text: name });
          schemaTexts(sub, at, out, depth + 1);
        }
      }
    } else if (value && typeof value === 'object') {
      schemaTexts(value, here, out, depth + 1);
    }
  }
  return out;
}

/** The flags of a tool definition as listed: its title, its description and every text of its input schema. */
export function scanToolDefinition(definition: {
  title?: string | undefined;
  description?: string | undefined;
  input_schema: Record<string, unknown>;
  annotations?: Record<string, unknown> | undefined;
}): McpPoisonFlag[] {
  const texts: Located[] = [];
  if (definition.title !== undefined) texts.push({ where: 'title', text: definition.title });
  if (typeof definition.annotations?.['title'] === 'string') texts.push({ where: 'annotations/title', text: definition.annotations['title'] });
  if (definition.description !== undefined) texts.push({ where: 'description', text: definition.description });
  for (const t of schemaTexts(definition.input_schema, '/input_schema')) texts.push(t);
  return texts.flatMap((t) => scanText(t.where, t.text));
}
