import { SECRET_VALUE_PATTERNS } from './pure/approval-arguments';

/**
 * Secret shapes that must never reach a log line, whatever carried them there (an error message quoting a header, a
 * URL with an invite token, a provider error echoing a key). Each is replaced by a marker naming what was removed.
 * The known secret values (shared with the approval view, D42), then a rule logs alone have: whatever a
 * secret-sounding key holds is blanked (nobody reviews a log line, so it may hide more than an approval view may).
 */
const PATTERNS: ReadonlyArray<readonly [RegExp, string]> = [
  ...SECRET_VALUE_PATTERNS,
  [/("?(?:password|api_key|apiKey|secret|token|csrf_token|authorization|cookie)"?\s*[:=]\s*)"[^"]*"/gi, '$1"[redacted]"'],
];

export function redact(text: string): string {
  let out = text;
  for (const [pattern, replacement] of PATTERNS) out = out.replace(pattern, replacement);
  return out;
}
