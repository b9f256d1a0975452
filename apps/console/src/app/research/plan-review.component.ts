import { ChangeDetectionStrategy, Component, effect, inject, input, output, signal, untracked } from '@angular/core';
import { RESEARCH_LIMITS } from '@omniai/contracts/pure';
import { ApiClient } from '../core/api-client';
import { errorText } from '../core/api-error';
import { checkPlan, moved } from './research-model';

/**
 * The plan review of a waiting research run: the model's sub-questions as an editable list (edit, remove, add,
 * reorder), approved as edited or denied with a reason. The decision goes through the approvals endpoint, the plan as
 * the decision's `form` (`{ sub_questions }`), which is the plan the run then follows. Test ids: `plan-*`.
 */
@Component({
  selector: 'omni-plan-review',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <section class="card plan" aria-label="Plan review" data-testid="plan-review">
      <h2>Review the plan</h2>
      <p class="muted small">
        Nothing is searched or read until the plan is approved. Edit, remove, add or reorder the sub-questions (1 to {{ limits.subQuestions }}); the run follows
        the list as approved.
      </p>
      @if (error(); as err) {
        <div class="form-error" role="alert" data-testid="plan-error">{{ err }}</div>
      }
      <ol class="items">
        @for (q of items(); track $index; let i = $index) {
          <li data-testid="plan-item">
            <textarea
              rows="2"
              [attr.aria-label]="'Sub-question ' + (i + 1)"
              [attr.maxlength]="limits.subQuestionChars"
              [value]="q"
              [attr.aria-invalid]="!!itemErrors()[i]"
              (input)="edit(i, $any($event.target).value)"
              data-testid="plan-item-text"
            ></textarea>
            <span class="item-actions">
              <button
                type="button"
                class="btn small ghost"
                [disabled]="i === 0"
                (click)="move(i, -1)"
                [attr.aria-label]="'Move sub-question ' + (i + 1) + ' up'"
              >
                ↑
              </button>
              <button
                type="button"
                class="btn small ghost"
                [disabled]="i === items().length - 1"
                (click)="move(i, 1)"
                [attr.aria-label]="'Move sub-question ' + (i + 1) + ' down'"
              >
                ↓
              </button>
              <button
                type="button"
                class="btn small ghost danger"
                (click)="remove(i)"
                [attr.aria-label]="'Remove sub-question ' + (i + 1)"
                data-testid="plan-item-remove"
              >
                Remove
              </button>
            </span>
            @if (itemErrors()[i]; as e) {
              <p class="field-error" data-testid="plan-item-error">{{ e }}</p>
            }
          </li>
        }
      </ol>
      <div class="actions">
        <button type="button" class="btn small" [disabled]="items().length >= limits.subQuestions" (click)="add()" data-testid="plan-add">
          + Add sub-question
        </button>
        <span class="spacer"></span>
        <input class="inline-select" placeholder="Reason (for a denial)" aria-label="Reason" maxlength="1000" #reason data-testid="plan-reason" />
        <button type="button" class="btn danger" [disabled]="busy()" (click)="decide('deny', reason.value)" data-testid="plan-deny">Deny</button>
        <button type="button" class="btn approve solid" [disabled]="busy()" (click)="decide('approve', reason.value)" data-testid="plan-approve">
          {{ busy() ? 'Sending…' : 'Approve plan' }}
        </button>
      </div>
    </section>
  `,
  styles: `
    .plan {
      border-color: var(--warn);
      background: color-mix(in srgb, var(--warn-bg) 40%, var(--surface));
    }
    h2 {
      margin: 0 0 4px;
      font-size: 16px;
    }
    .items {
      display: grid;
      gap: 8px;
      padding-left: 22px;
    }
    .items li {
      display: grid;
      grid-template-columns: minmax(0, 1fr) auto;
      gap: 4px 8px;
      align-items: start;
    }
    .items .field-error {
      grid-column: 1 / -1;
      margin: 0;
    }
    textarea {
      width: 100%;
      box-sizing: border-box;
      font: inherit;
      padding: 6px 8px;
      border: 1px solid var(--border);
      border-radius: 8px;
      background: var(--surface);
      color: var(--text);
    }
    textarea[aria-invalid='true'] {
      border-color: var(--bad);
    }
    .item-actions {
      display: flex;
      gap: 2px;
    }
    .actions {
      display: flex;
      gap: 8px;
      align-items: center;
      flex-wrap: wrap;
    }
    .spacer {
      flex: 1;
    }
  `,
})
export class PlanReviewComponent {
  readonly approvalId = input.required<string>();
  /** The plan the model proposed (the list starts from it). */
  readonly proposed = input.required<readonly string[]>();
  /** The decision was applied (the page refetches the run). */
  readonly decided = output<'approve' | 'deny'>();
  private readonly api = inject(ApiClient);
  protected readonly limits = RESEARCH_LIMITS;
  protected readonly items = signal<string[]>([]);
  protected readonly itemErrors = signal<Record<number, string>>({});
  protected readonly error = signal<string | null>(null);
  protected readonly busy = signal(false);

  constructor() {
    // A new approval (not a refetch of the same one) starts from the model's plan; edits survive live refetches.
    effect(() => {
      this.approvalId();
      untracked(() => {
        this.items.set([...this.proposed()]);
        this.itemErrors.set({});
        this.error.set(null);
      });
    });
  }

  protected edit(i: number, value: string): void {
    this.items.update((list) => list.map((q, k) => (k === i ? value : q)));
    if (this.itemErrors()[i]) this.itemErrors.update((e) => ({ ...e, [i]: '' }));
  }

  protected remove(i: number): void {
    this.items.update((list) => list.filter((_, k) => k !== i));
    this.itemErrors.set({});
  }

  protected add(): void {
    this.items.update((list) => [...list, '']);
    this.itemErrors.set({});
  }

  protected move(i: number, delta: number): void {
    this.items.update((list) => moved(list, i, delta));
    this.itemErrors.set({});
  }

  protected async decide(decision: 'approve' | 'deny', reason: string): Promise<void> {
    if (this.busy()) return;
    this.error.set(null);
    let form: { sub_questions: string[] } | undefined;
    if (decision === 'approve') {
      const checked = checkPlan(this.items());
      if (!checked.ok) {
        this.itemErrors.set(checked.errors.items);
        this.error.set(checked.errors.plan ?? 'Fix the sub-questions marked below.');
        return;
      }
      form = checked.body;
    }
    this.busy.set(true);
    try {
      const approvalId = this.approvalId();
      // The decision names the arguments it saw (their hash), as every approval decision does.
      const approval = await this.api.getApproval(approvalId);
      await this.api.decideApproval(approvalId, {
        decision,
        arguments_hash: approval.arguments_hash,
        ...(reason.trim() ? { reason: reason.trim() } : {}),
        ...(form ? { form } : {}),
      });
      this.decided.emit(decision);
    } catch (err) {
      this.error.set(`Not ${decision === 'approve' ? 'approved' : 'denied'}: ${errorText(err)}`);
    } finally {
      this.busy.set(false);
    }
  }
}
