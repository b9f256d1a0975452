import { Injectable, computed, signal } from '@angular/core';
import type { Meta } from '@omniai/contracts';

export type Connection = 'connecting' | 'online' | 'offline';

/** Polls `/v1/meta` and exposes it as signals; the shell and the system page read from here. */
@Injectable({ providedIn: 'root' })
export class MetaStore {
  readonly meta = signal<Meta | null>(null);
  readonly connection = signal<Connection>('connecting');
  readonly lastError = signal<string | null>(null);
  readonly healthy = computed(() => this.meta()?.status === 'healthy');
  private timer: ReturnType<typeof setTimeout> | undefined;

  start(intervalMs = 5_000): void {
    if (this.timer !== undefined) return;
    const tick = async () => {
      await this.refresh();
      this.timer = setTimeout(tick, intervalMs);
    };
    void tick();
  }

  async refresh(): Promise<void> {
    try {
      const res = await fetch('/v1/meta', { headers: { accept: 'application/json' }, cache: 'no-store' });
      if (!res.ok) throw new Error(`the API answered ${res.status}`);
      // Types come from the shared contracts; the API validates what it sends (zod stays out of the bundle).
      const body = (await res.json()) as Meta;
      if (body?.name !== 'omniai' || typeof body.components !== 'object') {
        throw new Error('the API sent a /v1/meta document this console does not understand');
      }
      this.meta.set(body);
      this.connection.set('online');
      this.lastError.set(null);
    } catch (err) {
      this.connection.set('offline');
      this.lastError.set(err instanceof Error ? err.message : String(err));
    }
  }
}
