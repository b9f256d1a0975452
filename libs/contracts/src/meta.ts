import { z } from 'zod';

/** Names of the components `/v1/meta` reports on. */
export const ComponentName = z.enum(['temporal', 'postgres', 'docker', 'worker']);
export type ComponentName = z.infer<typeof ComponentName>;

/** Health of one component as seen from the API process, measured when `/v1/meta` is called. */
export const ComponentHealth = z.strictObject({
  status: z.enum(['healthy', 'unhealthy']),
  /** Round-trip time of the probe in milliseconds (also set when the probe failed). */
  latency_ms: z.number().nonnegative(),
  /**
   * Short, user-safe description: a server version on success, the failure's cause otherwise. Only for signed-in
   * callers: versions help an attacker pick an exploit.
   */
  detail: z.string().optional(),
});
export type ComponentHealth = z.infer<typeof ComponentHealth>;

/** Feature flags: a disabled capability answers `E_CAPABILITY_DISABLED` and its console routes are hidden. */
export const FeatureFlags = z.strictObject({
  runs: z.boolean(),
  approvals: z.boolean(),
  workflows: z.boolean(),
  research: z.boolean(),
  mcp: z.boolean(),
  marketplace: z.boolean(),
});
export type FeatureFlags = z.infer<typeof FeatureFlags>;

/**
 * `GET /v1/meta`: what this deployment is and whether its parts answer. Anyone may ask (the console reads it before
 * sign-in); `version`, `instance_id`, `links` and each component's `detail` are sent to signed-in callers only.
 * Probes run at most once per few seconds per API process (concurrent callers share the result), so `checked_at`
 * may be a few seconds old.
 */
export const Meta = z.strictObject({
  name: z.literal('omniai'),
  /** Signed-in callers only. */
  version: z.string().optional(),
  /** Stable id of this installation's database; unchanged across restarts while the data is kept. Signed-in callers only. */
  instance_id: z.string().nullable().optional(),
  status: z.enum(['healthy', 'degraded']),
  features: FeatureFlags,
  components: z.strictObject({
    temporal: ComponentHealth,
    postgres: ComponentHealth,
    docker: ComponentHealth,
    worker: ComponentHealth,
  } satisfies Record<ComponentName, typeof ComponentHealth>),
  /** Signed-in callers only. */
  links: z
    .strictObject({
      temporal_ui: z.string().nullable(),
    })
    .optional(),
  checked_at: z.iso.datetime(),
});
export type Meta = z.infer<typeof Meta>;
