import { type WritableSignal, computed, signal } from '@angular/core';
import type { AssistantMessageDelta, MessageContent, Run, RunEvent } from '@omniai/contracts';
import { isTerminalKind, runStatusAfter, TERMINAL_RUN_STATUSES } from '@omniai/contracts/pure';
import { waitingApprovals } from '../shared/approval-model';
import type { ApiClient } from './api-client';
import { RunStream, type StreamState } from './run-stream';

export function contentText(content: MessageContent): string {
  return 'text' in content ? content.text : `${content.preview}… (${content.artifact.size_bytes.toLocaleString()} bytes, stored as an artifact)`;
}

/** One run as the console sees it: its events (by seq, each once), live deltas, and the stream's state. */
export class RunSession {
  readonly run: WritableSignal<Run>;
  readonly events = signal<RunEvent[]>([]);
  readonly streamState = signal<StreamState | 'idle'>('idle');
  readonly streamDetail = signal<string | undefined>(undefined);
  /** Live deltas by message id, then by index (a run with tools makes several model calls, each its own message). */
  private readonly deltas = signal<ReadonlyMap<string, ReadonlyMap<number, string>>>(new Map());
  private stream: RunStream | null = null;

  readonly terminal = computed(() => TERMINAL_RUN_STATUSES.has(this.run().status));
  readonly userText = computed(() => {
    const e = this.events().find((x) => x.kind === 'user_message');
    return e?.kind === 'user_message' ? contentText(e.payload.content) : null;
  });
  /**
   * The assistant's text: every persisted message in order (a run that calls tools speaks before and after them),
   * then the deltas of the message still streaming.
   */
  readonly assistantText = computed(() => {
    const persisted = this.events().filter((x) => x.kind === 'assistant_message');
    const parts = persisted.map((e) => contentText(e.payload.content)).filter((t) => t.length > 0);
    if (!this.terminal()) {
      const done = new Set(persisted.map((e) => e.payload.message_id));
      for (const [id, chunks] of this.deltas()) {
        if (done.has(id)) continue;
        const text = [...chunks.entries()]
          .sort((a, b) => a[0] - b[0])
          .map(([, d]) => d)
          .join('');
        if (text) parts.push(text);
      }
    }
    return parts.length ? parts.join('\n\n') : null;
  });
  /** The reply was cut short by a cancel: the kept text is partial. */
  readonly partial = computed(() => this.events().some((e) => e.kind === 'assistant_message' && e.payload.finish_reason === 'cancelled'));
  readonly streaming = computed(() => {
    if (this.terminal()) return false;
    const done = new Set(this.events().flatMap((e) => (e.kind === 'assistant_message' ? [e.payload.message_id] : [])));
    return [...this.deltas().keys()].some((id) => !done.has(id));
  });
  /** Tool calls the run waits on a reviewer for (requested, not decided, run still going). */
  readonly waitingApprovals = computed(() => waitingApprovals(this.events()));
  /** The budget in force: the run's own, or the one it was last resumed with. */
  readonly budget = computed(() => {
    const resumed = [...this.events()].reverse().find((x) => x.kind === 'system_event' && x.payload.type === 'resumed');
    const data = resumed?.kind === 'system_event' && resumed.payload.type === 'resumed' ? resumed.payload.data : undefined;
    return data?.budget ?? this.run().budget;
  });
  /** Why the run is paused (the budget_exceeded event's message), while it is. */
  readonly pauseReason = computed(() => {
    if (this.run().status !== 'paused') return null;
    const e = [...this.events()].reverse().find((x) => x.kind === 'system_event' && x.payload.type === 'budget_exceeded');
    return e?.kind === 'system_event' ? e.payload.message : 'Paused.';
  });
  readonly endEvent = computed(() => this.events().find((e) => isTerminalKind(e.kind)) ?? null);

  constructor(
    initial: Run,
    private readonly api: ApiClient,
  ) {
    this.run = signal(initial);
  }

  /** Loads a finished run's events, or follows a live one until it ends. */
  async open(): Promise<void> {
    if (this.stream || this.streamState() !== 'idle') return;
    if (this.terminal()) {
      this.streamState.set('connecting');
      this.merge(await this.api.allEvents(this.run().id));
      this.streamState.set('ended');
      return;
    }
    this.stream = new RunStream(this.run().id, {
      onEvent: (e) => this.merge([e]),
      onDelta: (d) => this.addDelta(d),
      onState: (state, detail) => {
        this.streamState.set(state);
        this.streamDetail.set(detail);
        if (state === 'ended') void this.refresh();
      },
      onSignedOut: () => this.api.signInAgain(),
    });
    this.stream.start();
  }

  close(): void {
    this.stream?.stop();
  }

  async refresh(): Promise<void> {
    this.run.set(await this.api.getRun(this.run().id));
  }

  private merge(incoming: RunEvent[]): void {
    const bySeq = new Map(this.events().map((e) => [e.seq, e]));
    for (const e of incoming) bySeq.set(e.seq, e);
    this.events.set([...bySeq.values()].sort((a, b) => a.seq - b.seq));
    const last = incoming[incoming.length - 1];
    if (!last) return;
    // The store's projection, from the zod-free contracts.
    const status = runStatusAfter(last);
    if (status) this.run.update((r) => ({ ...r, status, last_seq: Math.max(r.last_seq, last.seq) }));
  }

  private addDelta(d: AssistantMessageDelta): void {
    if (this.terminal()) return;
    const next = new Map(this.deltas());
    const chunks = new Map(next.get(d.payload.message_id) ?? []);
    chunks.set(d.payload.index, d.payload.delta);
    next.set(d.payload.message_id, chunks);
    this.deltas.set(next);
  }
}
