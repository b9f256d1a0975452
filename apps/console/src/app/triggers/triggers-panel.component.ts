import { ChangeDetectionStrategy, Component, computed, effect, inject, input, signal, untracked } from '@angular/core';
import type { Trigger } from '@omniai/contracts';
import { ApiClient } from '../core/api-client';
import { ApiError, errorText } from '../core/api-error';
import { FormState } from '../core/form-state';
import { SessionStore } from '../core/session.store';
import { EmptyComponent } from '../shared/data-table.component';
import { FIELD } from '../shared/form-field.component';
import { LoadErrorComponent } from '../shared/load-error.component';
import { ScheduleFormComponent } from './schedule-form.component';
import { TriggerCardComponent } from './trigger-card.component';
import { type ScheduleErrors, type TriggerOwner, createWebhookRequest, errorsOfIssues } from './trigger-drafts';

type Creating = 'schedule' | 'webhook' | null;

/**
 * The Triggers tab of a workflow graph or a thread: its schedules and webhooks (newest first), with forms to make
 * new ones and a card for each. Test ids: `triggers-panel`, `new-schedule`, `new-webhook`, `webhook-form`,
 * `triggers-empty`.
 */
@Component({
  selector: 'omni-triggers-panel',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [EmptyComponent, FIELD, LoadErrorComponent, ScheduleFormComponent, TriggerCardComponent],
  template: `
    <section class="panel" data-testid="triggers-panel" aria-labelledby="triggers-title">
      <div class="head">
        <div>
          <h2 id="triggers-title">Triggers</h2>
          <p class="muted small">
            {{ owner().kind === 'graph' ? 'Run this workflow' : 'Start a chat turn in this thread' }} on a schedule (Temporal Schedules) or when a signed
            webhook arrives.
          </p>
        </div>
        <span class="spacer"></span>
        @if (canOperate()) {
          <button type="button" class="btn small" [class.primary]="creating() !== 'schedule'" (click)="open('schedule')" data-testid="new-schedule">
            + Schedule
          </button>
          <button type="button" class="btn small" [class.primary]="creating() !== 'webhook'" (click)="open('webhook')" data-testid="new-webhook">
            + Webhook
          </button>
        }
      </div>

      <omni-load-error [error]="loadError()" what="the triggers" testid="triggers-load-error" (retry)="load()" />

      @if (creating() === 'schedule' || editing()) {
        <omni-schedule-form [owner]="owner()" [trigger]="editing()" (saved)="onSaved($event)" (cancelled)="closeForms()" />
      } @else if (creating() === 'webhook') {
        <form class="card form-card" (submit)="createWebhook($event)" novalidate aria-label="New webhook" data-testid="webhook-form">
          <h3 class="section-title">New webhook</h3>
          @if (webhookForm.error(); as err) {
            <div class="form-error" role="alert" data-testid="webhook-form-error">{{ err }}</div>
          }
          <omni-field label="Name" for="webhook-name" [form]="webhookForm" name="name">
            <input omniControl maxlength="200" [value]="hookName()" (input)="hookName.set($any($event.target).value)" placeholder="e.g. GitHub issues" />
          </omni-field>
          @if (owner().kind === 'graph') {
            <omni-field label="Input (JSON template, optional)" for="webhook-input" [form]="webhookForm" name="input" [hint]="inputHint">
              <textarea omniControl rows="3" spellcheck="false" [value]="hookInput()" (input)="hookInput.set($any($event.target).value)"></textarea>
            </omni-field>
          } @else {
            <omni-field label="Message template" for="webhook-message" [form]="webhookForm" name="message" [hint]="messageHint">
              <textarea omniControl rows="3" [value]="hookMessage()" (input)="hookMessage.set($any($event.target).value)"></textarea>
            </omni-field>
          }
          <p class="muted small">
            Deliveries must be signed (Standard Webhooks); the secret is shown once, right after creating. Defaults: bodies up to 256 KiB, 60 a minute.
          </p>
          <div class="form-actions">
            <button type="button" class="btn small" (click)="closeForms()" data-testid="webhook-cancel">Cancel</button>
            <button omniSubmit class="btn small primary" [busy]="webhookForm.busy()" busyLabel="Creating…" data-testid="webhook-save">Create webhook</button>
          </div>
        </form>
      }

      @if (triggers() === null && !loadError()) {
        <div class="card skeleton" aria-busy="true" data-testid="triggers-loading"><span class="visually-hidden">Loading triggers…</span></div>
      } @else if (triggers()?.length === 0) {
        <omni-empty heading="No triggers yet" data-testid="triggers-empty">
          {{
            canOperate()
              ? 'Add a schedule to run it on a timetable, or a webhook so that another system can start it.'
              : 'Nothing starts it automatically. An operator of the project can add schedules and webhooks.'
          }}
        </omni-empty>
      }
      <div class="list">
        @for (t of triggers() ?? []; track t.id) {
          <omni-trigger-card
            [trigger]="t"
            [owner]="owner()"
            [secret]="secrets()[t.id] ?? null"
            (changed)="replace($event)"
            (deleted)="removed($event)"
            (edit)="startEdit($event)"
          />
        }
      </div>
    </section>
  `,
  styles: `
    :host {
      display: block;
    }
    .panel {
      display: grid;
      gap: 12px;
    }
    .head {
      display: flex;
      gap: 8px;
      align-items: flex-start;
    }
    .head h2 {
      margin: 0;
    }
    .head p {
      margin: 2px 0 0;
    }
    .spacer {
      flex: 1;
    }
    .list {
      display: grid;
      gap: 12px;
    }
    textarea {
      font: inherit;
      font-size: 12.5px;
      color: var(--text);
      background: var(--bg);
      border: 1px solid var(--border);
      border-radius: 8px;
      padding: 6px 8px;
    }
    .form-actions {
      gap: 8px;
    }
    .skeleton {
      min-height: 120px;
    }
  `,
})
export class TriggersPanelComponent {
  readonly owner = input.required<TriggerOwner>();
  private readonly api = inject(ApiClient);
  private readonly session = inject(SessionStore);
  protected readonly canOperate = computed(() => this.session.can('operate', this.owner().projectId));
  protected readonly triggers = signal<Trigger[] | null>(null);
  protected readonly loadError = signal<string | null>(null);
  protected readonly creating = signal<Creating>(null);
  protected readonly editing = signal<Trigger | null>(null);
  /** Secrets answered by creating a webhook, by trigger id: shown once on its card. */
  protected readonly secrets = signal<Record<string, string>>({});
  protected readonly webhookForm = new FormState<ScheduleErrors>();
  protected readonly hookName = signal('');
  protected readonly hookInput = signal('');
  protected readonly hookMessage = signal('New delivery: {{ payload }}');
  protected readonly inputHint = 'Empty: the run gets the delivery’s JSON body. Else a template over {{ payload }}, {{ trigger.name }}, {{ fired_at }}.';
  protected readonly messageHint = 'The chat turn’s message; {{ payload.field }} reads the delivery’s JSON body.';

