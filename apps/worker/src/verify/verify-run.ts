import { isDeepStrictEqual } from 'node:util';
import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { Worker, type WorkerOptions } from '@temporalio/worker';
import type { RunEvent } from '@omniai/contracts';
import type { RunStore } from '@omniai/store';
import type { DataConverter } from '@temporalio/common';

type History = Awaited<ReturnType<ReturnType<Client['workflow']['getHandle']>['fetchHistory']>>;

/** Loads a history saved by `omni export-history` (protobuf JSON of the History message). */
export function historyFromFile(json: unknown): temporal.api.history.v1.History {
  return temporal.api.history.v1.History.fromObject(json as Record<string, unknown>);
}

/**
 * Rebuilds a run's RunEvents from its Temporal history alone: the history is replayed through the real workflow
 * code, and the events it appends are collected through the `runLog` sink (called during replay too). Sealed
 * payloads need the data converter that sealed them (D45); plaintext histories replay with or without it.
 */
export async function rebuildRunEvents(
  history: History | unknown,
  workflowId: string,
  options: { bundlerOptions?: WorkerOptions['bundlerOptions']; dataConverter?: DataConverter } = {},
): Promise<RunEvent[]> {
  const collected: RunEvent[] = [];
  await Worker.runReplayHistory(
    {
      workflowsPath: require.resolve('@omniai/workflows'),
      bundlerOptions: options.bundlerOptions,
      dataConverter: options.dataConverter,
      sinks: { runLog: { appended: { fn: (_info, events: RunEvent[]) => void collected.push(...events), callDuringReplay: true } } },
    },
    history,
    workflowId,
  );
  return collected;
}

export interface RunVerification {
  runId: string;
  workflowId: string;
  fromHistory: number;
  inProjection: number;
  differences: string[];
}

/** The fields (payload fields as `payload.<name>`) whose values differ, so an operator sees what changed. */
function differingFields(a: RunEvent, b: RunEvent): string[] {
  const flat = (e: RunEvent) => {
    const { payload, ...envelope } = JSON.parse(JSON.stringify(e)) as Record<string, unknown> & { payload: Record<string, unknown> };
    return { ...envelope, ...Object.fromEntries(Object.entries(payload ?? {}).map(([k, v]) => [`payload.${k}`, v])) };
  };
  const x: Record<string, unknown> = flat(a);
  const y: Record<string, unknown> = flat(b);
  return [...new Set([...Object.keys(x), ...Object.keys(y)])].filter((k) => !isDeepStrictEqual(x[k], y[k])).sort();
}

/** Compares events by seq; JSON key order is ignored (jsonb reorders keys). */
export function diffRunEvents(fromHistory: RunEvent[], inProjection: RunEvent[]): string[] {
  const differences: string[] = [];
  const bySeq = new Map(inProjection.map((e) => [e.seq, e]));
  fromHistory.forEach((expected, i) => {
    if (expected.seq !== i + 1) differences.push(`history event #${i + 1} has seq ${expected.seq}`);
    const actual = bySeq.get(expected.seq);
    if (!actual) differences.push(`seq ${expected.seq} (${expected.kind}) is in history but missing from Postgres`);
    else if (!isDeepStrictEqual(JSON.parse(JSON.stringify(actual)), JSON.parse(JSON.stringify(expected)))) {
      differences.push(`seq ${expected.seq} (${expected.kind}) differs between history and Postgres (${differingFields(expected, actual).join(', ')})`);
    }
  });
  for (const extra of inProjection.filter((e) => e.seq > fromHistory.length)) {
    differences.push(`seq ${extra.seq} (${extra.kind}) is in Postgres but not in history`);
  }
  return differences;
}

export async function verifyRun(
  deps: { client: Client; runs: RunStore; dataConverter?: DataConverter; bundlerOptions?: WorkerOptions['bundlerOptions'] },
  runId: string,
): Promise<RunVerification> {
  const run = await deps.runs.getRun(runId);
  if (!run) throw new Error(`no run ${runId} in Postgres`);
  const history = await deps.client.workflow.getHandle(run.workflow_id).fetchHistory();
  const fromHistory = await rebuildRunEvents(history, run.workflow_id, {
    ...(deps.dataConverter ? { dataConverter: deps.dataConverter } : {}),
    ...(deps.bundlerOptions ? { bundlerOptions: deps.bundlerOptions } : {}),
  });
  const inProjection = await deps.runs.listEvents(runId, 1, 100_000);
  return {
    runId,
    workflowId: run.workflow_id,
    fromHistory: fromHistory.length,
    inProjection: inProjection.length,
    differences: diffRunEvents(fromHistory, inProjection),
  };
}
