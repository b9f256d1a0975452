/**
 * JSON with object keys sorted recursively (by UTF-16 code units, as RFC 8785 does) and no whitespace, so that equal
 * data always gives the same text, whatever order its keys were written in. Array order is kept: it is data.
 * Properties whose value is `undefined` are left out, as JSON.stringify does; values that JSON cannot hold are refused.
 *
 * Here rather than in the tools library because manifest hashes are computed on both sides of the API boundary: the
 * worker registers built-in manifests, the API registers manifests derived from OpenAPI documents. In the pure subpath
 * because the console recomputes the arguments hash a reviewer's decision binds to (D42). Pure: no I/O.
 */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v === undefined ? null : v)).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    const members = Object.keys(record)
      .filter((k) => record[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(record[k])}`);
    return `{${members.join(',')}}`;
  }
  if (typeof value === 'number' && !Number.isFinite(value)) throw new TypeError(`canonicalJson: ${value} is not a JSON number`);
  const text = JSON.stringify(value);
  if (text === undefined) throw new TypeError(`canonicalJson: a ${typeof value} is not JSON`);
  return text;
}
