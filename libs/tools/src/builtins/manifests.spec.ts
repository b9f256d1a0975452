import { ToolManifest } from '@omniai/contracts';
import type { DocumentStore } from '@omniai/store';
import type { ProjectRepos } from '../git/project-repos';
import { schemaValidator } from '../testing/tool-harness';
import type { BuiltinTool } from '../tool';
import { createFilesIngestTool } from './files-ingest';
import { createFilesReadTool } from './files-read';
import { createFilesWritePatchTool } from './files-write-patch';
import { createGitApplyPatchTool } from './git-apply-patch';
import { createGitDiffTool } from './git-diff';
import { JSON_SCHEMA_2020_12 } from './manifest-parts';
import { mediaTypeFor } from './media-type';
import { createDocumentsSearchTool } from './documents-search';

// Manifests do not touch their dependencies: a stand-in store is enough to build them.
const documents = {} as DocumentStore;
const repos = {} as ProjectRepos;
const TOOLS: BuiltinTool[] = [
  createFilesIngestTool({ documents }),
  createFilesWritePatchTool({ documents }),
  createFilesReadTool({ documents }),
  createDocumentsSearchTool({ backend: { search: async () => [] } }),
  createGitDiffTool({ repos }),
  createGitApplyPatchTool({ repos }),
];

const MINIMAL_INPUT: Record<string, object> = {
  'files.ingest': { path: 'a.md', text: '' },
  'files.write_patch': { path: 'a.md', patch: '@@ -1 +1 @@' },
  'files.read': { path: 'a.md' },
  'documents.search': { query: 'q' },
  'git.diff': {},
  'git.apply_patch': { patch: '--- a/x\n+++ b/x\n', message: 'm' },
};

/** Every object schema inside a schema, with where it is. */
function objectSchemas(schema: unknown, at = '$'): Array<[string, Record<string, unknown>]> {
  if (schema === null || typeof schema !== 'object') return [];
  const s = schema as Record<string, unknown>;
  const here: Array<[string, Record<string, unknown>]> = s['type'] === 'object' ? [[at, s]] : [];
  const props = Object.entries((s['properties'] as Record<string, unknown> | undefined) ?? {}).flatMap(([k, v]) => objectSchemas(v, `${at}.${k}`));
  return [...here, ...props, ...objectSchemas(s['items'], `${at}[]`)];
}

describe.each(TOOLS.map((t) => [t.manifest.id, t] as const))('%s manifest', (id, tool) => {
  const m = tool.manifest;

  it('is a valid ToolManifest, version 1.0.0, bound in-process to itself', () => {
    expect(ToolManifest.parse(m)).toEqual(m);
    expect(m.version).toBe('1.0.0');
    expect(m.binding).toEqual({ type: 'inproc_safe', builtin: id });
    expect(m.risk.egress_hosts).toEqual([]);
  });

  it('has draft 2020-12 schemas that compile strictly and close every object', () => {
    for (const schema of [m.input_schema, m.output_schema]) {
      expect(schema['$schema']).toBe(JSON_SCHEMA_2020_12);
      expect(() => schemaValidator().compile(schema)).not.toThrow();
      const objects = objectSchemas(schema);
      expect(objects.length).toBeGreaterThan(0);
      for (const [where, o] of objects) expect([where, o['additionalProperties']]).toEqual([where, false]);
    }
  });

  it('accepts a minimal input and refuses it with an unknown property added', () => {
    const check = schemaValidator().compile(m.input_schema);
    expect(check(MINIMAL_INPUT[id])).toBe(true);
    expect(check({ ...MINIMAL_INPUT[id], unexpected: 1 })).toBe(false);
  });
});

describe('risk of the built-ins', () => {
  it.each([
    ['files.ingest', 'write', ['write_files']],
    ['files.write_patch', 'write', ['write_files']],
    ['files.read', 'read', ['read_files']],
    ['documents.search', 'read', ['read_files']],
    ['git.diff', 'read', ['read_files']],
    ['git.apply_patch', 'write', ['write_files']],
  ])('%s: side effect %s, scopes %j', (id, sideEffect, scopes) => {
    const m = TOOLS.find((t) => t.manifest.id === id)!.manifest;
    expect(m.risk.side_effect).toBe(sideEffect);
    expect(m.risk.scopes).toEqual(scopes);
  });
});

describe('inputs the schemas hold back before a tool runs', () => {
  const byId = (id: string) => schemaValidator().compile(TOOLS.find((t) => t.manifest.id === id)!.manifest.input_schema);

  it('documents.search: a limit between 1 and 20', () => {
    const check = byId('documents.search');
    expect([check({ query: 'x' }), check({ query: 'x', limit: 1 }), check({ query: 'x', limit: 20 })]).toEqual([true, true, true]);
    expect([check({ query: 'x', limit: 0 }), check({ query: 'x', limit: 21 }), check({ query: 'x', limit: 2.5 }), check({ query: '' })]).toEqual([
      false,
      false,
      false,
      false,
    ]);
  });

  it('files.ingest: a path of at most 300 characters and a plain media type', () => {
    const check = byId('files.ingest');
    expect(check({ path: 'x'.repeat(300), text: '' })).toBe(true);
    expect(check({ path: 'x'.repeat(301), text: '' })).toBe(false);
    expect(check({ path: 'a.md', text: '', media_type: 'text/markdown' })).toBe(true);
    expect(check({ path: 'a.md', text: '', media_type: 'text/markdown; charset=utf-8' })).toBe(false);
  });

  it('git.diff: revisions only as hashes, HEAD, HEAD~n or main; paths as strings', () => {
    const check = byId('git.diff');
    expect([check({ from: 'abc1234', to: 'HEAD' }), check({ from: 'HEAD~2', to: 'main' }), check({ paths: ['a.md'] })]).toEqual([true, true, true]);
    expect([check({ from: '--output=/tmp/x' }), check({ to: '-p' }), check({ to: 'HEAD^' }), check({ paths: 'a.md' })]).toEqual([false, false, false, false]);
  });

  it('git.apply_patch: a message of at most 500 characters', () => {
    const check = byId('git.apply_patch');
    expect(check({ patch: 'p', message: 'x'.repeat(500) })).toBe(true);
    expect([check({ patch: 'p', message: 'x'.repeat(501) }), check({ patch: '', message: 'm' }), check({ patch: 'p' })]).toEqual([false, false, false]);
  });

  it('files.write_patch: expected_version is a positive integer', () => {
    const check = byId('files.write_patch');
    expect(check({ path: 'a.md', patch: '@@', expected_version: 3 })).toBe(true);
    expect(check({ path: 'a.md', patch: '@@', expected_version: 0 })).toBe(false);
  });
});

describe('mediaTypeFor', () => {
  it.each([
    ['notes/plan.md', 'text/markdown'],
    ['data/Table.CSV', 'text/csv'],
    ['config.yml', 'application/yaml'],
    ['README', 'text/plain'],
    ['.env', 'text/plain'],
    ['archive.tar.gz', 'text/plain'],
    ['dir.md/file', 'text/plain'],
  ])('%s → %s', (path, type) => {
    expect(mediaTypeFor(path)).toBe(type);
  });
});
