import { randomBytes } from 'node:crypto';

/** Prefix of a Standard Webhooks signing secret; the rest is base64 of the key bytes. */
export const WEBHOOK_SECRET_PREFIX = 'whsec_';

/** A new signing secret (`whsec_` + base64 of 32 random bytes), as the Standard Webhooks spec and its libraries expect. */
export function newWebhookSecret(): string {
  return `${WEBHOOK_SECRET_PREFIX}${randomBytes(32).toString('base64')}`;
}
