import { DocumentStore } from '@omniai/store';
import { createTestProjects, openTestDataSource } from '@omniai/store/testing';
import { applyPatch, createPatch } from 'diff';
import type { DataSource } from 'typeorm';
import { fakeToolContext, runChecked } from '../testing/tool-harness';
import { ToolError, type BuiltinTool } from '../tool';
import { createFilesIngestTool } from './files-ingest';
import { createFilesReadTool } from './files-read';
import { createFilesWritePatchTool } from './files-write-patch';
import { createDocumentsSearchTool, documentSearchBackend, type DocumentSearchBackend } from './documents-search';

const PLAN_V1 = '# Plan\n\n- write the store\n- write the tools\n';
const PLAN_V2 = '# Plan\n\n- write the store\n- write the tools\n- write the docs\n';

/** Rejects with a ToolError of this code (and, when given, this exact message). */
async function toolError(p: Promise<unknown>, code: string, message?: string): Promise<void> {
  const err = await p.catch((e: unknown) => e);
  expect(err).toBeInstanceOf(ToolError);
  expect(err).toMatchObject({ code, ...(message ? { message } : {}) });
}

describe('document tools (real Postgres)', () => {
  let ds: DataSource;
  let close: () => Promise<void>;
  let documents: DocumentStore;
  let ingest: BuiltinTool;
  let writePatch: BuiltinTool;
  let read: BuiltinTool;
  let search: BuiltinTool;
  let projectA: string;
  let projectB: string;

  const versionRows = async (): Promise<number> => Number((await ds.query(`select count(*) as n from document_versions`))[0].n);

  beforeAll(async () => {
    ({ ds, close } = await openTestDataSource('tools'));
    documents = new DocumentStore(ds);
    ingest = createFilesIngestTool({ documents });
    writePatch = createFilesWritePatchTool({ documents });
    read = createFilesReadTool({ documents });
    search = createDocumentsSearchTool({ backend: documentSearchBackend(documents) });
    [projectA, projectB] = await createTestProjects(ds, 'A', 'B');
  });
  afterAll(() => close());

  describe('files.ingest', () => {
    it('creates a file, then a new version, recording the run', async () => {
      const ctx = fakeToolContext(projectA);
      const out = await runChecked(ingest, { path: 'docs/plan.md', text: PLAN_V1 }, ctx);
      expect(out).toEqual({ path: 'docs/plan.md', version: 1, sha256: expect.stringMatching(/^[0-9a-f]{64}$/), size_bytes: Buffer.byteLength(PLAN_V1) });
      const again = await runChecked(ingest, { path: 'docs/plan.md', text: PLAN_V2, media_type: 'text/x-plan' }, fakeToolContext(projectA));
      expect(again).toMatchObject({ version: 2 });
      const stored = await documents.get(projectA, 'docs/plan.md', 1);
      expect(stored).toMatchObject({ media_type: 'text/markdown', created_by_run: ctx.run_id, text: PLAN_V1 });
      expect((await documents.get(projectA, 'docs/plan.md'))!.media_type).toBe('text/x-plan');
    });

    it('writes once when the same call is retried', async () => {
      const ctx = fakeToolContext(projectA);
      const first = await runChecked(ingest, { path: 'once.txt', text: 'hello' }, ctx);
      const rows = await versionRows();
      expect(await runChecked(ingest, { path: 'once.txt', text: 'hello' }, ctx)).toEqual(first);
      expect(await versionRows()).toBe(rows);
    });

    it.each([
      ['/etc/passwd', 'invalid path: the path must be relative to the project (no leading /)'],
      ['../outside.md', 'invalid path: the path must not contain ".." segments'],
      ['docs/../../x.md', 'invalid path: the path must not contain ".." segments'],
      ['./docs/plan.md', 'invalid path: the path is not normalized: use "docs/plan.md"'],
      ['x'.repeat(301), 'invalid path: the path is longer than 300 characters'],
    ])('refuses the path %j with E_VALIDATION before writing', async (path, message) => {
      const rows = await versionRows();
      await toolError(ingest.run({ path, text: 'x' }, fakeToolContext(projectA)), 'E_VALIDATION', message);
      expect(await versionRows()).toBe(rows);
    });
  });

  describe('files.write_patch', () => {
    beforeAll(async () => {
      await runChecked(ingest, { path: 'patch/me.md', text: PLAN_V1 }, fakeToolContext(projectA));
    });

    it('applies a unified diff as the next version, once, keeping the way back', async () => {
      const ctx = fakeToolContext(projectA);
      const input = { path: 'patch/me.md', patch: createPatch('patch/me.md', PLAN_V1, PLAN_V2), expected_version: 1 };
      const out = await runChecked(writePatch, input, ctx);
      expect(out).toEqual({ path: 'patch/me.md', version: 2, previous_version: 1, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
      const rows = await versionRows();
      expect(await runChecked(writePatch, input, ctx)).toEqual(out); // the retry
      expect(await versionRows()).toBe(rows);
      const stored = await documents.get(projectA, 'patch/me.md');
      expect(stored).toMatchObject({ version: 2, text: PLAN_V2, created_by_run: ctx.run_id });
      expect(applyPatch(stored!.text, stored!.reverse_patch!)).toBe(PLAN_V1);
    });

    it('fails with E_TOOL_FAILED when the patch does not apply, and changes nothing', async () => {
      const rows = await versionRows();
      const stale = createPatch('patch/me.md', '# Plan\n\n- something else\n', '# Plan\n\n- another thing\n');
      await toolError(
        writePatch.run({ path: 'patch/me.md', patch: stale }, fakeToolContext(projectA)),
        'E_TOOL_FAILED',
        'the patch does not apply to version 2 of patch/me.md',
      );
      expect(await versionRows()).toBe(rows);
      expect((await documents.get(projectA, 'patch/me.md'))!.text).toBe(PLAN_V2);
    });

    it('maps a stale expected_version to E_CONFLICT, a missing file to E_NOT_FOUND and a non-diff to E_VALIDATION', async () => {
      const patch = createPatch('patch/me.md', PLAN_V2, `${PLAN_V2}- ship\n`);
      await toolError(
        writePatch.run({ path: 'patch/me.md', patch, expected_version: 1 }, fakeToolContext(projectA)),
        'E_CONFLICT',
        'expected version 1 of patch/me.md, but the current version is 2',
      );
      await toolError(writePatch.run({ path: 'patch/nope.md', patch }, fakeToolContext(projectA)), 'E_NOT_FOUND');
      await toolError(writePatch.run({ path: 'patch/me.md', patch: 'add a line "- ship"' }, fakeToolContext(projectA)), 'E_VALIDATION');
      await toolError(writePatch.run({ path: '../me.md', patch }, fakeToolContext(projectA)), 'E_VALIDATION');
      // The same file name in another project is another file.
      await toolError(writePatch.run({ path: 'patch/me.md', patch }, fakeToolContext(projectB)), 'E_NOT_FOUND');
    });
  });

  describe('files.read', () => {
    it('returns the current version or the one asked for, within the project only', async () => {
      await runChecked(ingest, { path: 'read/a.txt', text: 'one' }, fakeToolContext(projectA));
      await runChecked(ingest, { path: 'read/a.txt', text: 'two' }, fakeToolContext(projectA));
      expect(await runChecked(read, { path: 'read/a.txt' }, fakeToolContext(projectA))).toEqual({ path: 'read/a.txt', version: 2, text: 'two' });
      expect(await runChecked(read, { path: 'read/a.txt', version: 1 }, fakeToolContext(projectA))).toEqual({ path: 'read/a.txt', version: 1, text: 'one' });
      await toolError(read.run({ path: 'read/a.txt', version: 3 }, fakeToolContext(projectA)), 'E_NOT_FOUND', 'read/a.txt has no version 3');
      await toolError(read.run({ path: 'read/a.txt' }, fakeToolContext(projectB)), 'E_NOT_FOUND', 'no file at read/a.txt');
      await toolError(read.run({ path: 'read//a.txt' }, fakeToolContext(projectA)), 'E_VALIDATION');
    });
  });

  describe('documents.search', () => {
    let searchA: string;
    let searchB: string;

    beforeAll(async () => {
      [searchA, searchB] = await createTestProjects(ds, 'search A', 'search B');
      const put = (project: string, path: string, text: string) => runChecked(ingest, { path, text }, fakeToolContext(project));
      await put(searchA, 'kb/temporal.md', 'Temporal workflows are durable. Workflow history is replayed; workflows must be deterministic.');
      await put(searchA, 'kb/postgres.md', 'Postgres stores projections of workflow events.');
      for (let i = 0; i < 7; i++) await put(searchA, `kb/filler-${i}.md`, `Filler ${i} mentions a workflow in passing.`);
      await put(searchB, 'kb/other.md', 'Project B has its own workflow notes about deterministic replay.');
    });

    it('finds the project’s ingested documents, best first, with snippets', async () => {
      const out = (await runChecked(search, { query: 'deterministic workflow', limit: 10 }, fakeToolContext(searchA))) as {
        results: Array<Record<string, unknown>>;
      };
      expect(out.results).toEqual([{ path: 'kb/temporal.md', version: 1, snippet: expect.stringContaining('**deterministic**'), score: expect.any(Number) }]);
    });

    it('returns 5 results by default and never more than the limit', async () => {
      const byDefault = (await runChecked(search, { query: 'workflow' }, fakeToolContext(searchA))) as { results: Array<{ path: string; score: number }> };
      expect(byDefault.results).toHaveLength(5);
      expect(byDefault.results[0]!.path).toBe('kb/temporal.md');
      const scores = byDefault.results.map((r) => r.score);
      expect(scores).toEqual([...scores].sort((a, b) => b - a));
      expect(((await runChecked(search, { query: 'workflow', limit: 2 }, fakeToolContext(searchA))) as { results: unknown[] }).results).toHaveLength(2);
    });

    it('is scoped to the calling project: B never sees A’s documents', async () => {
      const outB = (await runChecked(search, { query: 'workflow', limit: 20 }, fakeToolContext(searchB))) as { results: Array<{ path: string }> };
      expect(outB.results.map((r) => r.path)).toEqual(['kb/other.md']);
      const outA = (await runChecked(search, { query: 'replay own notes', limit: 20 }, fakeToolContext(searchA))) as { results: unknown[] };
      expect(outA.results).toEqual([]);
    });

    it('asks a pluggable backend for the calling project, the trimmed query and the limit, and holds it to the limit', async () => {
      const calls: unknown[][] = [];
      const backend: DocumentSearchBackend = {
        search: async (...args) => {
          calls.push(args);
          return Array.from({ length: 9 }, (_, i) => ({ path: `r${i}.md`, version: 1, snippet: 's', score: 1 / (i + 2) }));
        },
      };
      const tool = createDocumentsSearchTool({ backend });
      const out = (await runChecked(tool, { query: '  needle  ', limit: 3 }, fakeToolContext(searchA))) as { results: Array<{ score: number }> };
      expect(calls).toEqual([[searchA, 'needle', 3]]);
      expect(out.results).toHaveLength(3);
      expect(out.results[0]!.score).toBe(0.5);
      await toolError(tool.run({ query: '   ' }, fakeToolContext(searchA)), 'E_VALIDATION', 'the query is empty');
    });
  });
});
