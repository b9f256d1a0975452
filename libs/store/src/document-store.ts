import { randomUUID } from 'node:crypto';
import { applyPatch as applyUnifiedDiff, createPatch, parsePatch, type StructuredPatch } from 'diff';
import type { DataSource, EntityManager } from 'typeorm';
import { putArtifact, recordArtifactRefs, verifiedContent } from './artifact-store';
import { checkDocumentPath } from './document-path';
import { iso, type Row } from './rows';

/**
 * The full-text index covers this many characters of a document. A tsvector is capped at 1 MB, so indexing all of a
 * large document could make its write fail; what matters for finding a document is usually near its top.
 */
export const SEARCH_INDEXED_CHARS = 200_000;

/** What a failed document operation was about; the tools map each kind to a ToolError code. */
export type DocumentErrorKind =
  'invalid_path' | 'invalid_text' | 'invalid_patch' | 'not_found' | 'version_conflict' | 'patch_does_not_apply' | 'idempotency_key_reused';

/** A refusal the caller can explain (its message is written to be shown to a model); nothing was written. */
export class DocumentError extends Error {
  constructor(
    readonly kind: DocumentErrorKind,
    message: string,
  ) {
    super(message);
    this.name = 'DocumentError';
  }
}

/** Who writes, for the history and for at-most-once application of a retried tool call. */
export interface DocumentWriteOptions {
  /** The run whose tool call writes; recorded on the version. */
  runId?: string | null;
  /** A retry with the same key returns the first call's result and writes nothing. */
  idempotencyKey?: string | null;
}

export interface DocumentPatchOptions extends DocumentWriteOptions {
  /** Refuse the patch unless this is still the current version (optimistic concurrency). */
  expectedVersion?: number | null;
}

/** One stored version of a document, as a write returns it. */
export interface DocumentVersionRef {
  document_id: string;
  project_id: string;
  path: string;
  version: number;
  media_type: string;
  sha256: string;
  size_bytes: number;
  created_by_run: string | null;
  created_at: string;
  /** True when an earlier call with the same idempotency key wrote this version and this call wrote nothing. */
  replayed: boolean;
}

/** A version of a document with its text. */
export interface StoredDocument extends Omit<DocumentVersionRef, 'replayed'> {
  current_version: number;
  text: string;
  /** The unified diff that turns this version back into the previous one; null for version 1. */
  reverse_patch: string | null;
}

export interface DocumentSummary {
  id: string;
  path: string;
  media_type: string;
  current_version: number;
  sha256: string;
  size_bytes: number;
  created_at: string;
  updated_at: string;
}

export interface DocumentSearchHit {
  path: string;
  version: number;
  /** A short passage around the matches, terms marked with `**`. */
  snippet: string;
  /** Relevance in [0, 1): higher is better; only comparable within one search. */
  score: number;
}

/** The locked current state of a document inside a write transaction. */
interface CurrentDocument {
  id: string;
  media_type: string;
  version: number;
  text: string;
}

/** Builds a document's search vector: path words weigh more than body words. */
const SEARCH_VECTOR_SQL = (pathParam: string, textParam: string) =>
  `setweight(to_tsvector('english', translate(${pathParam}, '/._-', '    ')), 'A')
   || setweight(to_tsvector('english', left(${textParam}, ${SEARCH_INDEXED_CHARS})), 'B')`;

/**
 * Versioned text documents of a project. Every write adds a version (append-only history in `document_versions`,
 * bytes in the content-addressed `artifacts`), keeps the reverse diff to the previous version, moves
 * `documents.current_version` and refreshes the full-text index, all in one transaction.
 */
export class DocumentStore {
  constructor(private readonly db: DataSource) {}

