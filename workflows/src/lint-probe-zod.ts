import { z } from 'zod';
export const n = z.number();
