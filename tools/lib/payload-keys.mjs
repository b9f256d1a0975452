// The Temporal payload keyring of a data dir (D45): `payload.keys`, one `id:base64key` per line, the sealing key
// first, mode 0600, beside the data and never in the database. Rotation: `npm run omni -- rotate-payload-key`.
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from './ui.mjs';

const KEY_ID = /^[A-Za-z0-9._-]{1,64}$/;

export function payloadKeysFile(dataDir) {
  return join(dataDir, 'payload.keys');
}

function newEntry(id) {
  return `${id}:${randomBytes(32).toString('base64')}`;
}

function entriesOf(text) {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
}

/** The keyring as OMNI_PAYLOAD_KEYS wants it (comma-separated); generated on first use when `create`. */
export function payloadKeys(dataDir, { create = true } = {}) {
  const file = payloadKeysFile(dataDir);
  if (!existsSync(file)) {
    if (!create) return null;
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, `${newEntry(`k${new Date().toISOString().slice(0, 10).replaceAll('-', '')}`)}\n`, { mode: 0o600, flag: 'wx' });
  }
  const entries = entriesOf(readFileSync(file, 'utf8'));
  if (entries.length === 0) throw new UserError(`${file} holds no key; delete it only with the Temporal data it sealed`);
  return entries.join(',');
}

/**
 * Prepends a new sealing key and keeps the old ones (histories they sealed still open). The stack must be restarted
 * to use it. Returns the new key id.
 */
export function rotatePayloadKey(dataDir, id = `k${new Date().toISOString().replace(/\D/g, '').slice(0, 14)}`) {
  if (!KEY_ID.test(id)) throw new UserError(`a payload key id must match ${KEY_ID.source}`);
  const file = payloadKeysFile(dataDir);
  const old = existsSync(file) ? entriesOf(readFileSync(file, 'utf8')) : [];
  if (old.some((e) => e.startsWith(`${id}:`))) throw new UserError(`${file} has a key "${id}" already`);
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(file, `${[newEntry(id), ...old].join('\n')}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return id;
}
