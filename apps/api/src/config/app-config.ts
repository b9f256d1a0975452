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
  OMNI_TEMPORAL_UI_HOSTS: z.string().default(''),
  OMNI_CONSOLE_DIR: z.string().optional(),
  OMNI_BODY_LIMIT_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(1024 * 1024),
  OMNI_CORS_ORIGINS: z.string().default(''),
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
  /** Comma-separated feature flags to turn off (see FeatureFlags). */
  OMNI_DISABLED_FEATURES: z.string().default(''),
  /** TEST/DEV ONLY: provider base URLs may name private and loopback addresses for every preset (D44). */
  OMNI_ALLOW_PRIVATE_PROVIDER_URLS: z.enum(['0', '1']).default('0'),
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
  readonly temporalUiHosts: string[];
  readonly consoleDir: string | undefined;
  readonly bodyLimitBytes: number;
  readonly corsOrigins: string[];
  readonly sseHeartbeatMs: number;
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
  readonly rateLimits: { ui: number; public: number; login: number };
  readonly disabledFeatures: ReadonlySet<string>;
  /** TEST/DEV ONLY (`OMNI_ALLOW_PRIVATE_PROVIDER_URLS=1`): provider base URLs are not vetted (D44). */
  readonly allowPrivateProviderUrls: boolean;

  constructor(env: z.infer<typeof ApiEnv>, version: string) {
    this.host = env.OMNI_API_HOST;
    this.port = env.OMNI_API_PORT;
    this.databaseUrl = env.DATABASE_URL;
    this.temporalAddress = env.TEMPORAL_ADDRESS;
    this.temporalNamespace = env.TEMPORAL_NAMESPACE;
    this.taskQueue = env.OMNI_TASK_QUEUE;
    this.temporalUiUrl = env.TEMPORAL_UI_URL ?? null;
    this.temporalUiHosts = env.OMNI_TEMPORAL_UI_HOSTS.split(',')
      .map((s) => s.trim().toLowerCase())
      .filter(Boolean);
    this.consoleDir = env.OMNI_CONSOLE_DIR;
    this.bodyLimitBytes = env.OMNI_BODY_LIMIT_BYTES;
    this.corsOrigins = env.OMNI_CORS_ORIGINS.split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    this.sseHeartbeatMs = env.OMNI_SSE_HEARTBEAT_MS;
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
    this.publicUrl = (env.OMNI_PUBLIC_URL ?? `http://${env.OMNI_API_HOST}:${env.OMNI_API_PORT}`).replace(/\/+$/, '');
    this.secureCookies = this.publicUrl.startsWith('https://');
    this.admin = { email: env.OMNI_ADMIN_EMAIL.trim().toLowerCase(), password: env.OMNI_ADMIN_PASSWORD };
    this.sessionTtlMs = env.OMNI_SESSION_TTL_HOURS * 3_600_000;
    this.sessionIdleMs = env.OMNI_SESSION_IDLE_HOURS * 3_600_000;
    this.rateLimits = { ui: env.OMNI_RATE_LIMIT_UI, public: env.OMNI_RATE_LIMIT_PUBLIC, login: env.OMNI_RATE_LIMIT_LOGIN };
    this.disabledFeatures = new Set(
      env.OMNI_DISABLED_FEATURES.split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    );
    this.allowPrivateProviderUrls = env.OMNI_ALLOW_PRIVATE_PROVIDER_URLS === '1';
  }

  static fromEnv(env: NodeJS.ProcessEnv = process.env, version = '0.1.0'): AppConfig {
    const parsed = ApiEnv.safeParse(env);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new ConfigError(`invalid API configuration: ${issue?.path.join('.')}: ${issue?.message}`);
    }
    try {
      return new AppConfig(parsed.data, version);
    } catch (err) {
      throw new ConfigError(`invalid API configuration: ${(err as Error).message}`);
    }
  }
}

export class ConfigError extends Error {}