  /** Creates the document at `path`, or adds a version with `text` as its content. */
  async ingest(projectId: string, path: string, text: string, mediaType: string, options: DocumentWriteOptions = {}): Promise<DocumentVersionRef> {
    assertPath(path);
    assertText(text);
    return this.write(projectId, path, options, async (tx) => {
      const current = await this.lockCurrent(tx, projectId, path);
      if (current) return { current, text, mediaType };
      // A new document: create it with version 1. A concurrent creator makes this insert a no-op; then append to theirs.
      const id = randomUUID();
      const created: Row[] = await tx.query(
        `insert into documents (id, project_id, path, media_type, current_version, search)
         values ($1, $2, $3, $4, 1, ${SEARCH_VECTOR_SQL('$3', '$5')})
         on conflict (project_id, path) do nothing returning id`,
        [id, projectId, path, mediaType, text],
      );
      if (created.length === 1) return { created: id, text, mediaType };
      const raced = await this.lockCurrent(tx, projectId, path);
      if (!raced) throw new Error(`document ${path} vanished while being created`);
      return { current: raced, text, mediaType };
    });
  }

  /**
   * Applies a unified diff (one file, at least one hunk) to the current version and stores the result as the next
   * version. Hunks may sit at other line numbers than their headers say (as with `patch`), but their context and
   * removed lines must match exactly: no fuzz.
   */
  async applyPatch(projectId: string, path: string, unifiedDiff: string, options: DocumentPatchOptions = {}): Promise<DocumentVersionRef> {
    assertPath(path);
    const patch = parseSinglePatch(unifiedDiff);
    return this.write(projectId, path, options, async (tx) => {
      const current = await this.lockCurrent(tx, projectId, path);
      if (!current) throw new DocumentError('not_found', `no document at ${path}: create it with files.ingest first`);
      const expected = options.expectedVersion;
      if (expected !== undefined && expected !== null && expected !== current.version) {
        throw new DocumentError('version_conflict', `expected version ${expected} of ${path}, but the current version is ${current.version}`);
      }
      const text = applyUnifiedDiff(current.text, patch);
      if (text === false) throw new DocumentError('patch_does_not_apply', `the patch does not apply to version ${current.version} of ${path}`);
      assertText(text);
      return { current, text, mediaType: current.media_type };
    });
  }

  /** The current version of a document, or the given one; null when either does not exist. */
  async get(projectId: string, path: string, version?: number): Promise<StoredDocument | null> {
    assertPath(path);
    const rows: Row[] = await this.db.query(
      `select d.id as document_id, d.project_id, d.path, v.media_type, d.current_version,
              v.version, v.sha256, v.size_bytes, v.reverse_patch, v.created_by_run, v.created_at, a.content
       from documents d
       join document_versions v on v.document_id = d.id and v.version = coalesce($3, d.current_version)
       join artifacts a on a.sha256 = v.sha256
       where d.project_id = $1 and d.path = $2`,
      [projectId, path, version ?? null],
    );
    const r = rows[0];
    if (!r) return null;
    return {
      ...toVersionRef(r),
      current_version: Number(r['current_version']),
      text: verifiedContent(String(r['sha256']), r['content'] as Buffer).toString('utf8'),
      reverse_patch: (r['reverse_patch'] as string | null) ?? null,
    };
  }

  /** The project's documents, by path, with their current version. */
  async list(projectId: string, limit = 1000): Promise<DocumentSummary[]> {
    const rows: Row[] = await this.db.query(
      `select d.id, d.path, d.media_type, d.current_version, v.sha256, v.size_bytes, d.created_at, d.updated_at
       from documents d join document_versions v on v.document_id = d.id and v.version = d.current_version
       where d.project_id = $1 order by d.path limit $2`,
      [projectId, limit],
    );
    return rows.map((r) => ({
      id: String(r['id']),
      path: String(r['path']),
      media_type: String(r['media_type']),
      current_version: Number(r['current_version']),
      sha256: String(r['sha256']),
      size_bytes: Number(r['size_bytes']),
      created_at: iso(r['created_at']),
      updated_at: iso(r['updated_at']),
    }));
  }

