import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TASK_QUEUES } from '@omniai/contracts';
import { parsePayloadKeyring, type PayloadKeyring, type TemporalTls, temporalTls } from '@omniai/workflow-api/codec';
import { z } from 'zod';

/** The scripted model's fixture files shipped with the worker (apps/worker/fixtures/scripted). */
export const DEFAULT_SCRIPTED_FIXTURES_DIR = join(__dirname, '..', 'fixtures', 'scripted');

// The only place the worker reads process.env.
const WorkerEnv = z.object({
  TEMPORAL_ADDRESS: z.string().default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().default('default'),
  OMNI_TASK_QUEUE: z.string().min(1).default(TASK_QUEUES.runs),
  DATABASE_URL: z.string().min(1, 'DATABASE_URL is required (npm start sets it)'),
  DOCKER_HOST: z.string().optional(),
  OMNI_SANDBOX_IMAGE: z.string().optional(),
  OMNI_SECRETS_KEY: z.string().min(1).optional(),
  OMNI_PAYLOAD_KEYS: z.string().min(1).optional(),
  OMNI_NEW_SECRETS_KEY: z.string().min(1).optional(),
  OMNI_TEMPORAL_TLS_CERT: z.string().min(1).optional(),
  OMNI_TEMPORAL_TLS_KEY: z.string().min(1).optional(),
  OMNI_TEMPORAL_TLS_CA: z.string().min(1).optional(),
  OMNI_TEMPORAL_TLS_SERVER_NAME: z.string().min(1).optional(),
  OMNI_TEMPORAL_TLS: z.enum(['0', '1']).default('0'),
  OMNI_SCRIPTED_FIXTURES_DIR: z.string().min(1).default(DEFAULT_SCRIPTED_FIXTURES_DIR),
  OMNI_REPOS_DIR: z.string().min(1).optional(),
  OMNI_DATA_DIR: z.string().min(1).optional(),
  OMNI_EGRESS_DIR: z.string().min(1).optional(),
  OMNI_WORKER_LOG_LEVEL: z.enum(['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR']).default('WARN'),
  OMNI_LOG_FORMAT: z.enum(['json', 'pretty']).default('json'),
  OMNI_ALLOW_UNPATCHED_RUNC: z.enum(['0', '1']).default('0'),
  OMNI_ALLOW_PRIVATE_PROVIDER_URLS: z.enum(['0', '1']).default('0'),
  OMNI_MCP_LISTING_MAX_AGE_S: z.coerce.number().int().min(0).max(86_400).default(300),
  OMNI_MCP_STDIO_IDLE_MS: z.coerce
    .number()
    .int()
    .min(1_000)
    .default(5 * 60_000),
});

export type WorkerConfig = {
  temporalAddress: string;
  namespace: string;
  taskQueue: string;
  databaseUrl: string;
  dockerHost: string | undefined;
  sandboxImage: string | undefined;
  /** Required by the worker process (main.ts), not by operator commands such as verify-run. */
  secretsKey: string | undefined;
  /** `omni rotate-secrets-key` only: the master key every sealed secret moves to. */
  newSecretsKey: string | undefined;
  /**
   * The Temporal payload keyring (D45). Required by the worker process; verify-run without it still reads histories
   * recorded before the codec, and names the missing key for sealed ones.
   */
  payloadKeys: PayloadKeyring | undefined;
  /** TLS (mTLS with a client certificate) to Temporal; undefined: plaintext (the local dev server). */
  temporalTls: TemporalTls | undefined;
  /** Folder of the offline scripted model's fixture files (`*.json`, loaded in name order). */
  scriptedFixturesDir: string;
  /** Where the project git repositories live (one bare repository per project, made on first use). */
  reposDir: string;
  /** Parent folder of the egress proxy's per-call sockets (default the OS temp dir); the Docker engine must see it. */
  egressDir: string | undefined;
  logLevel: 'TRACE' | 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
  /** `json` lines (default) or `pretty` plain lines (npm start); both redacted. */
  logFormat: 'json' | 'pretty';
  /** Unsafe: run tools on a runc older than 1.1.12 (CVE-2024-21626) instead of refusing to start (D39). */
  allowUnpatchedRunc: boolean;
  /** TEST/DEV ONLY: provider base URLs may reach private and loopback addresses, unvetted (D44). Off by default. */
  allowPrivateProviderUrls: boolean;
  /** How old an MCP server's listing may be before a call to one of its tools re-lists it first (docs/MCP.md). */
  mcpListingMaxAgeS: number;
  /** A stdio MCP server's container unused this long is stopped (D59). */
  mcpStdioIdleMs: number;
};

export function loadWorkerConfig(env: NodeJS.ProcessEnv = process.env): WorkerConfig {
  const parsed = WorkerEnv.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`invalid worker configuration: ${issue?.path.join('.')}: ${issue?.message}`);
  }
  const e = parsed.data;
  let payloadKeys: PayloadKeyring | undefined;
  let tls: TemporalTls | undefined;
  try {
    payloadKeys = e.OMNI_PAYLOAD_KEYS ? parsePayloadKeyring(e.OMNI_PAYLOAD_KEYS) : undefined;
    tls = temporalTls({
      cert: e.OMNI_TEMPORAL_TLS_CERT,
      key: e.OMNI_TEMPORAL_TLS_KEY,
      ca: e.OMNI_TEMPORAL_TLS_CA,
      serverName: e.OMNI_TEMPORAL_TLS_SERVER_NAME,
      enabled: e.OMNI_TEMPORAL_TLS === '1',
    });
  } catch (err) {
    throw new Error(`invalid worker configuration: ${(err as Error).message}`);
  }
  return {
    temporalAddress: e.TEMPORAL_ADDRESS,
    namespace: e.TEMPORAL_NAMESPACE,
    taskQueue: e.OMNI_TASK_QUEUE,
    databaseUrl: e.DATABASE_URL,
    dockerHost: e.DOCKER_HOST,
    sandboxImage: e.OMNI_SANDBOX_IMAGE,
    secretsKey: e.OMNI_SECRETS_KEY,
    newSecretsKey: e.OMNI_NEW_SECRETS_KEY,
    payloadKeys,
    temporalTls: tls,
    scriptedFixturesDir: e.OMNI_SCRIPTED_FIXTURES_DIR,
    reposDir: reposDirFrom(e.OMNI_REPOS_DIR, e.OMNI_DATA_DIR),
    egressDir: e.OMNI_EGRESS_DIR,
    logLevel: e.OMNI_WORKER_LOG_LEVEL,
    logFormat: e.OMNI_LOG_FORMAT,
    allowUnpatchedRunc: e.OMNI_ALLOW_UNPATCHED_RUNC === '1',
    allowPrivateProviderUrls: e.OMNI_ALLOW_PRIVATE_PROVIDER_URLS === '1',
    mcpListingMaxAgeS: e.OMNI_MCP_LISTING_MAX_AGE_S,
    mcpStdioIdleMs: e.OMNI_MCP_STDIO_IDLE_MS,
  };
}

/**
 * `OMNI_REPOS_DIR`, else `repos/` in the data folder (`npm start` passes both), else a folder under the system's temp
 * dir. Never the current directory: a worker started from a checkout must not grow repositories inside it.
 */
export function reposDirFrom(reposDir: string | undefined, dataDir: string | undefined): string {
  if (reposDir) return reposDir;
  if (dataDir) return join(dataDir, 'repos');
  return join(tmpdir(), 'omniai-repos');
}
