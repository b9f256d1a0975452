import { DatePipe, JsonPipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import type { AuditEvent } from '@omniai/contracts';
import { ApiClient } from '../core/api-client';
import { errorText } from '../core/api-error';
import { DATA_TABLE } from '../shared/data-table.component';
import { PageHeadComponent } from '../shared/page-head.component';

const PAGE = 100;

/** Settings → Audit log (admins): sign-ins and administrative changes, newest first, a page at a time. */
@Component({
  selector: 'omni-audit-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [DatePipe, DATA_TABLE, JsonPipe, PageHeadComponent],
  template: `
    <omni-page-head heading="Audit log">
      Who signed in, who changed users, tokens, providers and policy, and from where. Entries are append-only.
      <button pageActions type="button" class="btn" (click)="reload()" data-testid="audit-refresh">Refresh</button>
    </omni-page-head>

    @if (error(); as err) {
      <div class="banner error" role="alert" data-testid="audit-error">Could not load the audit log: {{ err }}</div>
    }

    @if (items() === null && !error()) {
      <div class="card table-card skeleton" aria-busy="true"><span class="visually-hidden">Loading the audit log…</span></div>
    } @else if (items()?.length === 0 && !error()) {
      <omni-empty heading="Nothing recorded yet" [level]="2" data-testid="audit-empty">Sign-ins and administrative changes appear here.</omni-empty>
    } @else if (items(); as list) {
      <omni-data-table class="audit-card" testid="audit-table" [columns]="['When', 'Who', 'Action', 'Target', 'From', 'Detail']">
        @for (e of list; track e.id) {
          <tr data-testid="audit-row" [attr.data-action]="e.action">
            <td class="nowrap" [title]="e.at">{{ e.at | date: 'medium' }}</td>
            <td>{{ e.actor_email ?? '—' }}</td>
            <td>
              <code>{{ e.action }}</code>
            </td>
            <td class="target">{{ e.target ?? '' }}</td>
            <td class="nowrap">
              <code>{{ e.ip ?? '' }}</code>
            </td>
            <td class="detail-cell">
              @if (hasDetail(e)) {
                <code>{{ e.detail | json }}</code>
              }
            </td>
          </tr>
        }
      </omni-data-table>
      @if (more()) {
        <div class="load-more">
          <button type="button" class="btn" [disabled]="loading()" (click)="older()" data-testid="audit-older">
            {{ loading() ? 'Loading…' : 'Older entries' }}
          </button>
        </div>
      }
    }
  `,
  styles: `
    :host {
      display: block;
      max-width: 1280px;
    }
    .target {
      overflow-wrap: anywhere;
    }
    .detail-cell code {
      font-size: 11.5px;
      color: var(--muted);
      word-break: break-all;
    }
    .load-more {
      display: flex;
      justify-content: center;
      margin-top: 14px;
    }
  `,
})
export class AuditPageComponent {
  private readonly api = inject(ApiClient);
  protected readonly items = signal<AuditEvent[] | null>(null);
  protected readonly error = signal<string | null>(null);
  protected readonly more = signal(false);
  protected readonly loading = signal(false);

  constructor() {
    void this.reload();
  }

  protected hasDetail(e: AuditEvent): boolean {
    return Object.keys(e.detail).length > 0;
  }

  protected async reload(): Promise<void> {
    this.items.set(null);
    await this.fetch();
  }

  protected async older(): Promise<void> {
    await this.fetch(this.items()?.at(-1)?.id);
  }

  private async fetch(beforeId?: number): Promise<void> {
    this.loading.set(true);
    this.error.set(null);
    try {
      const { items } = await this.api.listAudit({ limit: PAGE, ...(beforeId ? { before_id: beforeId } : {}) });
      this.items.set([...(beforeId ? (this.items() ?? []) : []), ...items]);
      this.more.set(items.length === PAGE);
    } catch (err) {
      this.error.set(errorText(err));
      if (this.items() === null) this.items.set([]);
    } finally {
      this.loading.set(false);
    }
  }
}
