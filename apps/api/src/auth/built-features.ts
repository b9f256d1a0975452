import type { FeatureFlags } from '@omniai/contracts';

// Capabilities land issue by issue; until one does, its flag stays off and its routes answer E_CAPABILITY_DISABLED.
// OMNI_DISABLED_FEATURES turns built ones off too (AuthGuard); the console hides both (GET /v1/meta).
export const BUILT: FeatureFlags = { runs: true, approvals: true, workflows: true, research: true, mcp: true, marketplace: false };
