import type { AssistantMessageDelta, RunEvent, StreamClosed } from '@omniai/contracts';

export type StreamState = 'connecting' | 'live' | 'reconnecting' | 'ended' | 'failed';

export interface RunStreamHandlers {
  onEvent(event: RunEvent): void;
  onDelta(delta: AssistantMessageDelta): void;
  onState(state: StreamState, detail?: string): void;
  /** The API answered 401: the session ended while the stream was open (the stream stops; no retrying). */
  onSignedOut?(): void;
}

const MAX_BACKOFF_MS = 8_000;

/**
 * Follows `GET /v1/runs/:id/stream` over fetch (not EventSource, so that backoff and state are ours): delivers each
 * persisted event once, in seq order, and resumes after a disconnect from the last seq it delivered.
 */
export class RunStream {
  private lastSeq: number;
  private abort: AbortController | null = null;
  private stopped = false;
  private attempt = 0;

  constructor(
    private readonly runId: string,
    private readonly handlers: RunStreamHandlers,
    fromSeq = 1,
  ) {
    this.lastSeq = fromSeq - 1;
  }

  start(): void {
    void this.loop();
  }

  stop(): void {
    this.stopped = true;
    this.abort?.abort();
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      this.handlers.onState(this.attempt === 0 ? 'connecting' : 'reconnecting');
      try {
        const ended = await this.connectOnce();
        if (ended) {
          this.handlers.onState('ended');
          return;
        }
      } catch (err) {
        if (this.stopped) return;
        if (err instanceof NotFound) {
          this.handlers.onState('failed', 'This run does not exist.');
          return;
        }
        if (err instanceof SignedOut) {
          this.handlers.onState('failed', 'Your session ended: sign in again.');
          this.handlers.onSignedOut?.();
          return;
        }
        if (err instanceof AccessRevoked) {
          // The server ended the stream because access went: reconnecting would only be refused.
          if (err.frame.code === 'E_AUTH_REQUIRED') {
            this.handlers.onState('failed', 'Your session ended: sign in again.');
            this.handlers.onSignedOut?.();
          } else {
            this.handlers.onState('failed', `You no longer have access to this run. ${err.frame.message}`);
          }
          return;
        }
      }
      if (this.stopped) return;
      this.attempt++;
      const delay = Math.min(MAX_BACKOFF_MS, 500 * 2 ** Math.min(this.attempt - 1, 5)) * (0.8 + Math.random() * 0.4);
      this.handlers.onState('reconnecting', `retrying in ${Math.round(delay / 100) / 10} s`);
      await new Promise((r) => setTimeout(r, delay));
    }
  }

  /** One connection; resolves true when the run's terminal event arrived, false when the connection dropped. */
  private async connectOnce(): Promise<boolean> {
    this.abort = new AbortController();
    const res = await fetch(`/v1/runs/${this.runId}/stream?from_seq=${this.lastSeq + 1}`, {
      headers: { accept: 'text/event-stream' },
      signal: this.abort.signal,
      cache: 'no-store',
    });
    if (res.status === 404) throw new NotFound();
    if (res.status === 401) throw new SignedOut();
    if (!res.ok || !res.body) return false;
    this.handlers.onState('live');
    this.attempt = 0;
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return false;
      buffer += value;
      let at: number;
      while ((at = buffer.indexOf('\n\n')) >= 0) {
        const frame = parseFrame(buffer.slice(0, at));
        buffer = buffer.slice(at + 2);
        if (!frame) continue;
        if (frame.event === 'run_event') {
          const event = frame.data as RunEvent;
          if (event.seq <= this.lastSeq) continue; // never deliver twice
          this.lastSeq = event.seq;
          this.handlers.onEvent(event);
        } else if (frame.event === 'assistant_message_delta') {
          this.handlers.onDelta(frame.data as AssistantMessageDelta);
        } else if (frame.event === 'end') {
          await reader.cancel();
          return true;
        } else if (frame.event === 'closed') {
          // Ended early: access revoked (stop), or a slow reader / server restart (reconnect and resume).
          await reader.cancel();
          const closed = frame.data as StreamClosed;
          if (closed.reason === 'access_revoked') throw new AccessRevoked(closed);
          return false;
        }
      }
    }
  }
}

class NotFound extends Error {}
class SignedOut extends Error {}
class AccessRevoked extends Error {
  constructor(readonly frame: StreamClosed) {
    super(frame.message);
  }
}

function parseFrame(block: string): { event: string; data: unknown } | null {
  let event = 'message';
  let data = '';
  for (const line of block.split('\n')) {
    if (line.startsWith('event: ')) event = line.slice(7);
    else if (line.startsWith('data: ')) data += line.slice(6);
  }
  if (!data) return null;
  try {
    return { event, data: JSON.parse(data) as unknown };
  } catch {
    return null;
  }
}
