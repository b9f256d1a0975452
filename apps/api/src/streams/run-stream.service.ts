import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { type Capability, isTerminalKind, type RunEvent, type StreamQuery } from '@omniai/contracts';
import { actorOf } from '../auth/actor';
import { AuthService } from '../auth/auth.service';
import { routeOf } from '../auth/route-table';
import { RunStore } from '@omniai/store';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppConfig } from '../config/app-config';
import { ApiException } from '../errors/api.exception';
import { SECURITY_HEADERS } from '../http/security-headers';
import { RunEventBus } from './run-event-bus';
import { SseChannel } from './sse';

const PAGE = 500;
/** How long a stream waits for a client that stopped reading before it drops it. */
const DRAIN_TIMEOUT_MS = 30_000;

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
  /** Open streams per user: a user (or a leaked token) cannot hold more than `OMNI_SSE_MAX_PER_USER`. */
  private readonly perUser = new Map<string, number>();
  /** Reads in flight by run and cursor: subscribers at the same point share one query instead of one each. */
  private readonly inflight = new Map<string, Promise<RunEvent[]>>();

  constructor(
    private readonly store: RunStore,
    private readonly bus: RunEventBus,
    private readonly config: AppConfig,
    private readonly auth: AuthService,
  ) {}

  /** Ends every open stream so that shutdown does not wait for clients; they reconnect and resume. */
  onApplicationShutdown(): void {
    for (const sse of [...this.open])
      sse.terminate({ reason: 'shutdown', code: 'E_DEPENDENCY_UNAVAILABLE', message: 'The server is stopping; reconnect to resume.' });
  }

  /**
   * Opens a stream for the caller of `req` about `projectId`, within the caller's stream quota. While it lasts, the
   * caller's access is checked again every `OMNI_SSE_RECHECK_MS` and at once when an identity change is announced
   * (sign-out, disabled, role or membership changed, token revoked); when it is gone, a `closed` frame ends it.
   */
  private openChannel(req: FastifyRequest, reply: FastifyReply, projectId: string): SseChannel {
    const userId = actorOf(req).user.id;
    const count = this.perUser.get(userId) ?? 0;
    if (count >= this.config.sseMaxPerUser) {
      throw new ApiException('E_RATE_LIMITED', `At most ${this.config.sseMaxPerUser} streams may be open per user; close one first.`);
    }
    const access = routeOf(req)?.access;
    const capability: Capability = access === undefined || access === 'public' ? 'read' : access;
    const sse = new SseChannel(req, reply, this.config.sseHeartbeatMs, SECURITY_HEADERS);
    this.perUser.set(userId, count + 1);
    this.open.add(sse);
    let checking: Promise<void> | null = null;
    let again = false;
    const recheck = (): void => {
      if (checking) {
        again = true;
        return;
      }
      checking = (async () => {
        do {
          again = false;
          const refusal = await this.auth.accessNow(req, capability, projectId).catch(() => null); // a database blip is not a revocation
          if (refusal) sse.terminate({ reason: 'access_revoked', code: refusal.code, message: refusal.message });
        } while (again && !sse.closed);
      })().finally(() => (checking = null));
    };
    const timer = setInterval(recheck, this.config.sseRecheckMs);
    timer.unref();
    const unsubscribe = this.bus.subscribeIdentity(userId, recheck);
    sse.onClose(() => {
      clearInterval(timer);
      unsubscribe();
      this.open.delete(sse);
      const left = (this.perUser.get(userId) ?? 1) - 1;
      if (left > 0) this.perUser.set(userId, left);
      else this.perUser.delete(userId);
    });
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

    const sse = this.openChannel(req, reply, run.project_id);
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
              const flowing = sse.send('run_event', event, event.seq);
              cursor = event.seq + 1;
              if (isTerminalKind(event.kind)) {
                sse.send('end', { run_id: runId, last_seq: event.seq });
                sse.close();
                return;
              }
              // Backpressure: read no further while the client has not taken what it was sent.
              if (!flowing && !(await this.drainedOrDropped(sse))) return;
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
      onDelta: (delta) => sse.sendEphemeral('assistant_message_delta', delta),
    });
    sse.onClose(unsubscribe);
    await pump();
  }

  /** Waits for a congested client to catch up; drops it (with a `closed` frame) when it does not within the bound. */
  private async drainedOrDropped(sse: SseChannel): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), DRAIN_TIMEOUT_MS)));
    const outcome = await Promise.race([sse.drained(), timedOut]);
    clearTimeout(timer);
    if (outcome === 'timeout') {
      sse.terminate({ reason: 'slow_client', code: 'E_RATE_LIMITED', message: 'The stream was read too slowly; reconnect to resume.' });
      return false;
    }
    return outcome;
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
    const sse = this.openChannel(req, reply, project.id);
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
