import { createHash } from 'node:crypto';
import type { ArtifactRef, MessageContent } from '@omniai/contracts';
import type { DataSource, EntityManager } from 'typeorm';

/**
 * Stores `content` under its sha256 (a no-op when those bytes exist already). Takes a DataSource or a transaction's
 * EntityManager, so that a store writing rows that reference the artifact can put it in the same transaction.
 */
export async function putArtifact(db: DataSource | EntityManager, content: Buffer, mediaType: string): Promise<ArtifactRef> {
  const sha256 = createHash('sha256').update(content).digest('hex');
  await db.query(`insert into artifacts (sha256, size_bytes, media_type, content) values ($1, $2, $3, $4) on conflict (sha256) do nothing`, [
    sha256,
    content.length,
    mediaType,
    content,
  ]);
  return { sha256, size_bytes: content.length, media_type: mediaType };
}

/**
 * Records that a project (through a run, or none for a document written outside one) holds references to these
 * artifacts. Called in the transaction that writes the reference; the artifacts route serves an artifact only to a run
 * of a project that holds one (D41). Hashes of artifacts that do not exist are skipped.
 */
export async function recordArtifactRefs(tx: EntityManager, ref: { projectId: string; runId: string | null }, hashes: string[]): Promise<void> {
  if (hashes.length === 0) return;
  await tx.query(
    `insert into artifact_refs (artifact_hash, project_id, run_id)
     select a.sha256, $1, $2 from artifacts a where a.sha256 = any($3::text[])
     on conflict do nothing`,
    [ref.projectId, ref.runId, [...new Set(hashes)]],
  );
}

/**
 * Stored bytes that no longer hash to their address: the row was changed behind the store's back (the table refuses
 * UPDATE, so only by someone who can disable its triggers). Never served; it reaches clients as E_INTERNAL and the log
 * keeps the detail (D40).
 */
export class ArtifactIntegrityError extends Error {
  constructor(
    readonly sha256: string,
    readonly actual: string,
  ) {
    super(`artifact ${sha256} is corrupt: its stored bytes hash to ${actual}`);
    this.name = 'ArtifactIntegrityError';
  }
}

/** `content` as read from the artifacts row addressed by `sha256`, after checking that it still hashes to it. */
export function verifiedContent(sha256: string, content: Buffer): Buffer {
  const actual = createHash('sha256').update(content).digest('hex');
  if (actual !== sha256) throw new ArtifactIntegrityError(sha256, actual);
  return content;
}

/**
 * Text or JSON larger than this (UTF-8 bytes) is kept out of workflow history and RunEvents: it is stored as an
 * artifact and they carry the reference (claim-check).
 */
export const INLINE_PAYLOAD_LIMIT_BYTES = 4 * 1024;

/** A JSON value as history and RunEvents carry it (tool arguments and results): inline when small, else its artifact. */
export type ClaimChecked = { inline: unknown } | { artifact: ArtifactRef };

/**
 * Content-addressed blobs: the same bytes are stored once, under their sha256. The one home of the claim-check: the
 * API and the worker put large message text and tool values here and pass the reference on.
 */
export class ArtifactStore {
  constructor(private readonly db: DataSource) {}

  async put(content: Buffer, mediaType: string): Promise<ArtifactRef> {
    return putArtifact(this.db, content, mediaType);
  }

  /** Whether a project holds a reference to the artifact (see {@link recordArtifactRefs}). */
  async isReferencedBy(projectId: string, sha256: string): Promise<boolean> {
    const rows: unknown[] = await this.db.query(`select 1 from artifact_refs where artifact_hash = $1 and project_id = $2 limit 1`, [sha256, projectId]);
    return rows.length > 0;
  }

  async get(sha256: string): Promise<{ ref: ArtifactRef; content: Buffer } | null> {
    const rows: Array<{ sha256: string; size_bytes: string; media_type: string; content: Buffer }> = await this.db.query(
      `select sha256, size_bytes, media_type, content from artifacts where sha256 = $1`,
      [sha256],
    );
    const row = rows[0];
    if (!row) return null;
    return {
      ref: { sha256: row.sha256, size_bytes: Number(row.size_bytes), media_type: row.media_type },
      content: verifiedContent(row.sha256, row.content),
    };
  }

  /** Message text for history and events: inline up to the limit, else stored, with a preview (claim-check). */
  async claimCheckText(text: string): Promise<MessageContent> {
    const bytes = Buffer.from(text, 'utf8');
    if (bytes.length <= INLINE_PAYLOAD_LIMIT_BYTES) return { text };
    const artifact = await this.put(bytes, 'text/plain; charset=utf-8');
    return { artifact, preview: text.slice(0, 200) };
  }

  /** The full text of message content, fetched back when it was claim-checked. */
  async redeemText(content: MessageContent): Promise<string> {
    if ('text' in content) return content.text;
    return (await this.required(content.artifact.sha256)).toString('utf8');
  }

  /** A JSON value for history and events: inline when its JSON is within the limit, else stored (claim-check). */
  async claimCheck(value: unknown): Promise<ClaimChecked> {
    const json = JSON.stringify(value ?? null);
    if (Buffer.byteLength(json) <= INLINE_PAYLOAD_LIMIT_BYTES) return { inline: value ?? null };
    return { artifact: await this.put(Buffer.from(json), 'application/json') };
  }

  /** The JSON value back from what {@link claimCheck} returned. */
  async redeem(stored: ClaimChecked): Promise<unknown> {
    if ('inline' in stored) return stored.inline;
    return JSON.parse((await this.required(stored.artifact.sha256)).toString('utf8'));
  }

  private async required(sha256: string): Promise<Buffer> {
    const found = await this.get(sha256);
    if (!found) throw new Error(`artifact ${sha256} is missing`);
    return found.content;
  }
}
