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

  start(intervalMs = 5_000): void {
    if (this.timer !== undefined) return;
    const tick = async () => {
      if (typeof document === 'undefined' || !document.hidden) await this.refresh();
      this.timer = setTimeout(tick, intervalMs);
    };
    void tick();
  }

  async refresh(): Promise<void> {
    try {
      const { items } = await this.api.listApprovals({ status: 'pending', limit: PAGE });
      this.count.set(items.length);
      this.more.set(items.length >= PAGE);
    } catch {
      this.count.set(null);
    }
  }
}
