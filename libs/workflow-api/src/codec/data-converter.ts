import type { DataConverter } from '@temporalio/common';
import { AesGcmPayloadCodec, type PayloadKeyring } from './payload-codec';

/**
 * The data converter of every Temporal client and worker of OmniAI (API, worker, verify-run, replay, bench): payloads
 * sealed with the keyring's active key, failure messages moved into sealed payloads. Temporal's store and its own
 * tools (`temporal workflow show`, the UI without the API's codec endpoint) see ciphertext only.
 */
export function omniDataConverter(keyring: PayloadKeyring): DataConverter {
  return { payloadCodecs: [new AesGcmPayloadCodec(keyring)], failureConverterPath: require.resolve('./failure-converter') };
}
