import { METADATA_ENCODING_KEY, type Payload, type PayloadCodec } from '@temporalio/common';
import { ENCRYPTED_ENCODING } from './payload-codec';

/**
 * A copy of a fetched history (or any proto object) with every sealed payload opened, wherever it sits (inputs,
 * results, signals, markers, headers, memos, failures' encoded attributes). `fetchHistory()` returns histories as
 * stored, sealed; replay opens them itself, but a history written to a file for replay tests must not need a key.
 */
export function openHistoryPayloads<T>(history: T, codec: PayloadCodec): Promise<T> {
  return mapPayloads(history, (p) => isSealed(p) && codec.decode([p]).then(([d]) => d!));
}

/**
 * The reverse, for tests: every payload a worker's codec would have sealed, sealed with the codec's active key. Marker
 * details other than a local activity's `result` (its `data`, a patch's id) are the SDK core's own bookkeeping, which
 * never passes through a codec.
 */
export function sealHistoryPayloads<T>(history: T, codec: PayloadCodec): Promise<T> {
  const coreOwned = (path: readonly string[]) => path.at(-3) === 'markerRecordedEventAttributes' && path.at(-2) === 'details' && path.at(-1) !== 'result';
  return mapPayloads(history, (p) => !isSealed(p) && codec.encode([p]).then(([e]) => e!), coreOwned);
}

async function mapPayloads<T>(
  value: T,
  change: (p: Payload) => false | Promise<Payload>,
  skip: (path: readonly string[]) => boolean = () => false,
): Promise<T> {
  const visit = async (v: unknown, path: readonly string[]): Promise<unknown> => {
    if (Array.isArray(v)) return Promise.all(v.map((x) => visit(x, path)));
    if (v === null || typeof v !== 'object' || ArrayBuffer.isView(v) || skip(path)) return v;
    if (isPayload(v)) return (await change(v)) || v;
    const entries = await Promise.all(Object.entries(v).map(async ([k, x]) => [k, await visit(x, [...path, k])] as const));
    return Object.assign(Object.create(Object.getPrototypeOf(v) as object | null) as object, Object.fromEntries(entries));
  };
  return (await visit(value, [])) as T;
}

function isPayload(value: object): value is Payload {
  return (value as Payload).metadata?.[METADATA_ENCODING_KEY] instanceof Uint8Array;
}

function isSealed(p: Payload): boolean {
  return Buffer.from(p.metadata![METADATA_ENCODING_KEY]!).toString('utf8') === ENCRYPTED_ENCODING;
}
