import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, DestroyRef, computed, effect, inject, input, output, signal, untracked } from '@angular/core';
import { RouterLink } from '@angular/router';
import type { Run, Trigger, TriggerDetail, WebhookDelivery } from '@omniai/contracts';
import { ApiClient } from '../core/api-client';
import { errorText } from '../core/api-error';
import { SessionStore } from '../core/session.store';
import { copyText } from '../shared/clipboard';
import { ConfirmComponent } from '../shared/confirm.component';
import { DATA_TABLE } from '../shared/data-table.component';
import { SecretOnceComponent } from '../shared/secret-once.component';
import { OVERLAP_POLICIES, type TriggerOwner, backfillRange, localInputValue } from './trigger-drafts';
import { WebhookCurlComponent } from './webhook-curl.component';
import { hookUrl } from './webhook-signature';

/** How often an open card asks for its live state (next fires, new runs and deliveries). */
const REFRESH_MS = 3_000;

type Panel = 'pause' | 'backfill' | 'rotate' | null;

/**
 * One trigger: what it is (a schedule's description and next fires, a webhook's URL), its paused state and note, its
 * actions (pause with a note, resume, trigger now, backfill, rotate the secret, edit, delete), a schedule's recent
 * actions, a webhook's delivery log, and the runs it started (links to their pages). A new secret (just created or
 * rotated) shows once, with a signed `curl`. Test ids: `trigger-card` (`data-kind`, `data-trigger-id`) and `trigger-*`.
 */