  constructor() {
    effect(() => {
      this.owner();
      untracked(() => {
        this.closeForms();
        this.secrets.set({});
        void this.load();
      });
    });
  }

  async load(): Promise<void> {
    const o = this.owner();
    try {
      const list = await this.api.listTriggers(o.projectId, o.kind === 'graph' ? { graph_id: o.graphId } : { thread_id: o.threadId });
      this.triggers.set(list);
      this.loadError.set(null);
    } catch (err) {
      this.loadError.set(errorText(err));
    }
  }

  protected open(kind: Creating): void {
    this.editing.set(null);
    this.creating.set(this.creating() === kind ? null : kind);
  }

  protected closeForms(): void {
    this.creating.set(null);
    this.editing.set(null);
  }

  protected startEdit(t: Trigger): void {
    this.creating.set(null);
    this.editing.set(t);
  }

  protected onSaved(t: Trigger): void {
    this.closeForms();
    this.upsert(t);
  }

  protected replace(t: Trigger): void {
    this.upsert(t);
  }

  protected removed(id: string): void {
    this.triggers.update((list) => (list ?? []).filter((t) => t.id !== id));
  }

  private upsert(t: Trigger): void {
    this.triggers.update((list) => {
      const rest = (list ?? []).filter((x) => x.id !== t.id);
      const at = (list ?? []).findIndex((x) => x.id === t.id);
      if (at < 0) return [t, ...rest];
      const next = [...(list ?? [])];
      next[at] = t;
      return next;
    });
  }

  protected async createWebhook(ev: Event): Promise<void> {
    const owner = this.owner();
    await this.webhookForm.submit(ev, {
      check: () => createWebhookRequest(owner, this.hookName(), this.hookInput(), this.hookMessage()),
      send: async (body) => {
        const created = await this.api.createTrigger(owner.projectId, body);
        if (created.secret) this.secrets.update((s) => ({ ...s, [created.trigger.id]: created.secret! }));
        this.upsert(created.trigger);
        this.closeForms();
        this.hookName.set('');
        this.hookInput.set('');
      },
      failed: (err) => {
        if (err instanceof ApiError && err.issues.length) this.webhookForm.errors.set(errorsOfIssues(err.issues, 'cron').errors);
        return `Not created: ${errorText(err)}`;
      },
    });
  }
}