  /**
   * Full-text search over the current versions of the project's documents (`websearch_to_tsquery`: plain words,
   * "quoted phrases", `or`, `-excluded`), best first. Snippets are computed for the returned hits only.
   */
  async search(projectId: string, query: string, limit: number): Promise<DocumentSearchHit[]> {
    const capped = Math.max(1, Math.min(100, Math.trunc(limit)));
    const rows: Row[] = await this.db.query(
      `with q as (select websearch_to_tsquery('english', $2) as query),
       hits as (
         select d.id, d.path, d.current_version, ts_rank_cd(d.search, q.query, 32) as score
         from documents d, q
         where d.project_id = $1 and d.search @@ q.query
         order by score desc, d.path
         limit $3
       )
       select h.path, h.current_version as version, h.score,
              ts_headline('english', left(convert_from(a.content, 'UTF8'), ${SEARCH_INDEXED_CHARS}), q.query,
                          'MaxWords=30, MinWords=12, MaxFragments=2, FragmentDelimiter=" … ", StartSel=**, StopSel=**') as snippet
       from hits h
       cross join q
       join document_versions v on v.document_id = h.id and v.version = h.current_version
       join artifacts a on a.sha256 = v.sha256
       order by h.score desc, h.path`,
      [projectId, query, capped],
    );
    return rows.map((r) => ({
      path: String(r['path']),
      version: Number(r['version']),
      snippet: String(r['snippet']).replace(/\s+/g, ' ').trim(),
      score: Number(r['score']),
    }));
  }

  /**
   * The shared write path. `decide` runs inside the transaction with the document row locked and returns the next
   * text; this stores it as the next version. With an idempotency key, an earlier write under that key is returned
   * instead (checked before and after taking the lock, and once more if a concurrent twin wins the unique index).
   */
  private async write(
    projectId: string,
    path: string,
    options: DocumentWriteOptions,
    decide: (
      tx: EntityManager,
    ) => Promise<{ current: CurrentDocument; text: string; mediaType: string } | { created: string; text: string; mediaType: string }>,
  ): Promise<DocumentVersionRef> {
    const key = options.idempotencyKey ?? null;
    const runId = options.runId ?? null;
    try {
      return await this.db.transaction(async (tx) => {
        const earlier = key ? await this.findByKey(tx, key, projectId, path) : null;
        if (earlier) return earlier;
        const next = await decide(tx);
        if ('current' in next) {
          const again = key ? await this.findByKey(tx, key, projectId, path) : null;
          if (again) return again;
        }
        const content = Buffer.from(next.text, 'utf8');
        const artifact = await putArtifact(tx, content, next.mediaType);
        await recordArtifactRefs(tx, { projectId, runId }, [artifact.sha256]);
        let documentId: string;
        let version: number;
        let reversePatch: string | null;
        if ('created' in next) {
          documentId = next.created;
          version = 1;
          reversePatch = null;
        } else {
          documentId = next.current.id;
          version = next.current.version + 1;
          reversePatch = createPatch(path, next.text, next.current.text, `version ${version}`, `version ${version - 1}`);
          await tx.query(
            `update documents set current_version = $2, media_type = $3, updated_at = now(), search = ${SEARCH_VECTOR_SQL('$4', '$5')}
             where id = $1`,
            [documentId, version, next.mediaType, path, next.text],
          );
        }
        const rows: Row[] = await tx.query(
          `insert into document_versions (document_id, version, sha256, media_type, size_bytes, reverse_patch, created_by_run, idempotency_key)
           values ($1, $2, $3, $4, $5, $6, $7, $8) returning created_at`,
          [documentId, version, artifact.sha256, next.mediaType, artifact.size_bytes, reversePatch, runId, key],
        );
        return {
          document_id: documentId,
          project_id: projectId,
          path,
          version,
          media_type: next.mediaType,
          sha256: artifact.sha256,
          size_bytes: artifact.size_bytes,
          created_by_run: runId,
          created_at: iso(rows[0]!['created_at']),
          replayed: false,
        };
      });
    } catch (err) {
      // A concurrent call with the same key committed first (e.g. a retry racing the original): return its result.
      if (key && isUniqueViolation(err, 'document_versions_idempotency_key_key')) {
        const earlier = await this.findByKey(this.db.manager, key, projectId, path);
        if (earlier) return earlier;
      }
      throw err;
    }
  }

