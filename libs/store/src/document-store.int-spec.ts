import { applyPatch, createPatch } from 'diff';
import type { DataSource } from 'typeorm';
import { DocumentError, DocumentStore } from './document-store';
import { createTestProjects, openTestDataSource } from './testing';

const NOTES_V1 = 'Meeting notes\n\nThe launch is planned for March.\nBudget: 10k.\n';
const NOTES_V2 = 'Meeting notes\n\nThe launch is planned for April.\nBudget: 10k.\nOwner: Dana.\n';

describe('DocumentStore (real Postgres)', () => {
  let ds: DataSource;
  let close: () => Promise<void>;
  let docs: DocumentStore;
  let projectA: string;
  let projectB: string;
  let keys = 0;
  const key = () => `run-1/call-${++keys}`;

  const count = async (table: string): Promise<number> => Number((await ds.query(`select count(*) as n from ${table}`))[0].n);
  /** Rejects with a DocumentError of this kind (and, when given, this exact message). */
  const refused = async (p: Promise<unknown>, kind: string, message?: string) => {
    const err = await p.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DocumentError);
    expect(err).toMatchObject({ kind, ...(message ? { message } : {}) });
  };

  beforeAll(async () => {
    ({ ds, close } = await openTestDataSource('docs'));
    docs = new DocumentStore(ds);
    [projectA, projectB] = await createTestProjects(ds, 'A', 'B');
  });
  afterAll(() => close());

  it('creates a document at version 1, then adds versions, keeping each one readable', async () => {
    const v1 = await docs.ingest(projectA, 'notes/meeting.md', NOTES_V1, 'text/markdown', { runId: null, idempotencyKey: key() });
    expect(v1).toMatchObject({ project_id: projectA, path: 'notes/meeting.md', version: 1, media_type: 'text/markdown', replayed: false });
    expect(v1.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(v1.size_bytes).toBe(Buffer.byteLength(NOTES_V1));

    const v2 = await docs.ingest(projectA, 'notes/meeting.md', NOTES_V2, 'text/markdown', { idempotencyKey: key() });
    expect(v2).toMatchObject({ document_id: v1.document_id, version: 2 });

    const current = await docs.get(projectA, 'notes/meeting.md');
    expect(current).toMatchObject({ version: 2, current_version: 2, text: NOTES_V2 });
    expect(applyPatch(NOTES_V2, current!.reverse_patch!)).toBe(NOTES_V1);
    expect(await docs.get(projectA, 'notes/meeting.md', 1)).toMatchObject({ version: 1, current_version: 2, text: NOTES_V1, reverse_patch: null });
    expect(await docs.get(projectA, 'notes/meeting.md', 3)).toBeNull();
    expect(await docs.get(projectA, 'notes/other.md')).toBeNull();
    expect(await docs.get(projectB, 'notes/meeting.md')).toBeNull();

    const listed = await docs.list(projectA);
    expect(listed.map((d) => [d.path, d.current_version, d.sha256])).toEqual([['notes/meeting.md', 2, v2.sha256]]);
    expect(await docs.list(projectB)).toEqual([]);
  });

  it('answers a retry with the same idempotency key with the first result and writes nothing', async () => {
    const k = key();
    const first = await docs.ingest(projectA, 'retry.txt', 'first text', 'text/plain', { runId: '00000000-0000-4000-8000-000000000001', idempotencyKey: k });
    const [versions, artifacts] = [await count('document_versions'), await count('artifacts')];
    // Even a retry that (wrongly) carries other text must not write: the key says this call happened already.
    const retry = await docs.ingest(projectA, 'retry.txt', 'other text', 'text/plain', { idempotencyKey: k });
    expect(retry).toEqual({ ...first, replayed: true });
    expect([await count('document_versions'), await count('artifacts')]).toEqual([versions, artifacts]);
    expect((await docs.get(projectA, 'retry.txt'))!.text).toBe('first text');
  });

  it('writes once when a call and its retry race with the same key', async () => {
    const k = key();
    const results = await Promise.all([1, 2, 3].map(() => docs.ingest(projectA, 'race.txt', 'raced', 'text/plain', { idempotencyKey: k })));
    expect(new Set(results.map((r) => r.version))).toEqual(new Set([1]));
    expect(results.filter((r) => !r.replayed)).toHaveLength(1);
    expect((await docs.get(projectA, 'race.txt'))!.current_version).toBe(1);
  });

  it('gives concurrent writers of one document distinct, consecutive versions', async () => {
    const written = await Promise.all(['a\n', 'b\n', 'c\n', 'd\n'].map((t) => docs.ingest(projectA, 'busy.txt', t, 'text/plain', { idempotencyKey: key() })));
    expect(written.map((w) => w.version).sort()).toEqual([1, 2, 3, 4]);
    expect((await docs.get(projectA, 'busy.txt'))!.current_version).toBe(4);
    // Each reverse diff leads to the version actually before it, whatever order the writers committed in.
    for (let v = 4; v > 1; v--) {
      const [now, before] = [await docs.get(projectA, 'busy.txt', v), await docs.get(projectA, 'busy.txt', v - 1)];
      expect(applyPatch(now!.text, now!.reverse_patch!)).toBe(before!.text);
    }
  });

  it('refuses a key reused for another document instead of answering with that document', async () => {
    const k = key();
    await docs.ingest(projectA, 'owner.txt', 'mine', 'text/plain', { idempotencyKey: k });
    await refused(docs.ingest(projectB, 'owner.txt', 'theirs', 'text/plain', { idempotencyKey: k }), 'idempotency_key_reused');
    expect(await docs.get(projectB, 'owner.txt')).toBeNull();
  });

  it('applies a patch as the next version and keeps the diff back to the previous one', async () => {
    const base = await docs.ingest(projectA, 'plan.md', NOTES_V1, 'text/markdown', { idempotencyKey: key() });
    const patch = createPatch('plan.md', NOTES_V1, NOTES_V2);
    const k = key();
    const patched = await docs.applyPatch(projectA, 'plan.md', patch, { expectedVersion: 1, runId: '00000000-0000-4000-8000-000000000002', idempotencyKey: k });
    expect(patched).toMatchObject({
      document_id: base.document_id,
      version: 2,
      media_type: 'text/markdown',
      created_by_run: '00000000-0000-4000-8000-000000000002',
      replayed: false,
    });

    const stored = await docs.get(projectA, 'plan.md');
    expect(stored).toMatchObject({ version: 2, text: NOTES_V2, sha256: patched.sha256 });
    // The reverse diff turns the new text back into the old one.
    expect(applyPatch(stored!.text, stored!.reverse_patch!)).toBe(NOTES_V1);

    // Retried with the same key: the same result, no third version, even though the patch no longer applies.
    const retry = await docs.applyPatch(projectA, 'plan.md', patch, { expectedVersion: 1, idempotencyKey: k });
    expect(retry).toEqual({ ...patched, replayed: true });
    expect((await docs.get(projectA, 'plan.md'))!.current_version).toBe(2);
  });

  it('applies hunks whose line numbers are off, as patch(1) does, but never with mismatching context', async () => {
    await docs.ingest(projectA, 'shifted.txt', 'intro\n\none\ntwo\nthree\n', 'text/plain', { idempotencyKey: key() });
    const headerSaysLine1 = '--- shifted.txt\n+++ shifted.txt\n@@ -1,3 +1,3 @@\n one\n-two\n+2\n three\n';
    const r = await docs.applyPatch(projectA, 'shifted.txt', headerSaysLine1, { idempotencyKey: key() });
    expect(r.version).toBe(2);
    expect((await docs.get(projectA, 'shifted.txt'))!.text).toBe('intro\n\none\n2\nthree\n');
  });

  it('refuses a patch that does not apply, and changes nothing', async () => {
    await docs.ingest(projectA, 'stable.md', NOTES_V1, 'text/markdown', { idempotencyKey: key() });
    const before = [await count('document_versions'), await count('artifacts')];
    const stale = createPatch('stable.md', 'something else entirely\n', 'new text\n');
    await refused(
      docs.applyPatch(projectA, 'stable.md', stale, { idempotencyKey: key() }),
      'patch_does_not_apply',
      'the patch does not apply to version 1 of stable.md',
    );
    expect([await count('document_versions'), await count('artifacts')]).toEqual(before);
    expect(await docs.get(projectA, 'stable.md')).toMatchObject({ current_version: 1, text: NOTES_V1 });
  });

  it('refuses a stale expected version, a missing document and text that is not a patch', async () => {
    await docs.ingest(projectA, 'v.md', 'a\n', 'text/markdown', { idempotencyKey: key() });
    await docs.ingest(projectA, 'v.md', 'b\n', 'text/markdown', { idempotencyKey: key() });
    const patch = createPatch('v.md', 'b\n', 'c\n');
    await refused(
      docs.applyPatch(projectA, 'v.md', patch, { expectedVersion: 1, idempotencyKey: key() }),
      'version_conflict',
      'expected version 1 of v.md, but the current version is 2',
    );
    await refused(docs.applyPatch(projectA, 'missing.md', patch, { idempotencyKey: key() }), 'not_found');
    await refused(docs.applyPatch(projectA, 'v.md', 'please change b to c', { idempotencyKey: key() }), 'invalid_patch');
    const twoFiles = `${createPatch('v.md', 'b\n', 'c\n')}${createPatch('w.md', 'b\n', 'c\n')}`;
    await refused(docs.applyPatch(projectA, 'v.md', twoFiles, { idempotencyKey: key() }), 'invalid_patch');
    expect((await docs.get(projectA, 'v.md'))!.current_version).toBe(2);
  });

  it('refuses paths that are not relative and normalized, in the store and in the database', async () => {
    for (const bad of ['/etc/passwd', '../up.md', 'a/../b.md', './a.md', 'a//b.md', 'a/', 'a\\b.md', 'x'.repeat(301)]) {
      await refused(docs.ingest(projectA, bad, 'x', 'text/plain'), 'invalid_path');
    }
    await refused(docs.ingest(projectA, 'nul.txt', 'a\u0000b', 'text/plain'), 'invalid_text');
    for (const bad of ['/abs', '../up', 'a/./b', 'a//b', 'a/', 'a\\b', 'tab\there', '']) {
      await expect(
        ds.query(`insert into documents (id, project_id, path, media_type, current_version) values (gen_random_uuid(), $1, $2, 'text/plain', 1)`, [
          projectA,
          bad,
        ]),
      ).rejects.toThrow(/documents_path_check/);
    }
  });

  it('keeps document_versions append-only: UPDATE, DELETE and TRUNCATE are refused', async () => {
    await docs.ingest(projectA, 'history.md', 'v1', 'text/markdown', { idempotencyKey: key() });
    await expect(ds.query(`update document_versions set size_bytes = 0`)).rejects.toThrow(/append-only: UPDATE refused/);
    await expect(ds.query(`delete from document_versions`)).rejects.toThrow(/append-only: DELETE refused/);
    await expect(ds.query(`truncate document_versions cascade`)).rejects.toThrow(/append-only: TRUNCATE refused/);
    expect((await docs.get(projectA, 'history.md'))!.text).toBe('v1');
  });

  describe('search', () => {
    let searchA: string;
    let searchB: string;

    beforeAll(async () => {
      [searchA, searchB] = await createTestProjects(ds, 'search A', 'search B');
      const ingest = (project: string, path: string, text: string) => docs.ingest(project, path, text, 'text/markdown', { idempotencyKey: key() });
      await ingest(searchA, 'guides/postgres.md', 'Postgres tuning. Vacuum often; vacuum settings matter. Autovacuum keeps tables healthy.');
      await ingest(searchA, 'notes/misc.md', 'A short note that mentions vacuum once, among other chores like laundry.');
      await ingest(searchA, 'recipes/bread.md', 'Flour, water, salt and patience.');
      await ingest(searchB, 'secret/b-only.md', 'Project B also writes about vacuum cleaners and vacuuming.');
    });

    it('finds ingested text, best match first, with a snippet marking the terms', async () => {
      const hits = await docs.search(searchA, 'vacuum', 10);
      expect(hits.map((h) => h.path)).toEqual(['guides/postgres.md', 'notes/misc.md']);
      expect(hits[0]!.score).toBeGreaterThan(hits[1]!.score);
      expect(hits[0]).toMatchObject({ version: 1 });
      expect(hits[0]!.snippet).toContain('**Vacuum**');
      expect(hits[0]!.snippet.length).toBeLessThan(400);
    });

    it('never returns another project’s documents', async () => {
      expect((await docs.search(searchB, 'vacuum', 10)).map((h) => h.path)).toEqual(['secret/b-only.md']);
      expect(await docs.search(searchA, 'cleaners', 10)).toEqual([]);
    });

    it('understands web-style queries, matches path words and honours the limit', async () => {
      expect((await docs.search(searchA, 'vacuum -laundry', 10)).map((h) => h.path)).toEqual(['guides/postgres.md']);
      expect((await docs.search(searchA, '"water, salt"', 10)).map((h) => h.path)).toEqual(['recipes/bread.md']);
      expect((await docs.search(searchA, 'recipes', 10)).map((h) => h.path)).toEqual(['recipes/bread.md']);
      expect(await docs.search(searchA, 'vacuum', 1)).toHaveLength(1);
      expect(await docs.search(searchA, 'the', 10)).toEqual([]); // only a stop word: matches nothing, fails nothing
    });

    it('searches the current version only', async () => {
      await docs.applyPatch(
        searchA,
        'recipes/bread.md',
        createPatch('recipes/bread.md', 'Flour, water, salt and patience.', 'Flour, water, yeast and patience.'),
        {
          idempotencyKey: key(),
        },
      );
      expect(await docs.search(searchA, 'salt', 10)).toEqual([]);
      expect(await docs.search(searchA, 'yeast', 10)).toEqual([expect.objectContaining({ path: 'recipes/bread.md', version: 2 })]);
    });
  });
});