@Component({
  selector: 'omni-trigger-card',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [DatePipe, RouterLink, ConfirmComponent, DATA_TABLE, SecretOnceComponent, WebhookCurlComponent],
  host: {
    'data-testid': 'trigger-card',
    '[attr.data-kind]': 'trigger().kind',
    '[attr.data-trigger-id]': 'trigger().id',
    '[attr.data-paused]': 'trigger().paused',
  },
  template: `
    <article class="card trigger" [attr.aria-label]="trigger().name">
      <header class="card-head">
        <span class="kind" [attr.data-kind]="trigger().kind" data-testid="trigger-kind">{{ trigger().kind }}</span>
        <h3 class="name" data-testid="trigger-name">{{ trigger().name }}</h3>
        @if (trigger().paused) {
          <span class="state-pill" data-state="paused" data-testid="trigger-paused">Paused</span>
        } @else {
          <span class="state-pill" data-state="active">Active</span>
        }
        <span class="spacer"></span>
        @if (canOperate()) {
          <div class="actions" role="group" aria-label="Actions">
            @if (trigger().paused) {
              <button type="button" class="btn small" (click)="resume()" [disabled]="!!busy()" data-testid="trigger-resume">
                {{ busy() === 'resume' ? 'Resuming…' : 'Resume' }}
              </button>
            } @else {
              <button type="button" class="btn small" (click)="toggle('pause')" [attr.aria-expanded]="panel() === 'pause'" data-testid="trigger-pause">
                Pause…
              </button>
            }
            @if (trigger().kind === 'schedule') {
              <button type="button" class="btn small primary" (click)="fire()" [disabled]="!!busy()" data-testid="trigger-fire">
                {{ busy() === 'fire' ? 'Triggering…' : 'Trigger now' }}
              </button>
              <button type="button" class="btn small" (click)="toggle('backfill')" [attr.aria-expanded]="panel() === 'backfill'" data-testid="trigger-backfill">
                Backfill…
              </button>
              <button type="button" class="btn small" (click)="edit.emit(trigger())" data-testid="trigger-edit">Edit</button>
            } @else {
              <button type="button" class="btn small" (click)="toggle('rotate')" [attr.aria-expanded]="panel() === 'rotate'" data-testid="trigger-rotate">
                Rotate secret…
              </button>
            }
            <omni-confirm
              testid="trigger-delete"
              label="Delete"
              busyLabel="Deleting…"
              [busy]="busy() === 'delete'"
              [triggerLabel]="'Delete trigger ' + trigger().name"
              [stepLabel]="'Confirm deleting ' + trigger().name"
              [(open)]="confirmDelete"
              (confirmed)="remove()"
            >
              Delete? Runs it started stay.
            </omni-confirm>
          </div>
        }
      </header>

      @if (trigger().paused && trigger().note) {
        <p class="note small" data-testid="trigger-note">Note: {{ trigger().note }}</p>
      }

      @if (panel() === 'pause') {
        <form class="inline-panel" (submit)="$event.preventDefault(); pause()" data-testid="trigger-pause-panel">
          <label class="small" for="pause-note-{{ trigger().id }}">Why (shown with the paused state)</label>
          <input
            id="pause-note-{{ trigger().id }}"
            maxlength="500"
            [value]="note()"
            (input)="note.set($any($event.target).value)"
            data-testid="trigger-pause-note"
          />
          <button type="submit" class="btn small primary" [disabled]="!!busy()" data-testid="trigger-pause-confirm">
            {{ busy() === 'pause' ? 'Pausing…' : 'Pause' }}
          </button>
          <button type="button" class="btn small" (click)="panel.set(null)">Cancel</button>
        </form>
      } @else if (panel() === 'backfill') {
        <form class="inline-panel" (submit)="$event.preventDefault(); backfill()" data-testid="trigger-backfill-panel">
          <label class="small"
            >From
            <input type="datetime-local" [value]="backfillFrom()" (input)="backfillFrom.set($any($event.target).value)" data-testid="trigger-backfill-from"
          /></label>
          <label class="small"
            >to <input type="datetime-local" [value]="backfillTo()" (input)="backfillTo.set($any($event.target).value)" data-testid="trigger-backfill-to"
          /></label>
          <button type="submit" class="btn small primary" [disabled]="!!busy()" data-testid="trigger-backfill-confirm">
            {{ busy() === 'backfill' ? 'Requesting…' : 'Backfill' }}
          </button>
          <button type="button" class="btn small" (click)="panel.set(null)">Cancel</button>
          @if (backfillError(); as e) {
            <p class="field-error wide" role="alert">{{ e }}</p>
          }
          <p class="muted small wide">Every time the schedule matches in the range runs now (all of them, whatever the overlap policy).</p>
        </form>
      } @else if (panel() === 'rotate') {
        <form class="inline-panel" (submit)="$event.preventDefault(); rotate()" data-testid="trigger-rotate-panel">
          <label class="small" for="rotate-overlap-{{ trigger().id }}">Old secret stays valid for (seconds)</label>
          <input
            id="rotate-overlap-{{ trigger().id }}"
            inputmode="numeric"
            [value]="rotateOverlap()"
            (input)="rotateOverlap.set($any($event.target).value)"
            data-testid="trigger-rotate-overlap"
          />
          <button type="submit" class="btn small primary" [disabled]="!!busy()" data-testid="trigger-rotate-confirm">
            {{ busy() === 'rotate' ? 'Rotating…' : 'Rotate' }}
          </button>
          <button type="button" class="btn small" (click)="panel.set(null)">Cancel</button>
        </form>
      }
      @if (actionError(); as e) {
        <p class="field-error" role="alert" data-testid="trigger-action-error">{{ e }}</p>
      }
      <p class="visually-hidden" role="status" aria-live="polite">{{ status() }}</p>

      @if (shownSecret(); as secret) {
        <omni-secret-once
          [secret]="secret"
          [heading]="'Signing secret of “' + trigger().name + '”'"
          what="secret"
          doneLabel="I have stored it"
          testid="webhook-secret"
          copyTestid="webhook-secret-copy"
          (dismissed)="shownSecret.set(null)"
        >
          Give it to the sender: it signs every delivery with it (Standard Webhooks). OmniAI cannot show it again.
        </omni-secret-once>
        @if (url(); as u) {
          <omni-webhook-curl [secret]="secret" [url]="u" [name]="trigger().name" />
        }
      }

      <dl class="facts tight">
        @if (trigger().kind === 'schedule') {
          <dt>When</dt>
          <dd data-testid="trigger-description">
            @for (d of state()?.descriptions ?? []; track $index) {
              <span class="desc">{{ d }}</span>
            }
            @for (e of every(); track $index) {
              <span class="desc">{{ e }}</span>
            }
            <span class="muted small">
              @for (c of trigger().schedule?.cron ?? []; track $index) {
                <code>{{ c }}</code>
              }
              in {{ trigger().schedule?.timezone }}</span
            >
          </dd>
          <dt>Policies</dt>
          <dd class="small">
            {{ overlapLabel() }} on overlap · catch up {{ (trigger().policies?.catchup_window_ms ?? 0) / 60000 }} min{{
              trigger().policies?.pause_on_failure ? ' · pauses on failure' : ''
            }}
          </dd>
          <dt>Next fires</dt>
          <dd>
            @if (state(); as s) {
              <ol class="fires small" data-testid="trigger-next-fires">
                @for (f of s.next_fires.slice(0, 3); track f) {
                  <li>{{ f | date: 'EEE d MMM, HH:mm:ss' }}</li>
                } @empty {
                  <li class="muted">{{ trigger().paused ? 'none while paused' : 'none scheduled' }}</li>
                }
              </ol>
              <span class="muted small" data-testid="trigger-counts"
                >{{ s.actions_taken }} fired · {{ s.running }} running · {{ s.skipped_overlap }} skipped · {{ s.buffered }} buffered</span
              >
            } @else {
              <span class="muted small">{{ detail() ? 'Temporal is unreachable: live state unknown.' : 'Loading…' }}</span>
            }
          </dd>
        } @else if (url(); as u) {
          <dt>URL</dt>
          <dd class="url">
            <code data-testid="trigger-url">{{ u }}</code>
            <button type="button" class="btn small ghost" (click)="copyUrl()" data-testid="trigger-url-copy">{{ urlCopied() ? 'Copied' : 'Copy' }}</button>
          </dd>
        }
        <dt>Starts</dt>
        <dd class="small">
          @if (trigger().target; as t) {
            @if (t.kind === 'graph') {
              this workflow ({{ t.version === null ? 'latest version' : 'v' + t.version }})
            } @else {
              a chat turn: <q>{{ t.message_template }}</q>
            }
          }
        </dd>
      </dl>

      @if (loadError(); as e) {
        <p class="field-error" role="alert" data-testid="trigger-load-error">Could not refresh: {{ e }}</p>
      }

      @if (state()?.recent_actions?.length) {
        <h4>Recent fires</h4>
        <omni-data-table class="plain" [plain]="true" testid="trigger-actions" [columns]="['Scheduled for', 'Started', 'Run']">
          @for (a of state()!.recent_actions; track a.workflow_id) {
            <tr data-testid="trigger-action-row">
              <td class="nowrap">{{ a.scheduled_at | date: 'short' }}</td>
              <td class="nowrap">{{ a.started_at | date: 'mediumTime' }}</td>
              <td>
                @if (a.run_id) {
                  <a [routerLink]="runLink(a.run_id)">{{ a.run_id.slice(0, 8) }}</a>
                  <span class="status-pill" [attr.data-status]="a.run_status">{{ a.run_status }}</span>
                } @else {
                  <span class="muted">no run</span>
                }
              </td>
            </tr>
          }
        </omni-data-table>
      }

      @if (trigger().kind === 'webhook') {
        <h4>Deliveries</h4>
        @if (deliveries()?.length) {
          <omni-data-table class="plain" [plain]="true" testid="trigger-deliveries" [columns]="['Received', 'Status', 'HTTP', 'Size', 'Run']">
            @for (d of deliveries()!; track d.id) {
              <tr data-testid="delivery-row" [attr.data-status]="d.status">
                <td class="nowrap">{{ d.received_at | date: 'medium' }}</td>
                <td>
                  <span class="state-pill" [attr.data-state]="d.status">{{ d.status }}</span>
                  @if (d.reason) {
                    <span class="small"> {{ d.reason }}</span>
                  }
                  @if (d.detail) {
                    <div class="muted small">{{ d.detail }}</div>
                  }
                </td>
                <td>{{ d.http_status }}</td>
                <td class="nowrap">{{ d.body_bytes.toLocaleString() }} B</td>
                <td>
                  @if (d.run_id) {
                    <a [routerLink]="runLink(d.run_id)" data-testid="delivery-run-link">{{ d.run_id.slice(0, 8) }}</a>
                  }
                </td>
              </tr>
            }
          </omni-data-table>
        } @else {
          <p class="muted small" data-testid="trigger-deliveries-empty">{{ deliveries() === null ? 'Loading…' : 'No deliveries yet.' }}</p>
        }
      }

      <h4>Runs</h4>
      @if (runs()?.length) {
        <omni-data-table class="plain" [plain]="true" testid="trigger-runs" [columns]="['Run', 'Status', 'Started', 'Ended']">
          @for (r of runs()!; track r.id) {
            <tr data-testid="trigger-run-row" [attr.data-run-id]="r.id" [attr.data-status]="r.status">
              <td>
                <a [routerLink]="runLink(r.id)" data-testid="trigger-run-link">{{ r.id.slice(0, 8) }}</a>
              </td>
              <td>
                <span class="status-pill" [attr.data-status]="r.status">{{ r.status }}</span>
              </td>
              <td class="nowrap">{{ r.created_at | date: 'medium' }}</td>
              <td class="nowrap">{{ r.ended_at ? (r.ended_at | date: 'mediumTime') : '—' }}</td>
            </tr>
          }
        </omni-data-table>
      } @else {
        <p class="muted small" data-testid="trigger-runs-empty">{{ runs() === null ? 'Loading…' : 'No runs yet.' }}</p>
      }
    </article>
  `,
  styleUrl: './triggers.css',
})
export class TriggerCardComponent {
  readonly trigger = input.required<Trigger>();
  readonly owner = input.required<TriggerOwner>();
  /** A signing secret answered just now (creating the webhook), shown once. */
  readonly secret = input<string | null>(null);
  readonly changed = output<Trigger>();
  readonly deleted = output<string>();
  readonly edit = output<Trigger>();

