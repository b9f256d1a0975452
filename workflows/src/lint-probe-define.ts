import * as wf from '@temporalio/workflow';
export const q = wf.defineQuery<number>('probe');
