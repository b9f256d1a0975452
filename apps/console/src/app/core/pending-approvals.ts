import { Injectable, inject, signal } from '@angular/core';
import { ApiClient } from './api-client';

/** The most pending approvals one poll asks for; the badge shows `99+` beyond. */
const PAGE = 100;

/**
 * How many tool calls wait for a reviewer, for the navigation's badge. Polls `GET /v1/approvals?status=pending` on a
 * timer (skipped while the tab is hidden); anything that decides an approval calls `refresh()` so the badge follows
 * at once. Small on purpose: it lives in the initial bundle.
 */
@Injectable({ providedIn: 'root' })
export class PendingApprovals {
  private readonly api = inject(ApiClient);
  /** null until the first answer (or while the API cannot be reached). */
  readonly count = signal<number | null>(null);
  readonly more = signal(false);
  private timer: ReturnType<typeof setTimeout> | undefined;
  private running = false;

  start(intervalMs = 5_000): void {
    if (this.running) return;
    this.running = true;
    const tick = async () => {
      if (typeof document === 'undefined' || !document.hidden) await this.refresh();
      if (this.running) this.timer = setTimeout(tick, intervalMs);
    };
    void tick();
  }

  /** Stops polling and forgets the count (signed out, or the user cannot review). */
  stop(): void {
    this.running = false;
    clearTimeout(this.timer);
    this.count.set(null);
    this.more.set(false);
  }

  async refresh(): Promise<void> {
    try {
      const { items } = await this.api.listApprovals({ status: 'pending', limit: PAGE });
      if (!this.running) return;
      this.count.set(items.length);
      this.more.set(items.length >= PAGE);
    } catch {
      this.count.set(null);
    }
  }
}
