import { createHash } from 'node:crypto';
import type { ArtifactRef } from '@omniai/contracts';
import type { DataSource, EntityManager } from 'typeorm';

/**
 * Stores `content` under its sha256 (a no-op when those bytes exist already). Takes a DataSource or a transaction's
 * EntityManager, so that a store writing rows that reference the artifact can put it in the same transaction.
 */
export async function putArtifact(db: DataSource | EntityManager, content: Buffer, mediaType: string): Promise<ArtifactRef> {
  const sha256 = createHash('sha256').update(content).digest('hex');
  await db.query(
    `insert into artifacts (sha256, size_bytes, media_type, content) values ($1, $2, $3, $4) on conflict (sha256) do nothing`,
    [sha256, content.length, mediaType, content],
  );
  return { sha256, size_bytes: content.length, media_type: mediaType };
}

/** Content-addressed blobs: the same bytes are stored once, under their sha256. */
export class ArtifactStore {
  constructor(private readonly db: DataSource) {}

  async put(content: Buffer, mediaType: string): Promise<ArtifactRef> {
    return putArtifact(this.db, content, mediaType);
  }

  async get(sha256: string): Promise<{ ref: ArtifactRef; content: Buffer } | null> {
    const rows: Array<{ sha256: string; size_bytes: string; media_type: string; content: Buffer }> = await this.db.query(
      `select sha256, size_bytes, media_type, content from artifacts where sha256 = $1`,
      [sha256],
    );
    const row = rows[0];
    if (!row) return null;
    return { ref: { sha256: row.sha256, size_bytes: Number(row.size_bytes), media_type: row.media_type }, content: row.content };
  }
}
