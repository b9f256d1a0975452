import { MIGRATIONS } from '@omniai/store';
export const m = MIGRATIONS;
