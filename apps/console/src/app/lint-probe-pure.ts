import { type Role } from '@omniai/contracts';
import { roleAllows } from '@omniai/contracts/pure';
export const ok = (r: Role) => roleAllows(r, 'read');
