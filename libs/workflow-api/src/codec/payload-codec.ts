import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { METADATA_ENCODING_KEY, type Payload, type PayloadCodec, ValueError } from '@temporalio/common';
import { temporal } from '@temporalio/proto';

// Runs outside the workflow sandbox (clients and the worker's main thread): never import this from workflow code.

/** `metadata.encoding` of an encrypted payload. */
export const ENCRYPTED_ENCODING = 'binary/encrypted';
/** Metadata naming the key a payload was sealed with (so that old keys keep opening old payloads after a rotation). */
export const ENCRYPTION_KEY_ID = 'encryption-key-id';

const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** First byte of the sealed data: the layout (iv | ciphertext | tag) and the associated data in use. */
const FORMAT = 1;
const KEY_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** The payload keys: the first seals new payloads, every one opens what it sealed. */
export interface PayloadKeyring {
  readonly activeId: string;
  readonly keys: ReadonlyMap<string, Buffer>;
}

/**
 * Parses `OMNI_PAYLOAD_KEYS`: `id:base64key` entries (32-byte keys) separated by commas or newlines, the active
 * (sealing) key first. Rotation prepends a new entry and keeps the old ones for the histories they sealed.
 * Errors name the entry, never the key.
 */
export function parsePayloadKeyring(text: string): PayloadKeyring {
  const entries = text
    .split(/[,\n]/)
    .map((s) => s.trim())
    .filter((s) => s && !s.startsWith('#'));
  if (entries.length === 0) throw new Error('OMNI_PAYLOAD_KEYS holds no key (expected id:base64key[,id:base64key…])');
  const keys = new Map<string, Buffer>();
  for (const [i, entry] of entries.entries()) {
    const colon = entry.indexOf(':');
    const id = colon < 0 ? '' : entry.slice(0, colon);
    if (!KEY_ID.test(id)) throw new Error(`OMNI_PAYLOAD_KEYS entry ${i + 1}: expected id:base64key with an id of [A-Za-z0-9._-]{1,64}`);
    const key = Buffer.from(entry.slice(colon + 1), 'base64');
    if (key.length !== KEY_BYTES) throw new Error(`OMNI_PAYLOAD_KEYS key "${id}": must be ${KEY_BYTES} bytes, base64-encoded`);
    if (keys.has(id)) throw new Error(`OMNI_PAYLOAD_KEYS key "${id}" appears twice`);
    keys.set(id, key);
  }
  return { activeId: [...keys.keys()][0]!, keys };
}

/** A new keyring entry (`id:base64key`) with 32 random bytes. */
export function newPayloadKeyEntry(id: string): string {
  if (!KEY_ID.test(id)) throw new Error(`a payload key id must match ${KEY_ID.source}`);
  return `${id}:${randomBytes(KEY_BYTES).toString('base64')}`;
}

/**
 * AES-256-GCM over the whole serialized payload (its metadata too, so the encoding and type stay hidden), with a
 * random 96-bit IV per payload. The key id and the encoding are associated data: a payload relabelled with another
 * key id, or a ciphertext changed by one bit, fails to open. Payloads without the encrypted encoding pass through
 * `decode` unchanged: histories recorded before the codec still replay.
 */
export class AesGcmPayloadCodec implements PayloadCodec {
  constructor(private readonly keyring: PayloadKeyring) {}

  async encode(payloads: Payload[]): Promise<Payload[]> {
    const id = this.keyring.activeId;
    const key = this.keyring.keys.get(id)!;
    return payloads.map((payload) => {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      cipher.setAAD(associatedData(id));
      const plain = temporal.api.common.v1.Payload.encode(payload).finish();
      const sealed = Buffer.concat([Buffer.of(FORMAT), iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
      return { metadata: { [METADATA_ENCODING_KEY]: utf8(ENCRYPTED_ENCODING), [ENCRYPTION_KEY_ID]: utf8(id) }, data: sealed };
    });
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      const encoding = payload.metadata?.[METADATA_ENCODING_KEY];
      if (!encoding || Buffer.from(encoding).toString('utf8') !== ENCRYPTED_ENCODING) return payload;
      const idBytes = payload.metadata?.[ENCRYPTION_KEY_ID];
      if (!idBytes) throw new ValueError('an encrypted payload has no encryption-key-id');
      const id = Buffer.from(idBytes).toString('utf8');
      const key = this.keyring.keys.get(id);
      if (!key) throw new ValueError(`a payload is sealed with the unknown key id "${id.slice(0, 64)}": add that key to OMNI_PAYLOAD_KEYS`);
      const data = Buffer.from(payload.data ?? new Uint8Array());
      if (data.length < 1 + IV_BYTES + TAG_BYTES || data[0] !== FORMAT) throw new ValueError(`an encrypted payload (key "${id}") is malformed`);
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(1, 1 + IV_BYTES));
        decipher.setAAD(associatedData(id));
        decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
        const plain = Buffer.concat([decipher.update(data.subarray(1 + IV_BYTES, data.length - TAG_BYTES)), decipher.final()]);
        return temporal.api.common.v1.Payload.decode(plain);
      } catch {
        throw new ValueError(`an encrypted payload (key "${id}") failed authentication: altered, or sealed under another key with this id`);
      }
    });
  }
}

function associatedData(keyId: string): Buffer {
  return Buffer.from(`${ENCRYPTED_ENCODING}|${keyId}`, 'utf8');
}

function utf8(s: string): Uint8Array {
  return Buffer.from(s, 'utf8');
}
