import { ChangeDetectionStrategy, Component, ElementRef, computed, effect, inject, input, output, signal, untracked, viewChild } from '@angular/core';
import { RouterLink } from '@angular/router';
import { ApprovalCardComponent } from '../approvals/approval-card.component';
import { MetaStore } from '../core/meta.store';
import { SessionStore } from '../core/session.store';
import { renderMarkdown } from '../shared/markdown';
import type { RunSession } from '../core/run-session';
import { WorkspaceStore } from '../core/workspace.store';
import { type ModelChoice, OFFLINE_CHOICE, loadChoice, saveChoice } from './model-choice';

/** The conversation of a thread: each run is a user turn and the assistant's reply, streamed while it runs. */
@Component({
  selector: 'omni-chat-view',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [RouterLink, ApprovalCardComponent],
  template: `
    <div class="chat" #scroller data-testid="chat">
      @if (sessions() === null) {
        <div class="muted small" aria-busy="true" data-testid="chat-loading">Loading conversation…</div>
      } @else if (sessions()!.length === 0) {
        <div class="empty" data-testid="chat-empty">
          <h2>Start the conversation</h2>
          <p class="muted">Each message starts a durable run: a Temporal workflow whose every step is recorded.</p>
        </div>
      }
      @for (s of sessions() ?? []; track s.run().id) {
        <article class="turn" [attr.data-run-id]="s.run().id" [attr.data-status]="s.run().status" data-testid="chat-turn">
          <div class="msg user" data-role="user" data-testid="chat-message">
            <div class="markdown" [innerHTML]="md(s.userText() ?? '')"></div>
          </div>
          <div class="msg assistant" data-role="assistant" data-testid="chat-message" [class.pending]="!s.assistantText()">
            @if (s.assistantText(); as text) {
              <div class="markdown" data-testid="assistant-text" [innerHTML]="md(text)"></div>
            } @else if (!s.terminal()) {
              <span class="typing" aria-label="waiting for the reply">●●●</span>
            }
            @if (s.streaming()) {
              <span class="cursor" data-testid="streaming">▍</span>
            }
            @if (s.partial()) {
              <span class="badge" data-testid="partial-badge" title="The reply was cut short by a cancel">partial</span>
            }
          </div>
          <div class="turn-meta small muted">
            <button type="button" class="linkish" (click)="openRun.emit(s.run().id)" data-testid="open-run">
              <span class="status-dot" [attr.data-status]="s.run().status"></span>{{ s.run().status }}
            </button>
            @if (s.run().status === 'cancelled') {
              <span data-testid="cancelled-note">· stopped by request</span>
            }
            @if (s.run().error; as err) {
              <span class="error-text">· {{ err.message }}</span>
            }
            @for (w of s.waitingApprovals(); track w.data.approval_id) {
              <span data-testid="waiting-approval"
                >· waiting for approval: <code>{{ w.data.tool_id }}</code></span
              >
              <button
                type="button"
                class="btn small"
                (click)="toggleReview(w.data.approval_id)"
                [attr.aria-expanded]="reviewing().has(w.data.approval_id)"
                [attr.aria-controls]="'review-' + w.data.approval_id"
                data-testid="review-approval"
              >
                {{ reviewing().has(w.data.approval_id) ? 'Hide' : 'Review' }}
              </button>
              <a routerLink="/approvals" [queryParams]="{ id: w.data.approval_id }" data-testid="open-in-inbox">Open in inbox</a>
            }
            @if (s.pauseReason(); as why) {
              <span data-testid="paused-note">· {{ why }}</span>
              @if (canStart()) {
                <button type="button" class="btn small" (click)="store.resume(s)" data-testid="run-resume" title="Continue the run without the limit it hit">
                  Resume
                </button>
              }
            }
            @if (!s.terminal()) {
              <span data-testid="stream-state" [attr.data-state]="s.streamState()">· {{ streamLabel(s) }}</span>
              @if (canOperate()) {
                <button type="button" class="btn small danger" (click)="store.cancel(s)" data-testid="run-cancel">Cancel</button>
              }
            } @else if (canStart()) {
              <button type="button" class="btn small" (click)="retry(s)" data-testid="run-retry">Retry</button>
            }
          </div>
          @for (w of s.waitingApprovals(); track w.data.approval_id) {
            @if (reviewing().has(w.data.approval_id)) {
              <div class="inline-approval" [id]="'review-' + w.data.approval_id" data-testid="chat-approval">
                <omni-approval-card [event]="w.event" [runEvents]="s.events()" />
              </div>
            }
          }
        </article>
      }
    </div>
    @if (canStart()) {
      <div class="model-picker small">
        <label
          >Model
          <select data-testid="provider-select" (change)="pickProvider($any($event.target).value)">
            <option value="offline" [selected]="choice().provider === 'offline'">Offline (scripted)</option>
            @for (p of store.providers(); track p.id) {
              <option [value]="p.id" [selected]="p.id === choice().provider">{{ p.name }} · {{ p.preset }}</option>
            }
            @if (providerMissing()) {
              <option [value]="choice().provider" selected disabled>Deleted provider</option>
            }
          </select>
        </label>
        <input
          data-testid="model-input"
          aria-label="Model id"
          placeholder="model id"
          [value]="choice().model"
          [disabled]="choice().provider === 'offline'"
          (change)="pickModel($any($event.target).value)"
        />
        @if (choice().provider === 'offline') {
          <span class="badge" data-testid="offline-label">offline</span>
        }
        @if (providerMissing()) {
          <span class="error-text" role="alert" data-testid="provider-missing">This provider was deleted: pick another model.</span>
        }
        @if (session.isAdmin()) {
          <a class="manage-link" routerLink="/settings/providers" data-testid="manage-providers">Manage providers</a>
        }
      </div>
      <form class="composer" (submit)="send($event)">
        <textarea
          #box
          rows="2"
          placeholder="Message… (Ctrl+Enter to send)"
          aria-label="Message"
          data-testid="composer-input"
          [value]="draft()"
          (input)="draft.set(box.value)"
          (keydown.control.enter)="send($event)"
          (keydown.meta.enter)="send($event)"
        ></textarea>
        <button type="submit" class="btn primary" [disabled]="!draft().trim() || sending() || !choice().model || providerMissing()" data-testid="composer-send">
          Send
        </button>
      </form>
    } @else {
      <p class="composer-note muted small" data-testid="composer-readonly">{{ readOnlyNote() }}</p>
    }
  `,
  styles: `
    .inline-approval {
      max-width: 78%;
      align-self: flex-start;
      width: 100%;
    }
    .composer-note {
      border-top: 1px solid var(--border);
      padding-top: 12px;
    }
  `,
})
export class ChatViewComponent {
  readonly threadId = input.required<string>();
  /** The thread's project: the user's role there decides whether they may start, cancel or retry runs. */
  readonly projectId = input<string | null>(null);
  readonly sessions = input.required<RunSession[] | null>();
  readonly openRun = output<string>();
  protected readonly store = inject(WorkspaceStore);
  protected readonly session = inject(SessionStore);
  private readonly meta = inject(MetaStore);
  protected readonly canOperate = computed(() => this.session.can('operate', this.projectId()));
  /** Starting (and resuming, retrying) runs also needs the `runs` feature on. */
  protected readonly canStart = computed(() => this.canOperate() && this.meta.meta()?.features.runs !== false);
  protected readonly readOnlyNote = computed(() =>
    this.canOperate() ? 'Runs are turned off on this deployment.' : 'You can follow this thread; starting runs needs the operator role in this project.',
  );
  protected readonly draft = signal('');
  protected readonly choice = signal<ModelChoice>(OFFLINE_CHOICE);
  protected readonly sending = signal(false);
  /** Approvals whose card is open inline under their turn. */
  protected readonly reviewing = signal<ReadonlySet<string>>(new Set());
  private readonly scroller = viewChild<ElementRef<HTMLElement>>('scroller');
  /** The thread's remembered provider was deleted (here or elsewhere) since it was picked. */
  protected readonly providerMissing = computed(() => {
    const { provider } = this.choice();
    return provider !== 'offline' && this.store.providersLoaded() && !this.store.providers().some((p) => p.id === provider);
  });