  private readonly api = inject(ApiClient);
  private readonly session = inject(SessionStore);
  protected readonly canOperate = computed(() => this.session.can('operate', this.owner().projectId));
  protected readonly detail = signal<TriggerDetail | null>(null);
  protected readonly runs = signal<Run[] | null>(null);
  protected readonly deliveries = signal<WebhookDelivery[] | null>(null);
  protected readonly loadError = signal<string | null>(null);
  protected readonly actionError = signal<string | null>(null);
  protected readonly status = signal('');
  protected readonly busy = signal<string | null>(null);
  protected readonly panel = signal<Panel>(null);
  protected readonly confirmDelete = signal(false);
  protected readonly shownSecret = signal<string | null>(null);
  protected readonly note = signal('');
  protected readonly backfillFrom = signal(localInputValue(new Date(Date.now() - 24 * 3600_000)));
  protected readonly backfillTo = signal(localInputValue(new Date()));
  protected readonly backfillError = signal<string | null>(null);
  protected readonly rotateOverlap = signal('86400');
  protected readonly urlCopied = signal(false);

  protected readonly state = computed(() => this.detail()?.schedule_state ?? null);
  protected readonly url = computed(() => {
    const path = this.trigger().hook_path;
    return path ? hookUrl(window.location.origin, path) : null;
  });
  protected readonly overlapLabel = computed(() => OVERLAP_POLICIES.find((o) => o.value === this.trigger().policies?.overlap)?.label ?? '');
  protected readonly every = computed(() =>
    (this.trigger().schedule?.intervals ?? []).map(
      (i) => `Every ${i.every_seconds.toLocaleString()} s${i.offset_seconds ? ` (offset ${i.offset_seconds} s)` : ''}`,
    ),
  );

