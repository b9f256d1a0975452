import { TASK_QUEUES } from '@omniai/contracts';
import { parsePayloadKeyring, type PayloadKeyring, type TemporalTls, temporalTls } from '@omniai/workflow-api/codec';
import { z } from 'zod';

// The only place the API reads process.env. Parsed once at start; a bad value stops the process with one line.
const ApiEnv = z.object({
  OMNI_API_HOST: z.string().default('127.0.0.1'),
  OMNI_API_PORT: z.coerce.number().int().min(0).max(65535).default(3100),
  DATABASE_URL: z.string().min(1, 'DATABASE_URL is required (npm start sets it)'),
  TEMPORAL_ADDRESS: z.string().default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().default('default'),
  OMNI_TASK_QUEUE: z.string().min(1).default(TASK_QUEUES.runs),
  /** The Temporal UI server the API proxies under `/temporal/` for admins (npm start: the dev server's UI port). */
  TEMPORAL_UI_URL: z.url().optional(),
  /** More `Host` values under which the proxied Temporal UI answers (besides the public URL's and the listen address). */
  OMNI_CONSOLE_DIR: z.string().optional(),
  OMNI_BODY_LIMIT_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(1024 * 1024),
  OMNI_CORS_ORIGINS: z.string().default(''),
  /**
   * Host headers the API answers (comma-separated `name[:port]`), beside the public URL's host and the bound port on
   * the API host, `localhost`, `127.0.0.1` and `[::1]`. Any other Host is refused (DNS rebinding).
   */
  OMNI_ALLOWED_HOSTS: z.string().default(''),
  /**
   * Whose `X-Forwarded-For` to believe for the client address: off (the default: the socket's peer), `true` (any
   * peer: only behind a proxy that overwrites the header), a hop count, or comma-separated addresses/CIDRs.
   */
  OMNI_TRUST_PROXY: z.string().default('false'),
  /** Time to receive a whole request (headers and body); a slower client gets 408 and its connection closed. */
  OMNI_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100).default(30_000),
  /** A socket with no traffic in either direction for this long is closed (SSE heartbeats count as traffic). */
  OMNI_CONNECTION_TIMEOUT_MS: z.coerce.number().int().min(1_000).default(120_000),
  OMNI_KEEP_ALIVE_TIMEOUT_MS: z.coerce.number().int().min(100).default(10_000),
  OMNI_SECRETS_KEY: z.string().min(1, 'OMNI_SECRETS_KEY (base64, 32 bytes) is required; npm start generates one in .data/secrets.key'),
  /** The Temporal payload keyring (`id:base64key,…`, sealing key first; D45); npm start keeps one in .data/payload.keys. */
  OMNI_PAYLOAD_KEYS: z.string().min(1, 'OMNI_PAYLOAD_KEYS (id:base64key, 32-byte keys) is required; npm start generates one in .data/payload.keys'),
  /** TLS to Temporal (files; cert and key together give mTLS). None: plaintext, as the local dev server needs. */
  OMNI_TEMPORAL_TLS_CERT: z.string().min(1).optional(),
  OMNI_TEMPORAL_TLS_KEY: z.string().min(1).optional(),
  OMNI_TEMPORAL_TLS_CA: z.string().min(1).optional(),
  OMNI_TEMPORAL_TLS_SERVER_NAME: z.string().min(1).optional(),
  OMNI_TEMPORAL_TLS: z.enum(['0', '1']).default('0'),
  OMNI_LOG_LEVEL: z.enum(['error', 'warn', 'log', 'debug']).default('log'),
  /** `json`: one object per line (the default); `pretty`: plain lines for a terminal (npm start). Both are redacted. */
  OMNI_LOG_FORMAT: z.enum(['json', 'pretty']).default('json'),
  OMNI_SSE_HEARTBEAT_MS: z.coerce.number().int().min(100).default(15_000),
  /** Open SSE streams re-check their caller's access this often (and at once on an identity change). */
  OMNI_SSE_RECHECK_MS: z.coerce.number().int().min(100).default(5_000),
  /** Concurrent SSE streams per user (per token on the public lane); one more answers 429. */
  OMNI_SSE_MAX_PER_USER: z.coerce.number().int().positive().default(8),
  /** Where users reach the console (links in invites; https here makes cookies `Secure` and `__Host-`). */
  OMNI_PUBLIC_URL: z.url().optional(),
  /** The first admin, created when there are no users. Without a password, the API prints a one-time link instead. */
  OMNI_ADMIN_EMAIL: z.string().default('admin@localhost'),
  OMNI_ADMIN_PASSWORD: z.string().min(12, 'OMNI_ADMIN_PASSWORD needs at least 12 characters').optional(),
  OMNI_SESSION_TTL_HOURS: z.coerce
    .number()
    .positive()
    .default(24 * 7),
  OMNI_SESSION_IDLE_HOURS: z.coerce.number().positive().default(24),
  /** Requests per minute: per session on the UI lane, per token on the public lane, per address for sign-in attempts. */
  OMNI_RATE_LIMIT_UI: z.coerce.number().int().positive().default(1200),
  OMNI_RATE_LIMIT_PUBLIC: z.coerce.number().int().positive().default(300),
  OMNI_RATE_LIMIT_LOGIN: z.coerce.number().int().positive().default(30),
  /** How long one round of `/v1/meta` probes answers every caller (0: each request probes, sharing rounds in flight). */
  OMNI_META_CACHE_MS: z.coerce.number().int().min(0).default(5_000),
  /** Requests per minute per address to the public `/v1/meta`. */
  OMNI_RATE_LIMIT_META: z.coerce.number().int().positive().default(120),
  /** Failed sign-ins of one account (any address) before each further attempt waits: 5 s, doubling, up to the max. */
  OMNI_LOGIN_FREE_ATTEMPTS: z.coerce.number().int().positive().default(5),
  OMNI_LOGIN_BACKOFF_MAX_S: z.coerce.number().int().positive().default(900),
  /** Comma-separated feature flags to turn off (see FeatureFlags). */
  OMNI_DISABLED_FEATURES: z.string().default(''),
  /** TEST/DEV ONLY: provider base URLs may name private and loopback addresses for every preset (D44). */
  OMNI_ALLOW_PRIVATE_PROVIDER_URLS: z.enum(['0', '1']).default('0'),
  /** Seconds between an MCP server's periodic checks (its Temporal Schedule `mcp-check-<id>`, docs/MCP.md). */
  OMNI_MCP_CHECK_INTERVAL_S: z.coerce.number().int().min(10).max(86_400).default(300),
  /** How long `POST /v1/mcp/servers` and `POST …/check` wait for the worker's check before answering 504. */
  OMNI_MCP_CHECK_WAIT_MS: z.coerce.number().int().min(1_000).max(120_000).default(30_000),
});

