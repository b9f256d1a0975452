import { RunEvent } from '@omniai/contracts';
export const e = RunEvent;