  constructor() {
    effect(() => {
      const s = this.secret();
      untracked(() => this.shownSecret.set(s));
    });
    effect(() => {
      const id = this.trigger().id;
      untracked(() => void this.refresh(id));
    });
    const timer = setInterval(() => {
      if (!document.hidden) void this.refresh(this.trigger().id);
    }, REFRESH_MS);
    inject(DestroyRef).onDestroy(() => clearInterval(timer));
  }

  /** Loads the live state, the runs and (a webhook's) deliveries. */
  protected async refresh(id: string): Promise<void> {
    try {
      const [detail, runs, deliveries] = await Promise.all([
        this.api.getTrigger(id),
        this.api.listTriggerRuns(id),
        this.trigger().kind === 'webhook' ? this.api.listDeliveries(id) : Promise.resolve(null),
      ]);
      if (id !== this.trigger().id) return;
      this.detail.set(detail);
      this.runs.set(runs);
      this.deliveries.set(deliveries);
      this.loadError.set(null);
    } catch (err) {
      this.loadError.set(errorText(err));
    }
  }

  /** The page of a run this trigger started. */
  protected runLink(runId: string): string[] {
    const o = this.owner();
    const t = this.trigger().target;
    return t.kind === 'graph'
      ? ['/projects', o.projectId, 'workflows', t.graph_id, 'runs', runId]
      : ['/projects', o.projectId, 'threads', t.thread_id, 'runs', runId];
  }

