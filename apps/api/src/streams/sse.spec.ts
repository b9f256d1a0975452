import { Writable } from 'node:stream';
import { EventEmitter } from 'node:events';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { SseChannel } from './sse';

/** A socket whose client reads nothing until `read()` is called. */
function stuckClient(highWaterMark = 64) {
  const pending: Array<() => void> = [];
  const written: string[] = [];
  const raw = new Writable({
    highWaterMark,
    write(chunk: Buffer, _enc, done) {
      written.push(chunk.toString('utf8'));
      pending.push(done);
    },
  }) as Writable & { writeHead: () => void };
  raw.writeHead = () => undefined;
  const reply = { raw, hijack: () => undefined } as unknown as FastifyReply;
  const request = { id: 'r1', raw: new EventEmitter() } as unknown as FastifyRequest;
  return { reply, request, raw, written, read: () => pending.splice(0).forEach((done) => done()) };
}

describe('SseChannel backpressure (issue 13, item 12)', () => {
  it('says when the client is behind, waits for it to drain, and skips ephemeral frames meanwhile', async () => {
    const c = stuckClient();
    const sse = new SseChannel(c.request, c.reply, 60_000, {}, 10_000);
    expect(sse.send('run_event', { seq: 1, text: 'x'.repeat(100) }, 1)).toBe(false);
    expect(sse.congested).toBe(true);
    const before = c.written.length;
    sse.sendEphemeral('assistant_message_delta', { text: 'dropped' });
    sse.comment('heartbeat');
    expect(c.raw.writableLength).toBeGreaterThan(0);
    let drained = false;
    const waiting = sse.drained().then((ok) => (drained = ok));
    await Promise.resolve();
    expect(drained).toBe(false);
    while (c.raw.writableLength > 0) {
      c.read();
      await new Promise((r) => setImmediate(r));
    }
    await waiting;
    expect(drained).toBe(true);
    expect(c.written.slice(before).join('')).not.toContain('dropped');
    sse.close();
  });

  it('drops a client that leaves more than the bound unread, with a terminal closed frame', async () => {
    const c = stuckClient();
    const sse = new SseChannel(c.request, c.reply, 60_000, {}, 1_000);
    let closedBy: string | null = null;
    sse.onClose(() => (closedBy = 'close handler'));
    for (let i = 0; i < 50 && !sse.closed; i++) sse.send('run_status', { n: i, pad: 'y'.repeat(100) });
    expect(sse.closed).toBe(true);
    expect(closedBy).toBe('close handler');
    for (let i = 0; i < 100 && c.raw.writableLength > 0; i++) {
      c.read();
      await new Promise((r) => setImmediate(r));
    }
    const text = c.written.join('');
    expect(text).toMatch(/event: closed\ndata: \{"reason":"slow_client","code":"E_RATE_LIMITED"/);
    // Nothing is queued after the terminal frame.
    expect(sse.send('run_status', { late: true })).toBe(false);
  });
});
