/** A minimal SSE client over fetch for tests and benchmarks: records every frame, including comments. */
export interface SseFrame {
  id?: string;
  event: string;
  data: unknown;
}

export interface SseConnection {
  frames: SseFrame[];
  comments: string[];
  status: number;
  /** Resolves when a frame matching `predicate` has arrived (or rejects after `timeoutMs`). */
  waitFor(predicate: (f: SseFrame) => boolean, timeoutMs?: number): Promise<SseFrame>;
  closed: Promise<void>;
  close(): void;
}

export async function openSse(url: string, headers: Record<string, string> = {}): Promise<SseConnection> {
  const abort = new AbortController();
  const res = await fetch(url, { headers: { accept: 'text/event-stream', ...headers }, signal: abort.signal });
  const frames: SseFrame[] = [];
  const comments: string[] = [];
  const waiters: Array<{ predicate: (f: SseFrame) => boolean; resolve: (f: SseFrame) => void }> = [];
  const closed = (async () => {
    if (!res.body) return;
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        let at: number;
        while ((at = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, at);
          buffer = buffer.slice(at + 2);
          const frame: Partial<SseFrame> & { data?: unknown } = {};
          let isComment = true;
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) comments.push(line.slice(1).trim());
            else if (line.startsWith('id: ')) ((frame.id = line.slice(4)), (isComment = false));
            else if (line.startsWith('event: ')) ((frame.event = line.slice(7)), (isComment = false));
            else if (line.startsWith('data: ')) ((frame.data = JSON.parse(line.slice(6))), (isComment = false));
            else if (line.startsWith('retry: ')) isComment = true;
          }
          if (isComment || !frame.event) continue;
          frames.push(frame as SseFrame);
          for (const w of [...waiters]) {
            if (w.predicate(frame as SseFrame)) {
              waiters.splice(waiters.indexOf(w), 1);
              w.resolve(frame as SseFrame);
            }
          }
        }
      }
    } catch {
      // aborted by close()
    }
  })();
  return {
    frames,
    comments,
    status: res.status,
    closed,
    close: () => abort.abort(),
    waitFor: (predicate, timeoutMs = 30_000) => {
      const found = frames.find(predicate);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no matching SSE frame within ${timeoutMs} ms (got ${frames.length} frames)`)), timeoutMs);
        waiters.push({ predicate, resolve: (f) => (clearTimeout(timer), resolve(f)) });
      });
    },
  };
}
