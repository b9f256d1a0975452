import type { FastifyReply, FastifyRequest } from 'fastify';

/** A Server-Sent Events response on a hijacked Fastify reply, with heartbeats and backpressure-free writes. */
export class SseChannel {
  private heartbeat: NodeJS.Timeout;
  private closedFlag = false;
  private readonly closeHandlers: Array<() => void> = [];

  constructor(
    request: FastifyRequest,
    private readonly reply: FastifyReply,
    heartbeatMs: number,
    securityHeaders: Record<string, string>,
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

  onClose(handler: () => void): void {
    this.closeHandlers.push(handler);
  }

  /** Sends one event; `id` is set only for persisted events (its seq), never for ephemeral ones. */
  send(event: string, data: unknown, id?: number): void {
    if (this.closedFlag) return;
    this.reply.raw.write(`${id !== undefined ? `id: ${id}\n` : ''}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  }

  comment(text: string): void {
    if (!this.closedFlag) this.reply.raw.write(`: ${text}\n\n`);
  }

  close(): void {
    if (this.closedFlag) return;
    this.closedFlag = true;
    clearInterval(this.heartbeat);
    this.closeHandlers.forEach((h) => h());
    this.reply.raw.end();
  }
}
