/** Longest document path accepted (characters). */
export const MAX_DOCUMENT_PATH_LENGTH = 300;

/**
 * Why `path` is not an acceptable document path, or null when it is.
 *
 * A document path is relative, already normalized and has one spelling only: no leading `/`, no `.` or `..`
 * segments, no empty segments (`a//b`, trailing `/`), no backslashes or control characters, at most 300 characters.
 * Paths are refused rather than silently normalized so that what a tool call names is exactly what gets stored, and
 * two spellings can never address one document. The `documents.path` check constraint enforces the same rules.
 */
export function checkDocumentPath(path: string): string | null {
  if (path.length === 0) return 'the path is empty';
  if (path.length > MAX_DOCUMENT_PATH_LENGTH) return `the path is longer than ${MAX_DOCUMENT_PATH_LENGTH} characters`;
  if (/[\u0000-\u001f\u007f-\u009f]/.test(path)) return 'the path contains a control character';
  if (path.includes('\\')) return 'the path contains a backslash: separate folders with /';
  if (path.startsWith('/')) return 'the path must be relative to the project (no leading /)';
  const segments = path.split('/');
  if (segments.includes('..')) return 'the path must not contain ".." segments';
  if (segments.includes('.') || segments.includes('')) {
    const normalized = segments.filter((s) => s !== '' && s !== '.').join('/');
    return normalized ? `the path is not normalized: use "${normalized}"` : 'the path names no file';
  }
  return null;
}