/** Parsed configuration, injected by class token. */
export class AppConfig {
  readonly host: string;
  readonly port: number;
  readonly databaseUrl: string;
  readonly temporalAddress: string;
  readonly temporalNamespace: string;
  readonly taskQueue: string;
  readonly temporalUiUrl: string | null;
  readonly consoleDir: string | undefined;
  readonly bodyLimitBytes: number;
  readonly timeouts: { requestMs: number; connectionMs: number; keepAliveMs: number };
  readonly trustProxy: boolean | number | string[];
  /** Host header values answered in any case (lower-case `name[:port]`): the public URL's host and OMNI_ALLOWED_HOSTS. */
  readonly allowedHosts: ReadonlySet<string>;
  /** Host names answered on the API's own port (its configured host and the loopback names). */
  readonly localHostNames: ReadonlySet<string>;
  readonly corsOrigins: string[];
  readonly sseHeartbeatMs: number;
  readonly sseRecheckMs: number;
  readonly sseMaxPerUser: number;
  readonly secretsKey: string;
  readonly payloadKeys: PayloadKeyring;
  readonly temporalTls: TemporalTls | undefined;
  readonly logLevels: Array<'error' | 'warn' | 'log' | 'debug'>;
  readonly logFormat: 'json' | 'pretty';
  readonly version: string;
  readonly publicUrl: string;
  readonly secureCookies: boolean;
  readonly admin: { email: string; password: string | undefined };
  readonly sessionTtlMs: number;
  readonly sessionIdleMs: number;
  readonly rateLimits: { ui: number; public: number; login: number; meta: number };
  readonly loginBackoff: { freeAttempts: number; maxSeconds: number };
  readonly metaCacheMs: number;
  readonly disabledFeatures: ReadonlySet<string>;
  /** TEST/DEV ONLY (`OMNI_ALLOW_PRIVATE_PROVIDER_URLS=1`): provider base URLs are not vetted (D44). */
  readonly allowPrivateProviderUrls: boolean;
  /** The MCP hub: seconds between periodic checks, and how long a request waits for a check (docs/MCP.md). */
  readonly mcp: { checkIntervalS: number; checkWaitMs: number };

