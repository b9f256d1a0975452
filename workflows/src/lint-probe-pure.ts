import type { RunEvent } from '@omniai/contracts';
import { RUN_EVENT_SCHEMA_VERSION } from '@omniai/contracts/pure';
import { resumeRunSignal } from '@omniai/workflow-api';
export type E = RunEvent;
export const v = [RUN_EVENT_SCHEMA_VERSION, resumeRunSignal.name];
