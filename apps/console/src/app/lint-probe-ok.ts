import type { Meta } from '@omniai/contracts';
export type M = Meta;
