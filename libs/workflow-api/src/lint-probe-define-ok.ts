import { defineUpdate } from '@temporalio/workflow';
export const u = defineUpdate<number, [number]>('probe');
