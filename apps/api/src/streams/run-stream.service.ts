import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { isTerminalKind, type RunEvent, type StreamQuery } from '@omniai/contracts';
import { RunStore } from '@omniai/store';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppConfig } from '../config/app-config';
import { ApiException } from '../errors/api.exception';
import { SECURITY_HEADERS } from '../http/security-headers';
import { RunEventBus } from './run-event-bus';
import { SseChannel } from './sse';

const PAGE = 500;

/** Parses `Last-Event-ID` (the last seq the client has) into the first seq to send. */
export function resumeFrom(query: StreamQuery, lastEventId: string | undefined): number {
  if (lastEventId !== undefined && lastEventId.trim() !== '') {
    const last = Number(lastEventId);
    if (!Number.isInteger(last) || last < 0) {
      throw new ApiException('E_VALIDATION', 'Last-Event-ID must be a non-negative integer (a seq).', [
        { path: 'Last-Event-ID', message: 'expected an integer' },
      ]);
    }
    return last + 1;
  }
  return query.from_seq ?? 1;
}

@Injectable()
export class RunStreamService implements OnApplicationShutdown {
  private readonly open = new Set<SseChannel>();
  /** Reads in flight by run and cursor: subscribers at the same point share one query instead of one each. */
  private readonly inflight = new Map<string, Promise<RunEvent[]>>();

  constructor(
    private readonly store: RunStore,
    private readonly bus: RunEventBus,
    private readonly config: AppConfig,
  ) {}

  /** Ends every open stream so that shutdown does not wait for clients; they reconnect and resume. */
  onApplicationShutdown(): void {
    for (const sse of [...this.open]) sse.close();
  }

  private openChannel(req: FastifyRequest, reply: FastifyReply): SseChannel {
    const sse = new SseChannel(req, reply, this.config.sseHeartbeatMs, SECURITY_HEADERS);
    this.open.add(sse);
    sse.onClose(() => this.open.delete(sse));
    return sse;
  }

  /**
   * Streams a run's events from a resume point: backlog from Postgres first, then live events as NOTIFY announces
   * them, each with `id: seq`, in order, without gaps or duplicates. Ends after the terminal event.
   */
  async streamRun(runId: string, query: StreamQuery, lastEventId: string | undefined, req: FastifyRequest, reply: FastifyReply): Promise<void> {
    let cursor = resumeFrom(query, lastEventId);
    const run = await this.store.getRun(runId);
    if (!run) throw new ApiException('E_NOT_FOUND', `No run ${runId}.`);

    const sse = this.openChannel(req, reply);
    let pumping = false;
    let again = false;
    const pump = async (): Promise<void> => {
      if (pumping) {
        again = true;
        return;
      }
      pumping = true;
      try {
        do {
          again = false;
          for (;;) {
            const batch = await this.readShared(runId, cursor);
            for (const event of batch) {
              if (sse.closed) return;
              sse.send('run_event', event, event.seq);
              cursor = event.seq + 1;
              if (isTerminalKind(event.kind)) {
                sse.send('end', { run_id: runId, last_seq: event.seq });
                sse.close();
                return;
              }
            }
            if (batch.length < PAGE) break;
          }
        } while (again && !sse.closed);
      } catch {
        // The database went away mid-stream: tell the client, which resumes from its Last-Event-ID.
        sse.send('error', { code: 'E_DEPENDENCY_UNAVAILABLE', message: 'The event store is unavailable; reconnect to resume.' });
        sse.close();
      } finally {
        pumping = false;
      }
    };
    // Subscribe before reading the backlog, so an event committed in between is never missed.
    const unsubscribe = this.bus.subscribeRun(runId, {
      onEvents: () => void pump(),
      onDelta: (delta) => sse.send('assistant_message_delta', delta),
    });
    sse.onClose(unsubscribe);
    await pump();
  }

  /**
   * One NOTIFY wakes every subscriber of the run; live subscribers sit at the same cursor, so they all ask for the
   * same page. Sharing the in-flight query turns N queries per event into one (measured in bench/: event → SSE).
   */
  private readShared(runId: string, from: number): Promise<RunEvent[]> {
    const key = `${runId}:${from}`;
    let read = this.inflight.get(key);
    if (!read) {
      read = this.store.listEvents(runId, from, PAGE).finally(() => this.inflight.delete(key));
      this.inflight.set(key, read);
    }
    return read;
  }

  /** Streams status changes of a project's runs, starting with the current status of its latest runs. */
  async streamProject(projectId: string, req: FastifyRequest, reply: FastifyReply): Promise<void> {
    const project = await this.store.getProject(projectId);
    if (!project) throw new ApiException('E_NOT_FOUND', `No project ${projectId}.`);
    const sse = this.openChannel(req, reply);
    const unsubscribe = this.bus.subscribeProject(projectId, (change) => sse.send('run_status', change));
    sse.onClose(unsubscribe);
    const latest = await this.store.listRuns({ projectId }, 50);
    for (const run of latest.reverse()) {
      sse.send('run_status', {
        run_id: run.id,
        project_id: run.project_id,
        thread_id: run.thread_id,
        status: run.status,
        last_seq: run.last_seq,
        at: run.ended_at ?? run.started_at ?? run.created_at,
      });
    }
  }
}
