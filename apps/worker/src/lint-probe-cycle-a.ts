import { b } from './lint-probe-cycle-b';
export const a = (): number => b() + 1;
