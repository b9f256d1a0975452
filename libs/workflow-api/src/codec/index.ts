// Temporal data conversion for processes outside the workflow sandbox: the payload codec (AES-256-GCM under the
// keyring in OMNI_PAYLOAD_KEYS), the remote codec protocol of the Temporal UI, and TLS to Temporal (D45).
export { omniDataConverter } from './data-converter';
export { AesGcmPayloadCodec, ENCRYPTED_ENCODING, ENCRYPTION_KEY_ID, newPayloadKeyEntry, parsePayloadKeyring, type PayloadKeyring } from './payload-codec';
export { openHistoryPayloads, sealHistoryPayloads } from './history-payloads';
export { type JsonPayload, runRemoteCodec } from './remote-codec';
export { type TemporalTls, type TemporalTlsFiles, temporalTls } from './temporal-tls';