  protected toggle(panel: Panel): void {
    this.panel.set(this.panel() === panel ? null : panel);
    this.actionError.set(null);
  }

  /** Runs one action, once at a time, with its error under the actions. */
  private async act(name: string, fn: () => Promise<string>): Promise<void> {
    if (this.busy()) return;
    this.busy.set(name);
    this.actionError.set(null);
    try {
      this.status.set(await fn());
      await this.refresh(this.trigger().id);
    } catch (err) {
      this.actionError.set(errorText(err));
    } finally {
      this.busy.set(null);
    }
  }

  protected pause(): Promise<void> {
    return this.act('pause', async () => {
      const t = await this.api.pauseTrigger(this.trigger().id, this.note().trim() || undefined);
      this.changed.emit(t);
      this.panel.set(null);
      this.note.set('');
      return `Paused ${t.name}.`;
    });
  }

  protected resume(): Promise<void> {
    return this.act('resume', async () => {
      const t = await this.api.unpauseTrigger(this.trigger().id);
      this.changed.emit(t);
      return `Resumed ${t.name}.`;
    });
  }

  protected fire(): Promise<void> {
    return this.act('fire', async () => {
      await this.api.fireTrigger(this.trigger().id);
      return 'Triggered: the run appears below in a moment.';
    });
  }

  protected backfill(): Promise<void> {
    const range = backfillRange(this.backfillFrom(), this.backfillTo());
    if (!range.ok) {
      this.backfillError.set(range.errors.from ?? range.errors.to ?? null);
      return Promise.resolve();
    }
    this.backfillError.set(null);
    return this.act('backfill', async () => {
      await this.api.backfillTrigger(this.trigger().id, { ...range.body, overlap: 'allow_all' });
      this.panel.set(null);
      return 'Backfill requested: a run starts for every matching time in the range.';
    });
  }

  protected rotate(): Promise<void> {
    const seconds = Number(this.rotateOverlap());
    if (!Number.isInteger(seconds) || seconds < 0 || seconds > 7 * 24 * 3600) {
      this.actionError.set('Overlap: whole seconds from 0 to 604,800 (a week).');
      return Promise.resolve();
    }
    return this.act('rotate', async () => {
      const created = await this.api.rotateTriggerSecret(this.trigger().id, seconds);
      this.shownSecret.set(created.secret);
      this.changed.emit(created.trigger);
      this.panel.set(null);
      return 'New secret issued.';
    });
  }

  protected remove(): Promise<void> {
    return this.act('delete', async () => {
      await this.api.deleteTrigger(this.trigger().id);
      this.deleted.emit(this.trigger().id);
      return 'Deleted.';
    });
  }

  protected async copyUrl(): Promise<void> {
    const url = this.url();
    if (url) this.urlCopied.set(await copyText(url));
  }
}
