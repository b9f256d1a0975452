import type { Payload, PayloadCodec } from '@temporalio/common';

/** A payload as the Temporal UI's remote codec protocol sends it: metadata values and data in base64. */
export interface JsonPayload {
  metadata?: Record<string, string> | null | undefined;
  data?: string | null | undefined;
}

/**
 * One call of the remote codec protocol (`POST …/encode` or `…/decode` with `{ payloads }`, as the Temporal UI and
 * CLI send it): base64 JSON in, the codec in the middle, base64 JSON out.
 */
export async function runRemoteCodec(codec: PayloadCodec, direction: 'encode' | 'decode', payloads: readonly JsonPayload[]): Promise<JsonPayload[]> {
  const input = payloads.map(fromJson);
  const output = direction === 'encode' ? await codec.encode(input) : await codec.decode(input);
  return output.map(toJson);
}

function fromJson({ metadata, data }: JsonPayload): Payload {
  return {
    metadata: Object.fromEntries(Object.entries(metadata ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
    data: Buffer.from(data ?? '', 'base64'),
  };
}

function toJson({ metadata, data }: Payload): JsonPayload {
  return {
    metadata: Object.fromEntries(Object.entries(metadata ?? {}).map(([k, v]) => [k, Buffer.from(v ?? new Uint8Array()).toString('base64')])),
    data: Buffer.from(data ?? new Uint8Array()).toString('base64'),
  };
}