  /**
   * Locks the document row, then reads its current version. Two statements on purpose: in READ COMMITTED a
   * `FOR UPDATE` that joins the versions re-checks only the locked row after waiting, so once a concurrent writer had
   * moved `current_version` the join against the old snapshot would find no row. The second statement sees the
   * committed state.
   */
  private async lockCurrent(tx: EntityManager, projectId: string, path: string): Promise<CurrentDocument | null> {
    const locked: Row[] = await tx.query(`select id from documents where project_id = $1 and path = $2 for update`, [projectId, path]);
    if (!locked[0]) return null;
    const rows: Row[] = await tx.query(
      `select d.id, d.media_type, d.current_version, a.sha256, a.content
       from documents d
       join document_versions v on v.document_id = d.id and v.version = d.current_version
       join artifacts a on a.sha256 = v.sha256
       where d.id = $1`,
      [locked[0]['id']],
    );
    const r = rows[0];
    if (!r) throw new Error(`document ${path} has no current version`);
    return {
      id: String(r['id']),
      media_type: String(r['media_type']),
      version: Number(r['current_version']),
      text: verifiedContent(String(r['sha256']), r['content'] as Buffer).toString('utf8'),
    };
  }

  /** The version an earlier write with this key stored; a key used for another document is refused, never answered. */
  private async findByKey(q: EntityManager, key: string, projectId: string, path: string): Promise<DocumentVersionRef | null> {
    const rows: Row[] = await q.query(
      `select d.id as document_id, d.project_id, d.path, v.media_type, v.version, v.sha256, v.size_bytes, v.created_by_run, v.created_at
       from document_versions v join documents d on d.id = v.document_id
       where v.idempotency_key = $1`,
      [key],
    );
    const r = rows[0];
    if (!r) return null;
    if (String(r['project_id']) !== projectId || String(r['path']) !== path) {
      throw new DocumentError('idempotency_key_reused', 'this idempotency key was already used to write another document');
    }
    return { ...toVersionRef(r), replayed: true };
  }
}

function toVersionRef(r: Row): Omit<DocumentVersionRef, 'replayed'> {
  return {
    document_id: String(r['document_id']),
    project_id: String(r['project_id']),
    path: String(r['path']),
    version: Number(r['version']),
    media_type: String(r['media_type']),
    sha256: String(r['sha256']),
    size_bytes: Number(r['size_bytes']),
    created_by_run: (r['created_by_run'] as string | null) ?? null,
    created_at: iso(r['created_at']),
  };
}

function assertPath(path: string): void {
  const problem = checkDocumentPath(path);
  if (problem) throw new DocumentError('invalid_path', problem);
}

/** Postgres text cannot hold NUL, and the search vector is built from the text. */
function assertText(text: string): void {
  if (text.includes('\u0000')) throw new DocumentError('invalid_text', 'the text contains a NUL character: documents hold text only');
}

/** Parses a unified diff for exactly one file with at least one hunk; anything else is refused before any I/O. */
function parseSinglePatch(unifiedDiff: string): StructuredPatch {
  let patches: StructuredPatch[];
  try {
    patches = parsePatch(unifiedDiff);
  } catch (err) {
    throw new DocumentError('invalid_patch', `the patch is not a valid unified diff: ${(err as Error).message}`);
  }
  const withHunks = patches.filter((p) => p.hunks.length > 0);
  if (withHunks.length === 0) throw new DocumentError('invalid_patch', 'the patch has no hunks (expected a unified diff with @@ … @@ lines)');
  if (withHunks.length > 1) throw new DocumentError('invalid_patch', 'the patch changes more than one file: send one patch per file');
  return withHunks[0]!;
}

function isUniqueViolation(err: unknown, constraint: string): boolean {
  const e = err as { code?: string; constraint?: string; driverError?: { code?: string; constraint?: string } };
  const code = e.driverError?.code ?? e.code;
  const name = e.driverError?.constraint ?? e.constraint;
  return code === '23505' && name === constraint;
}
