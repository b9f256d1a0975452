// What a reviewer sees of a tool call's arguments (D42). Pure, so that the worker (which writes the preview into the
// `approval_requested` event) and the console (which shows the full arguments) apply the same rules.

/**
 * Shapes of secret values this system knows: OmniAI's own tokens and cookies, HTTP credentials, and the key formats of
 * the provider presets (OpenAI/Anthropic/OpenRouter `sk-…`, xAI `xai-…`, Google `AIza…`). Each is replaced by a marker
 * naming what was removed. Matched on values only, never on the name of the key that holds them. The log `redact()`
 * applies these too, plus its key-name rule (a log line is not reviewed by anyone, so it may blank more).
 */
export const SECRET_VALUE_PATTERNS: ReadonlyArray<readonly [RegExp, string]> = [
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi, '$1 [redacted]'],
  [/omni_pat_[A-Za-z0-9_-]+/g, 'omni_pat_[redacted]'],
  [/inv_[A-Za-z0-9_-]{20,}/g, 'inv_[redacted]'],
  [/\b(sk|pk|rk)-[A-Za-z0-9_-]{8,}/g, '$1-[redacted]'],
  [/\bxai-[A-Za-z0-9_-]{20,}/g, 'xai-[redacted]'],
  [/\bAIza[A-Za-z0-9_-]{30,}/g, 'AIza[redacted]'],
  [/((?:__Host-)?omni_session=)[^;\s"]+/g, '$1[redacted]'],
];

/** `text` with every known secret value replaced by its marker; `count` says how many were. */
export function maskSecretText(text: string): { text: string; count: number } {
  let out = text;
  let count = 0;
  for (const [pattern, replacement] of SECRET_VALUE_PATTERNS) {
    out = out.replace(pattern, (...match: unknown[]) => {
      count += 1;
      return replacement.replace(/\$1/g, String(match[1] ?? ''));
    });
  }
  return { text: out, count };
}

/**
 * A JSON value with {@link maskSecretText} applied to every string in it (keys are names, not values: kept as they
 * are). Whatever a key is called (`password`, `passage`, `bypass`), its value shows unless it is a known secret.
 */
export function maskSecretValues(value: unknown): { value: unknown; count: number } {
  let count = 0;
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') {
      const masked = maskSecretText(v);
      count += masked.count;
      return masked.text;
    }
    if (Array.isArray(v)) return v.map(walk);
    if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return { value: walk(value), count };
}

/** Limits of the preview that events and approval lists carry; the full arguments are always one click away. */
export const ARGUMENTS_PREVIEW_LIMITS = { chars: 2_000, items: 200, keys: 200, depth: 20 } as const;

/** Every cut in a preview says so with this text, so that a view can tell a preview from the whole (`previewIsTruncated`). */
export const PREVIEW_TRUNCATION_MARK = '[truncated in preview:';

const cut = (what: string) => `… ${PREVIEW_TRUNCATION_MARK} ${what}]`;

/**
 * The preview of a tool call's arguments for lists and timelines: known secret values masked, strings, arrays, objects
 * and nesting cut at {@link ARGUMENTS_PREVIEW_LIMITS}, each cut marked. Never what a reviewer approves: the decision
 * binds the hash of the full arguments, which the approval view loads and checks before Approve is enabled (D42).
 */
export function argumentsPreview(value: unknown): unknown {
  const { chars, items, keys, depth: maxDepth } = ARGUMENTS_PREVIEW_LIMITS;
  const walk = (v: unknown, depth: number): unknown => {
    if (depth > maxDepth) return cut('nested deeper');
    if (typeof v === 'string') {
      const text = maskSecretText(v).text;
      return text.length > chars ? `${text.slice(0, chars)}${cut(`${text.length - chars} more characters`)}` : text;
    }
    if (Array.isArray(v)) {
      const shown = v.slice(0, items).map((x) => walk(x, depth + 1));
      return v.length > items ? [...shown, cut(`${v.length - items} more items`)] : shown;
    }
    if (v !== null && typeof v === 'object') {
      const entries = Object.entries(v);
      const shown = entries.slice(0, keys).map(([k, x]) => [k, walk(x, depth + 1)]);
      if (entries.length > keys) shown.push([PREVIEW_TRUNCATION_MARK, cut(`${entries.length - keys} more keys`)]);
      return Object.fromEntries(shown);
    }
    return v;
  };
  return walk(value, 0);
}

/**
 * Whether a preview was cut anywhere (a marker in any string or key). Older events carry previews with other markers
 * (`… (N chars)`); those count as cut too. A string that merely quotes a marker counts as cut: the safe side.
 */
export function previewIsTruncated(preview: unknown): boolean {
  const marked = (s: string) => s.includes(PREVIEW_TRUNCATION_MARK) || /… \(\d+ chars\)$/.test(s) || s === '…';
  const walk = (v: unknown): boolean => {
    if (typeof v === 'string') return marked(v);
    if (Array.isArray(v)) return v.some(walk);
    if (v !== null && typeof v === 'object') return Object.entries(v).some(([k, x]) => marked(k) || walk(x));
    return false;
  };
  return walk(preview);
}

/** Byte length of text as UTF-8 (what a reviewer is told the full arguments weigh), without Buffer or TextEncoder. */
export function utf8Length(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 4;
      i += 1;
    } else n += 3;
  }
  return n;
}
