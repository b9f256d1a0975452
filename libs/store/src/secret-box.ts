import { createCipheriv, createDecipheriv, createHmac, randomBytes, randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';

/** Something that runs SQL: the data source, or a transaction's manager. */
export type Queryable = Pick<DataSource | EntityManager, 'query'>;

/**
 * Secrets at rest: AES-256-GCM with a master key that lives outside the database (a file or the environment).
 * Callers get an id back; the plaintext is only ever produced by `reveal`, at the moment of use.
 */
export class SecretBox {
  private readonly key: Buffer;
  /** Salt of key fingerprints, derived from the master key: one per install (D41). */
  private readonly fingerprintSalt: Buffer;

  constructor(
    private readonly db: DataSource,
    masterKey: Buffer,
  ) {
    if (masterKey.length !== 32) throw new Error('the secrets master key must be 32 bytes');
    this.key = masterKey;
    this.fingerprintSalt = createHmac('sha256', masterKey).update('omniai secret fingerprint v1').digest();
  }

  /**
   * Stores a secret; returns its id and a short, non-reversible fingerprint for display. The fingerprint is an HMAC
   * under the install's salt: the same key shows the same fingerprint within an install, and nothing links it to the
   * same key elsewhere (or lets a table of known keys' hashes recognize it).
   */
  async seal(plaintext: string): Promise<{ id: string; fingerprint: string }> {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const fingerprint = this.fingerprint(plaintext);
    const id = randomUUID();
    await this.db.query(`insert into secrets (id, ciphertext, iv, auth_tag, fingerprint, fingerprint_salted) values ($1, $2, $3, $4, $5, true)`, [
      id,
      ciphertext,
      iv,
      cipher.getAuthTag(),
      fingerprint,
    ]);
    return { id, fingerprint };
  }

  /**
   * Replaces fingerprints stored before they were salted (D41); answers how many. A secret this key cannot open is
   * left as it is (its fingerprint stays unsalted) rather than stopping the caller.
   */
  async resaltFingerprints(): Promise<number> {
    const rows: Array<{ id: string }> = await this.db.query(`select id from secrets where not fingerprint_salted`);
    let done = 0;
    for (const { id } of rows) {
      const plaintext = await this.reveal(id).catch(() => null);
      if (plaintext === null) continue;
      await this.db.query(`update secrets set fingerprint = $2, fingerprint_salted = true where id = $1`, [id, this.fingerprint(plaintext)]);
      done += 1;
    }
    return done;
  }

  private fingerprint(plaintext: string): string {
    return createHmac('sha256', this.fingerprintSalt).update(plaintext).digest('hex').slice(0, 12);
  }

  async reveal(id: string): Promise<string> {
    const rows: Array<{ ciphertext: Buffer; iv: Buffer; auth_tag: Buffer }> = await this.db.query(
      `select ciphertext, iv, auth_tag from secrets where id = $1`,
      [id],
    );
    const row = rows[0];
    if (!row) throw new Error(`secret ${id} does not exist`);
    const decipher = createDecipheriv('aes-256-gcm', this.key, row.iv);
    decipher.setAuthTag(row.auth_tag);
    return Buffer.concat([decipher.update(row.ciphertext), decipher.final()]).toString('utf8');
  }

  /** Destroys a secret (ciphertext, IV, tag and fingerprint); `db` lets a caller do it inside its transaction. */
  async delete(id: string, db: Queryable = this.db): Promise<void> {
    await db.query(`delete from secrets where id = $1`, [id]);
  }
}

/** Reads the master key: base64 in OMNI_SECRETS_KEY-style config, or a file holding 32 raw bytes. */
export function parseMasterKey(base64: string): Buffer {
  const key = Buffer.from(base64, 'base64');
  if (key.length !== 32) throw new Error('the secrets master key must be 32 bytes, base64-encoded');
  return key;
}