  constructor() {
    void this.store.loadProviders();
    effect(() => {
      const id = this.threadId();
      untracked(() => this.choice.set(loadChoice(id)));
    });
    // Keep the newest turn in view as text streams in.
    effect(() => {
      const list = this.sessions();
      list?.forEach((s) => s.assistantText());
      const el = this.scroller()?.nativeElement;
      if (el) queueMicrotask(() => (el.scrollTop = el.scrollHeight));
    });
  }

  protected md = renderMarkdown;

  protected pickProvider(provider: string): void {
    const next = provider === 'offline' ? OFFLINE_CHOICE : { provider, model: this.choice().provider === 'offline' ? '' : this.choice().model };
    this.choice.set(next);
    saveChoice(this.threadId(), next);
  }

  protected pickModel(model: string): void {
    const next = { ...this.choice(), model: model.trim() };
    this.choice.set(next);
    saveChoice(this.threadId(), next);
  }

  protected streamLabel(s: RunSession): string {
    const state = s.streamState();
    return state === 'live' ? 'live' : state === 'reconnecting' ? `reconnecting${s.streamDetail() ? ` (${s.streamDetail()})` : ''}` : state;
  }

  protected async send(ev: Event): Promise<void> {
    ev.preventDefault();
    const text = this.draft().trim();
    if (!text || this.sending()) return;
    this.sending.set(true);
    const { provider, model } = this.choice();
    const session = await this.store.send(this.threadId(), text, { provider, model });
    this.sending.set(false);
    if (session) this.draft.set('');
  }

  protected toggleReview(approvalId: string): void {
    const next = new Set(this.reviewing());
    if (!next.delete(approvalId)) next.add(approvalId);
    this.reviewing.set(next);
  }

  protected async retry(s: RunSession): Promise<void> {
    await this.store.retry(s);
  }
}
