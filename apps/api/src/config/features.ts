import type { FeatureFlags } from '@omniai/contracts';
import type { AppConfig } from './app-config';

// Capabilities land issue by issue; until one does, its flag stays off. OMNI_DISABLED_FEATURES turns built ones off:
// their routes then answer E_CAPABILITY_DISABLED (AuthGuard) and the console hides them.
export const BUILT: FeatureFlags = { runs: true, approvals: true, workflows: true, research: true, mcp: true, marketplace: false };

/** Whether a capability is built and not turned off on this deployment (the guard and `/v1/meta` both ask this). */
export function featureOn(config: Pick<AppConfig, 'disabledFeatures'>, feature: keyof FeatureFlags): boolean {
  return BUILT[feature] && !config.disabledFeatures.has(feature);
}
