import { ChangeDetectionStrategy, Component, ElementRef, Injector, afterNextRender, computed, inject, input, output, signal } from '@angular/core';
import type { DecideApprovalRequest, DecideApprovalResponse } from '@omniai/contracts';
import { ApiClient } from '../core/api-client';
import { errorText } from '../core/api-error';
import { PendingApprovals } from '../core/pending-approvals';
import { SessionStore } from '../core/session.store';
import { ConfirmComponent } from '../shared/confirm.component';

type Decision = 'approve' | 'deny';

let nextId = 0;

/**
 * Approve / Deny a waiting tool call, with an optional reason. The decision names the call's `arguments_hash`, so it
 * binds to the exact arguments the reviewer saw (the API refuses another hash with 409 E_APPROVAL_MISMATCH, shown
 * here); Approve waits until those full arguments are shown and checked (`argumentsChecked`). Buttons decide at once;
 * `ask()` (keyboard shortcuts) goes through a confirm step first.
 */
@Component({
  selector: 'omni-decision-form',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [ConfirmComponent],
  template: `
    @if (!allowed()) {
      <p class="muted small not-allowed" data-testid="decision-not-allowed">Your role cannot decide this call: a reviewer of its project or an admin can.</p>
    } @else {
      <div class="decide" data-testid="decision-form">
        <label class="reason" [for]="id + '-reason'">Reason <span class="muted">(optional)</span></label>
        <input
          [id]="id + '-reason'"
          type="text"
          maxlength="1000"
          autocomplete="off"
          data-testid="decision-reason"
          placeholder="Recorded with the decision"
          [value]="reason()"
          (input)="reason.set($any($event.target).value)"
          [disabled]="submitting()"
          (keydown.enter)="$event.preventDefault()"
        />
        @if (confirming(); as d) {
          <omni-confirm
            class="neutral"
            testid="decision"
            [trigger]="false"
            [open]="true"
            (openChange)="cancel()"
            [label]="verb(d)"
            busyLabel="Sending…"
            [busy]="submitting()"
            [tone]="d === 'deny' ? 'danger' : 'approve'"
            [stepLabel]="'Confirm: ' + verb(d)"
            (confirmed)="submit(d)"
          >
            {{ verb(d) }} this call of <code>{{ toolId() }}</code>{{ reason().trim() ? ' with the reason above' : '' }}?
          </omni-confirm>
        } @else {
          <div class="actions">
            <button
              type="button"
              class="btn small approve"
              [disabled]="submitting() || !argumentsChecked() || !formValid()"
              [title]="!argumentsChecked() ? 'Open the full arguments first: Approve binds to all of them' : formValid() ? '' : 'Fill in the form first'"
              (click)="submit('approve')"
              data-testid="approve"
              [attr.aria-label]="'Approve ' + toolId()"
            >
              Approve
            </button>
            <button
              type="button"
              class="btn small danger"
              [disabled]="submitting()"
              (click)="submit('deny')"
              data-testid="deny"
              [attr.aria-label]="'Deny ' + toolId()"
            >
              Deny
            </button>
            @if (submitting()) {
              <span class="muted small" role="status">Sending…</span>
            }
          </div>
          @if (!argumentsChecked()) {
            <p class="muted small blocked" data-testid="approve-blocked">Approve is off until the full arguments are loaded and match the call's hash.</p>
          }
        }
        @if (error(); as err) {
          <p class="field-error" role="alert" data-testid="decision-error">{{ err }}</p>
        }
      </div>
    }
  `,
  styles: `
    .decide {
      display: grid;
      gap: 6px;
    }
    .reason {
      font-weight: 600;
      font-size: 12.5px;
    }
    input {
      min-width: 0;
      font: inherit;
      font-size: 13px;
      color: var(--text);
      background: var(--bg);
      border: 1px solid var(--border);
      border-radius: 8px;
      padding: 5px 8px;
    }
    .actions {
      display: flex;
      gap: 8px;
      align-items: center;
    }
    .not-allowed,
    .blocked {
      margin: 0;
    }
  `,
})
export class DecisionFormComponent {
  readonly approvalId = input.required<string>();
  readonly argumentsHash = input.required<string>();
  readonly toolId = input.required<string>();
  /**
   * Whether the reviewer has the full arguments in front of them and they hash to `argumentsHash` (D42): until then
   * Approve stays off (Deny never needs it).
   */
  readonly argumentsChecked = input.required<boolean>();
  /** A workflow approval's form value (sent with an approval as `form`), and whether it is complete. */
  readonly form = input<unknown>(undefined);
  readonly formValid = input(true);
  /** The call's project, whose membership role decides whether the buttons show (null: unknown, any reviewer role). */
  readonly projectId = input<string | null>(null);
  readonly decided = output<DecideApprovalResponse>();
  private readonly api = inject(ApiClient);
  private readonly pending = inject(PendingApprovals);
  private readonly session = inject(SessionStore);
  protected readonly allowed = computed(() => {
    const project = this.projectId();
    return project ? this.session.can('review', project) : this.session.canAnywhere('review');
  });
  private readonly injector = inject(Injector);
  private readonly host = inject<ElementRef<HTMLElement>>(ElementRef);
  protected readonly id = `decision-${++nextId}`;
  protected readonly reason = signal('');
  protected readonly confirming = signal<Decision | null>(null);
  protected readonly submitting = signal(false);
  protected readonly error = signal<string | null>(null);

  protected verb = (d: Decision) => (d === 'approve' ? 'Approve' : 'Deny');

  /** Opens the confirm step for a decision, whose button takes the focus (keyboard shortcuts use this). */
  ask(decision: Decision): void {
    if (this.submitting() || !this.allowed() || (decision === 'approve' && (!this.argumentsChecked() || !this.formValid()))) return;
    this.error.set(null);
    this.confirming.set(decision);
  }

  protected cancel(): void {
    const was = this.confirming();
    this.confirming.set(null);
    afterNextRender(() => this.host.nativeElement.querySelector<HTMLElement>(`[data-testid=${was === 'deny' ? 'deny' : 'approve'}]`)?.focus(), {
      injector: this.injector,
    });
  }

  protected async submit(decision: Decision): Promise<void> {
    if (this.submitting() || (decision === 'approve' && (!this.argumentsChecked() || !this.formValid()))) return;
    this.submitting.set(true);
    this.error.set(null);
    const reason = this.reason().trim();
    const form = decision === 'approve' ? (this.form() as DecideApprovalRequest['form']) : undefined;
    try {
      const res = await this.api.decideApproval(this.approvalId(), {
        decision,
        arguments_hash: this.argumentsHash(),
        ...(reason ? { reason } : {}),
        ...(form !== undefined ? { form } : {}),
      });
      this.confirming.set(null);
      this.reason.set('');
      this.decided.emit(res);
      void this.pending.refresh();
    } catch (err) {
      this.error.set(`Not decided: ${errorText(err)}`);
    } finally {
      this.submitting.set(false);
    }
  }
}
