import { readFileSync } from 'node:fs';
export const y = readFileSync;
