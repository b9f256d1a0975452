import { createCipheriv, createDecipheriv, createHmac, randomBytes, randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';

/** Something that runs SQL: the data source, or a transaction's manager. */
export type Queryable = Pick<DataSource | EntityManager, 'query'>;

/** How a sealed secret was encrypted: 1 = no associated data (before D40, still opened), 2 = bound to its rows. */
type SealFormat = 1 | 2;

/**
 * Secrets at rest: AES-256-GCM with a master key that lives outside the database (a file or the environment).
 * Callers get an id back; the plaintext is only ever produced by `reveal`, at the moment of use.
 *
 * Each secret is sealed for one owner (`provider_configs:<id>`): the associated data names the secret's own id and its
 * owner, so ciphertext copied to another secret row, or a secret id pointed at from another owner's row, fails to
 * open (D40).
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
   * Stores a secret for `owner`; returns its id and a short, non-reversible fingerprint for display. The fingerprint is
   * an HMAC under the install's salt: the same key shows the same fingerprint within an install, and nothing links it
   * to the same key elsewhere (or lets a table of known keys' hashes recognize it).
   */
  async seal(plaintext: string, owner: string): Promise<{ id: string; fingerprint: string }> {
    const id = randomUUID();
    const sealed = this.encrypt(plaintext, id, owner);
    const fingerprint = this.fingerprint(plaintext);
    await this.db.query(`insert into secrets (id, ciphertext, iv, auth_tag, fingerprint, fingerprint_salted, format) values ($1, $2, $3, $4, $5, true, 2)`, [
      id,
      sealed.ciphertext,
      sealed.iv,
      sealed.auth_tag,
      fingerprint,
    ]);
    return { id, fingerprint };
  }

  /**
   * Replaces fingerprints stored before they were salted (D41) for the given secrets and their owners; answers how
   * many. A secret this key cannot open is left as it is (its fingerprint stays unsalted) rather than stopping the caller.
   */
  async resaltFingerprints(owned: Array<{ id: string; owner: string }>): Promise<number> {
    const rows: Array<{ id: string }> = await this.db.query(`select id from secrets where not fingerprint_salted`);
    const unsalted = new Set(rows.map((r) => r.id));
    let done = 0;
    for (const { id, owner } of owned.filter((o) => unsalted.has(o.id))) {
      const plaintext = await this.reveal(id, owner).catch(() => null);
      if (plaintext === null) continue;
      await this.db.query(`update secrets set fingerprint = $2, fingerprint_salted = true where id = $1`, [id, this.fingerprint(plaintext)]);
      done += 1;
    }
    return done;
  }

  /**
   * Key rotation: re-seals every given secret under `newMasterKey` (format 2, fingerprint salted from the new key), in
   * one transaction. A secret this key cannot open stops the whole rotation, so nothing is left half under each key.
   * Answers how many were re-sealed. Processes holding the old key must restart with the new one.
   */
  async resealAll(owned: Array<{ id: string; owner: string }>, newMasterKey: Buffer): Promise<number> {
    const next = new SecretBox(this.db, newMasterKey);
    const opened: Array<{ id: string; owner: string; plaintext: string }> = [];
    for (const o of owned) opened.push({ ...o, plaintext: await this.reveal(o.id, o.owner) });
    await this.db.transaction(async (tx) => {
      for (const { id, owner, plaintext } of opened) {
        const sealed = next.encrypt(plaintext, id, owner);
        await tx.query(`update secrets set ciphertext = $2, iv = $3, auth_tag = $4, format = 2, fingerprint = $5, fingerprint_salted = true where id = $1`, [
          id,
          sealed.ciphertext,
          sealed.iv,
          sealed.auth_tag,
          next.fingerprint(plaintext),
        ]);
      }
    });
    return opened.length;
  }

  private fingerprint(plaintext: string): string {
    return createHmac('sha256', this.fingerprintSalt).update(plaintext).digest('hex').slice(0, 12);
  }

  /** The plaintext of secret `id`, which must have been sealed for `owner`; a format-1 secret is re-sealed as format 2. */
  async reveal(id: string, owner: string): Promise<string> {
    const rows: Array<{ ciphertext: Buffer; iv: Buffer; auth_tag: Buffer; format: SealFormat }> = await this.db.query(
      `select ciphertext, iv, auth_tag, format from secrets where id = $1`,
      [id],
    );
    const row = rows[0];
    if (!row) throw new Error(`secret ${id} does not exist`);
    const decipher = createDecipheriv('aes-256-gcm', this.key, row.iv);
    if (row.format === 2) decipher.setAAD(associatedData(id, owner));
    decipher.setAuthTag(row.auth_tag);
    let plaintext: string;
    try {
      plaintext = Buffer.concat([decipher.update(row.ciphertext), decipher.final()]).toString('utf8');
    } catch {
      throw new Error(`secret ${id} does not open for ${owner} (another row's secret, or another master key)`);
    }
    if (row.format === 1) {
      // Lazy upgrade: once opened, the secret is bound to its rows; `format = 1` keeps a concurrent upgrade from
      // being written twice.
      const sealed = this.encrypt(plaintext, id, owner);
      await this.db.query(`update secrets set ciphertext = $2, iv = $3, auth_tag = $4, format = 2 where id = $1 and format = 1`, [
        id,
        sealed.ciphertext,
        sealed.iv,
        sealed.auth_tag,
      ]);
    }
    return plaintext;
  }

  private encrypt(plaintext: string, id: string, owner: string): { ciphertext: Buffer; iv: Buffer; auth_tag: Buffer } {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(associatedData(id, owner));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return { ciphertext, iv, auth_tag: cipher.getAuthTag() };
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

/** Format-2 associated data: the secret's row and its owner's row. */
function associatedData(id: string, owner: string): Buffer {
  return Buffer.from(`secrets:${id}|${owner}`, 'utf8');
}
