/**
 * Secret shapes that must never reach a log line, whatever carried them there (an error message quoting a header, a
 * URL with an invite token, a provider error echoing a key). Each is replaced by a marker naming what was removed.
 */
const PATTERNS: Array<[RegExp, string]> = [
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi, '$1 [redacted]'],
  [/omni_pat_[A-Za-z0-9_-]+/g, 'omni_pat_[redacted]'],
  [/inv_[A-Za-z0-9_-]{20,}/g, 'inv_[redacted]'],
  [/\b(sk|pk|rk)-[A-Za-z0-9_-]{8,}/g, '$1-[redacted]'],
  [/((?:__Host-)?omni_session=)[^;\s"]+/g, '$1[redacted]'],
  [/("?(?:password|api_key|apiKey|secret|token|csrf_token|authorization|cookie)"?\s*[:=]\s*)"[^"]*"/gi, '$1"[redacted]"'],
];

export function redact(text: string): string {
  let out = text;
  for (const [pattern, replacement] of PATTERNS) out = out.replace(pattern, replacement);
  return out;
}
