import { z } from 'zod';

/** Lower-case hex sha256 of an artifact's bytes: its identity in the content-addressed store. */
export const Sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'expected a lower-case hex sha256');
export type Sha256 = z.infer<typeof Sha256>;

/**
 * A claim-check for content kept out of workflow history and RunEvents: anything above the inline limit
 * (`INLINE_PAYLOAD_LIMIT_BYTES` of `@omniai/store`'s ArtifactStore) travels as this reference instead of inline.
 */
export const ArtifactRef = z.strictObject({
  sha256: Sha256,
  size_bytes: z.number().int().nonnegative(),
  media_type: z.string().min(1).max(255),
});
export type ArtifactRef = z.infer<typeof ArtifactRef>;
