import { METADATA_ENCODING_KEY, type Payload, type PayloadCodec } from '@temporalio/common';
import { ENCRYPTED_ENCODING } from './payload-codec';

/**
 * A copy of a fetched history (or any proto object) with every sealed payload opened, wherever it sits (inputs,
 * results, signals, markers, headers, memos, failures' encoded attributes). `fetchHistory()` returns histories as
 * stored, sealed; replay opens them itself, but a history written to a file for replay tests must not need a key.
 */
export async function openHistoryPayloads<T>(history: T, codec: PayloadCodec): Promise<T> {
  const open = async (value: unknown): Promise<unknown> => {
    if (Array.isArray(value)) return Promise.all(value.map(open));
    if (value === null || typeof value !== 'object' || ArrayBuffer.isView(value)) return value;
    if (isSealed(value)) return (await codec.decode([value]))[0];
    const entries = await Promise.all(Object.entries(value).map(async ([k, v]) => [k, await open(v)] as const));
    return Object.assign(Object.create(Object.getPrototypeOf(value) as object | null) as object, Object.fromEntries(entries));
  };
  return (await open(history)) as T;
}

function isSealed(value: object): value is Payload {
  const encoding = (value as Payload).metadata?.[METADATA_ENCODING_KEY];
  return encoding instanceof Uint8Array && Buffer.from(encoding).toString('utf8') === ENCRYPTED_ENCODING;
}
