import { ROLE_CAPABILITIES } from '@omniai/contracts';
export const r = ROLE_CAPABILITIES;
