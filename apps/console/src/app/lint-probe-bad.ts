import { createDataSource } from '@omniai/store';
export const x = createDataSource;
