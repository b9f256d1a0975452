import type { ToolManifest } from '@omniai/contracts';
import { canonicalJson, manifestHash } from './manifest-hash';

const MANIFEST: ToolManifest = {
  id: 'files.ingest',
  version: '1.0.0',
  description: 'Save text as a file.',
  input_schema: {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    type: 'object',
    properties: { path: { type: 'string', maxLength: 300 }, text: { type: 'string' } },
    required: ['path', 'text'],
    additionalProperties: false,
  },
  output_schema: { type: 'object', properties: { version: { type: 'integer', minimum: 1 } }, required: ['version'], additionalProperties: false },
  risk: { side_effect: 'write', scopes: ['write_files'], egress_hosts: [], limits: { timeout_ms: 15_000, memory_mb: 256, cpus: 1 } },
  binding: { type: 'inproc_safe', builtin: 'files.ingest' },
};

/** The same data with every object's keys in reverse order, at every depth. */
function reverseKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reverseKeys);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .reverse()
        .map(([k, v]) => [k, reverseKeys(v)]),
    );
  }
  return value;
}

/** Every leaf of a JSON value, as a path of keys and indexes. */
function leafPaths(value: unknown, at: Array<string | number> = []): Array<Array<string | number>> {
  if (Array.isArray(value)) return value.length ? value.flatMap((v, i) => leafPaths(v, [...at, i])) : [at];
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value);
    return entries.length ? entries.flatMap(([k, v]) => leafPaths(v, [...at, k])) : [at];
  }
  return [at];
}

/** A deep copy with the leaf at `path` changed (a different value of a different kind, so no change can cancel out). */
function changedAt(value: unknown, path: Array<string | number>): unknown {
  const copy = structuredClone(value) as Record<string | number, unknown>;
  if (path.length === 0) return { changed: true };
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  const last = path[path.length - 1]!;
  const old = node[last];
  node[last] =
    typeof old === 'string' ? `${old}x` : typeof old === 'number' ? old + 1 : typeof old === 'boolean' ? !old : Array.isArray(old) ? ['added'] : { added: 1 };
  return copy;
}

describe('manifestHash', () => {
  it('is the sha256 hex of the canonical JSON', () => {
    expect(manifestHash(MANIFEST)).toMatch(/^[0-9a-f]{64}$/);
    expect(manifestHash(MANIFEST)).toBe(manifestHash(structuredClone(MANIFEST)));
  });

  it('does not depend on the order keys were written in, at any depth', () => {
    const reordered = reverseKeys(MANIFEST) as ToolManifest;
    expect(JSON.stringify(reordered)).not.toBe(JSON.stringify(MANIFEST));
    expect(manifestHash(reordered)).toBe(manifestHash(MANIFEST));
  });

  it('changes when any field changes', () => {
    const base = manifestHash(MANIFEST);
    const paths = leafPaths(MANIFEST);
    expect(paths.length).toBeGreaterThan(15);
    const hashes = paths.map((p) => manifestHash(changedAt(MANIFEST, p) as ToolManifest));
    for (const [i, h] of hashes.entries()) expect([paths[i]!.join('.'), h]).not.toEqual([paths[i]!.join('.'), base]);
    expect(new Set(hashes).size).toBe(hashes.length);
  });

  it('changes when a field is added or removed, or array items are reordered', () => {
    const base = manifestHash(MANIFEST);
    expect(manifestHash({ ...MANIFEST, risk: { ...MANIFEST.risk, scopes: ['write_files', 'read_files'] } })).not.toBe(base);
    expect(manifestHash({ ...MANIFEST, risk: { ...MANIFEST.risk, scopes: [] } })).not.toBe(base);
    const reversedRequired = { ...MANIFEST, input_schema: { ...MANIFEST.input_schema, required: ['text', 'path'] } };
    expect(manifestHash(reversedRequired)).not.toBe(base);
  });
});

describe('canonicalJson', () => {
  it('sorts keys recursively, keeps array order and leaves out undefined properties', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: 'x' }, u: undefined })).toBe('{"a":{"c":"x","d":[3,{"y":2,"z":1}]},"b":1}');
    expect(canonicalJson([undefined, null, true, 'é"'])).toBe('[null,null,true,"é\\""]');
  });

  it('refuses what JSON cannot hold', () => {
    expect(() => canonicalJson({ n: Number.NaN })).toThrow(TypeError);
    expect(() => canonicalJson({ f: () => 1 })).toThrow(TypeError);
  });
});
