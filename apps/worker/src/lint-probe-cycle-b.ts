import { a } from './lint-probe-cycle-a';
export const b = (): number => a() - 1;
