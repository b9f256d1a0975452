import { readFileSync } from 'node:fs';

/** The TLS settings both `Connection` (clients) and `NativeConnection` (the worker) accept. */
export interface TemporalTls {
  serverNameOverride?: string;
  serverRootCACertificate?: Buffer;
  clientCertPair?: { crt: Buffer; key: Buffer };
}

/** File paths from the environment (`OMNI_TEMPORAL_TLS_*`); absent values are empty. */
export interface TemporalTlsFiles {
  cert?: string | undefined;
  key?: string | undefined;
  ca?: string | undefined;
  serverName?: string | undefined;
  /** `1`: TLS with the system's trusted CAs and no client certificate (e.g. a server behind a public certificate). */
  enabled?: boolean | undefined;
}

/**
 * The connection's TLS from certificate files: mTLS when a client certificate and key are given (both or neither),
 * the server checked against `ca` when given (else the system's CAs). No file and no flag: plaintext, the local dev
 * server's only mode. Files are read once, at start; a missing file stops the process with its path.
 */
export function temporalTls(files: TemporalTlsFiles, read: (path: string) => Buffer = readFileSync): TemporalTls | undefined {
  const { cert, key, ca, serverName, enabled } = files;
  if (Boolean(cert) !== Boolean(key)) throw new Error('OMNI_TEMPORAL_TLS_CERT and OMNI_TEMPORAL_TLS_KEY go together (mTLS needs both)');
  if (!cert && !ca && !serverName && !enabled) return undefined;
  const load = (what: string, path: string) => {
    try {
      return read(path);
    } catch (err) {
      throw new Error(`${what}: cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
    }
  };
  return {
    ...(serverName ? { serverNameOverride: serverName } : {}),
    ...(ca ? { serverRootCACertificate: load('OMNI_TEMPORAL_TLS_CA', ca) } : {}),
    ...(cert && key ? { clientCertPair: { crt: load('OMNI_TEMPORAL_TLS_CERT', cert), key: load('OMNI_TEMPORAL_TLS_KEY', key) } } : {}),
  };
}
