/**
 * Webhook secrets already opened, by secret id and owner, in memory only (a bounded LRU). A secret id's plaintext
 * never changes (rotation seals a new id; a deleted trigger's hook answers 404 before its secret is asked for), so an
 * entry never goes stale: it saves each delivery a Postgres read and a decrypt. The plaintexts are never logged,
 * and the class has no way to list them.
 */
export class RevealedSecrets {
  private readonly entries = new Map<string, string>();

  constructor(private readonly max = 1000) {
    if (!Number.isInteger(max) || max < 1) throw new Error('RevealedSecrets: max must be a positive integer');
  }

  /** The cached plaintext, else `reveal()`'s (cached for next time; a failed reveal caches nothing). */
  async get(id: string, owner: string, reveal: () => Promise<string>): Promise<string> {
    const key = `${id}\u0000${owner}`;
    const hit = this.entries.get(key);
    if (hit !== undefined) {
      // Most recently used last: Map iteration order is insertion order.
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit;
    }
    const plaintext = await reveal();
    this.entries.set(key, plaintext);
    while (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value!);
    return plaintext;
  }

  get size(): number {
    return this.entries.size;
  }

  /** Not the plaintexts: what `console.log` or a structured logger would print of this object. */
  toJSON(): { size: number } {
    return { size: this.entries.size };
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `RevealedSecrets { size: ${this.entries.size} }`;
  }
}