  constructor(env: z.infer<typeof ApiEnv>, version: string) {
    this.host = env.OMNI_API_HOST;
    this.port = env.OMNI_API_PORT;
    this.databaseUrl = env.DATABASE_URL;
    this.temporalAddress = env.TEMPORAL_ADDRESS;
    this.temporalNamespace = env.TEMPORAL_NAMESPACE;
    this.taskQueue = env.OMNI_TASK_QUEUE;
    this.temporalUiUrl = env.TEMPORAL_UI_URL ?? null;
    this.consoleDir = env.OMNI_CONSOLE_DIR;
    this.bodyLimitBytes = env.OMNI_BODY_LIMIT_BYTES;
    this.corsOrigins = env.OMNI_CORS_ORIGINS.split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    this.sseHeartbeatMs = env.OMNI_SSE_HEARTBEAT_MS;
    this.sseRecheckMs = env.OMNI_SSE_RECHECK_MS;
    this.sseMaxPerUser = env.OMNI_SSE_MAX_PER_USER;
    this.timeouts = { requestMs: env.OMNI_REQUEST_TIMEOUT_MS, connectionMs: env.OMNI_CONNECTION_TIMEOUT_MS, keepAliveMs: env.OMNI_KEEP_ALIVE_TIMEOUT_MS };
    this.trustProxy = parseTrustProxy(env.OMNI_TRUST_PROXY);
    this.secretsKey = env.OMNI_SECRETS_KEY;
    this.payloadKeys = parsePayloadKeyring(env.OMNI_PAYLOAD_KEYS);
    this.temporalTls = temporalTls({
      cert: env.OMNI_TEMPORAL_TLS_CERT,
      key: env.OMNI_TEMPORAL_TLS_KEY,
      ca: env.OMNI_TEMPORAL_TLS_CA,
      serverName: env.OMNI_TEMPORAL_TLS_SERVER_NAME,
      enabled: env.OMNI_TEMPORAL_TLS === '1',
    });
    const levels = ['error', 'warn', 'log', 'debug'] as const;
    this.logLevels = levels.slice(0, levels.indexOf(env.OMNI_LOG_LEVEL) + 1);
    this.logFormat = env.OMNI_LOG_FORMAT;
    this.version = version;
    this.publicUrl = publicUrlOf(env.OMNI_PUBLIC_URL, env.OMNI_API_HOST, env.OMNI_API_PORT);
    this.secureCookies = this.publicUrl.startsWith('https://');
    this.admin = { email: env.OMNI_ADMIN_EMAIL.trim().toLowerCase(), password: env.OMNI_ADMIN_PASSWORD };
    this.sessionTtlMs = env.OMNI_SESSION_TTL_HOURS * 3_600_000;
    this.sessionIdleMs = env.OMNI_SESSION_IDLE_HOURS * 3_600_000;
    this.rateLimits = { ui: env.OMNI_RATE_LIMIT_UI, public: env.OMNI_RATE_LIMIT_PUBLIC, login: env.OMNI_RATE_LIMIT_LOGIN, meta: env.OMNI_RATE_LIMIT_META };
    this.metaCacheMs = env.OMNI_META_CACHE_MS;
    this.loginBackoff = { freeAttempts: env.OMNI_LOGIN_FREE_ATTEMPTS, maxSeconds: env.OMNI_LOGIN_BACKOFF_MAX_S };
    this.allowedHosts = new Set([new URL(this.publicUrl).host.toLowerCase(), ...list(env.OMNI_ALLOWED_HOSTS).map((h) => h.toLowerCase())]);
    const own = env.OMNI_API_HOST.toLowerCase();
    const wildcard = own === '0.0.0.0' || own === '::' || own === '[::]';
    this.localHostNames = new Set(['localhost', '127.0.0.1', '[::1]', ...(wildcard ? [] : [own.includes(':') && !own.startsWith('[') ? `[${own}]` : own])]);
    this.disabledFeatures = new Set(
      env.OMNI_DISABLED_FEATURES.split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    );
    this.allowPrivateProviderUrls = env.OMNI_ALLOW_PRIVATE_PROVIDER_URLS === '1';
    this.mcp = { checkIntervalS: env.OMNI_MCP_CHECK_INTERVAL_S, checkWaitMs: env.OMNI_MCP_CHECK_WAIT_MS };
  }

