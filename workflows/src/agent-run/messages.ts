import { defineSignal } from '@temporalio/workflow';
import type { ApprovalDecisionSignal, ResumeRunSignal, SIGNALS } from '@omniai/contracts';

// The run's message definitions, kept together so that one shared Temporal contract package can take them over.

/** An operator's reviewers decide approvals (name shared with the API through the contracts). */
export const approvalDecisionSignal = defineSignal<[ApprovalDecisionSignal]>('approvalDecision' satisfies (typeof SIGNALS)['approvalDecision']);

/** An operator continues a paused run (name shared with the API through the contracts). */
export const resumeRunSignal = defineSignal<[ResumeRunSignal]>('resumeRun' satisfies (typeof SIGNALS)['resumeRun']);
