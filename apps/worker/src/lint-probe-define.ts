import { defineSignal } from '@temporalio/workflow';
export const s = defineSignal<[string]>('probe');