  static fromEnv(env: NodeJS.ProcessEnv = process.env, version = '0.1.0'): AppConfig {
    const parsed = ApiEnv.safeParse(env);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new ConfigError(`invalid API configuration: ${issue?.path.join('.')}: ${issue?.message}`);
    }
    if (parsed.data.OMNI_SSE_HEARTBEAT_MS >= parsed.data.OMNI_CONNECTION_TIMEOUT_MS) {
      throw new ConfigError('invalid API configuration: OMNI_SSE_HEARTBEAT_MS must be shorter than OMNI_CONNECTION_TIMEOUT_MS (idle streams would be cut)');
    }
    try {
      return new AppConfig(parsed.data, version);
    } catch (err) {
      throw new ConfigError(`invalid API configuration: ${(err as Error).message}`);
    }
  }
}

export class ConfigError extends Error {}

/** What `npm run omni -- admin-link` needs (the same variables and defaults as the API, nothing more). */
export interface AdminLinkConfig {
  databaseUrl: string;
  publicUrl: string;
  adminEmail: string;
}

export function adminLinkConfigFromEnv(env: NodeJS.ProcessEnv = process.env): AdminLinkConfig {
  const parsed = ApiEnv.pick({ DATABASE_URL: true, OMNI_PUBLIC_URL: true, OMNI_API_HOST: true, OMNI_API_PORT: true, OMNI_ADMIN_EMAIL: true }).safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(`invalid configuration: ${issue?.path.join('.')}: ${issue?.message}`);
  }
  const e = parsed.data;
  return {
    databaseUrl: e.DATABASE_URL,
    publicUrl: publicUrlOf(e.OMNI_PUBLIC_URL, e.OMNI_API_HOST, e.OMNI_API_PORT),
    adminEmail: e.OMNI_ADMIN_EMAIL.trim().toLowerCase(),
  };
}

const publicUrlOf = (url: string | undefined, host: string, port: number) => (url ?? `http://${host}:${port}`).replace(/\/+$/, '');

const list = (value: string) =>
  value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

/** `OMNI_TRUST_PROXY` as Fastify's `trustProxy` takes it. */
function parseTrustProxy(value: string): boolean | number | string[] {
  const v = value.trim().toLowerCase();
  if (v === '' || v === 'false' || v === '0' || v === 'off') return false;
  if (v === 'true' || v === 'on') return true;
  if (/^\d+$/.test(v)) return Number(v);
  return list(v);
}
