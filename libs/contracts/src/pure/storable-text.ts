// Postgres refuses NUL in `text` and `\u0000` in `jsonb`, and a lone UTF-16 surrogate has no UTF-8 form: either one
// makes an insert fail. Text is made storable where it enters the system (API bodies, model replies, tool outputs)
// and once more where events are appended (D38). Both become U+FFFD, the Unicode replacement character.
const UNSTORABLE = /[\u0000\ud800-\udfff]/;
// A NUL, a high surrogate not followed by a low one, or a low surrogate not preceded by a high one.
const NUL_OR_LONE_SURROGATE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** The replacement for a NUL or a lone surrogate. */
export const REPLACEMENT_CHARACTER = '\ufffd';

/** `text` with every NUL and every lone surrogate replaced by U+FFFD; valid surrogate pairs (emoji) are kept. */
export function storableText(text: string): string {
  if (!UNSTORABLE.test(text)) return text;
  return text.replace(NUL_OR_LONE_SURROGATE, REPLACEMENT_CHARACTER);
}

/**
 * A JSON-like value with {@link storableText} applied to every string in it, object keys included. Returns the same
 * object when nothing needed replacing, so the common case allocates nothing.
 */
export function storableJson<T>(value: T): T {
  if (typeof value === 'string') return storableText(value) as T;
  if (Array.isArray(value)) {
    const items = value.map((v: unknown) => storableJson(v));
    return (items.some((v, i) => v !== value[i]) ? items : value) as T;
  }
  if (value === null || typeof value !== 'object' || !isPlainObject(value)) return value;
  let changed = false;
  const entries = Object.entries(value).map(([k, v]) => {
    const key = storableText(k);
    const item = storableJson(v);
    if (key !== k || item !== v) changed = true;
    return [key, item] as const;
  });
  return (changed ? Object.fromEntries(entries) : value) as T;
}

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}
