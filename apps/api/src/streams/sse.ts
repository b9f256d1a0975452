import type { StreamClosed } from '@omniai/contracts';
import type { FastifyReply, FastifyRequest } from 'fastify';

/** Bytes a client may leave unread before it is dropped (a reader that stalls must not grow the API's memory). */
export const SSE_MAX_BUFFERED_BYTES = 1024 * 1024;
/** After the terminal frame, how long a client that does not read keeps its socket. */
const END_GRACE_MS = 5_000;

/**
 * A Server-Sent Events response on a hijacked Fastify reply, with heartbeats and backpressure: `send` says when the
 * socket's buffer is full, `drained` waits for it to empty, ephemeral frames (deltas, heartbeats) are skipped while
 * it is full, and a client that leaves more than {@link SSE_MAX_BUFFERED_BYTES} unread is dropped with a terminal
 * `closed` frame.
 */
export class SseChannel {
  private heartbeat: NodeJS.Timeout;
  private closedFlag = false;
  private readonly closeHandlers: Array<() => void> = [];

  constructor(
    request: FastifyRequest,
    private readonly reply: FastifyReply,
    heartbeatMs: number,
    securityHeaders: Record<string, string>,
    private readonly maxBufferedBytes = SSE_MAX_BUFFERED_BYTES,
  ) {
    reply.hijack();
    reply.raw.writeHead(200, {
      ...securityHeaders,
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
      'x-request-id': String(request.id),
    });
    reply.raw.write('retry: 2000\n\n');
    this.heartbeat = setInterval(() => this.comment('heartbeat'), heartbeatMs);
    request.raw.on('close', () => this.close());
  }

  get closed(): boolean {
    return this.closedFlag;
  }

  /** The client has not read everything sent so far. */
  get congested(): boolean {
    return this.reply.raw.writableNeedDrain;
  }

  /** Runs `handler` when the stream ends; answers a function that forgets it. */
  onClose(handler: () => void): () => void {
    this.closeHandlers.push(handler);
    return () => {
      const at = this.closeHandlers.indexOf(handler);
      if (at >= 0) this.closeHandlers.splice(at, 1);
    };
  }

  /**
   * Sends one event; `id` is set only for persisted events (its seq), never for ephemeral ones. False when the
   * socket's buffer is full (wait for {@link drained} before sending more) or the channel is closed.
   */
  send(event: string, data: unknown, id?: number): boolean {
    if (this.closedFlag) return false;
    const ok = this.reply.raw.write(`${id !== undefined ? `id: ${id}\n` : ''}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    if (this.reply.raw.writableLength > this.maxBufferedBytes) {
      this.terminate({ reason: 'slow_client', code: 'E_RATE_LIMITED', message: 'The stream was read too slowly; reconnect to resume.' });
      return false;
    }
    return ok;
  }

  /** An ephemeral frame: dropped while the client is behind (the persisted events carry the full state). */
  sendEphemeral(event: string, data: unknown): void {
    if (!this.congested) this.send(event, data);
  }

  comment(text: string): void {
    if (!this.closedFlag && !this.congested) this.reply.raw.write(`: ${text}\n\n`);
  }

  /** Resolves true once the socket's buffer has emptied (at once when it is not full), false when the channel closed. */
  drained(): Promise<boolean> {
    if (this.closedFlag) return Promise.resolve(false);
    if (!this.congested) return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = (ok: boolean) => {
        this.reply.raw.off('drain', onDrain);
        forget();
        resolve(ok);
      };
      const onDrain = () => done(!this.closedFlag);
      this.reply.raw.on('drain', onDrain);
      const forget = this.onClose(() => done(false));
    });
  }

  /** Ends the stream early with a terminal `closed` frame saying why. */
  terminate(frame: StreamClosed): void {
    if (this.closedFlag) return;
    this.reply.raw.write(`event: closed\ndata: ${JSON.stringify(frame)}\n\n`);
    this.close();
  }

  close(): void {
    if (this.closedFlag) return;
    this.closedFlag = true;
    clearInterval(this.heartbeat);
    [...this.closeHandlers].forEach((h) => h());
    const raw = this.reply.raw;
    raw.end();
    // A client that does not read would keep the socket (and the unread bytes) until it times out.
    if (raw.writableLength > 0) setTimeout(() => raw.destroy(), END_GRACE_MS).unref();
  }
}
