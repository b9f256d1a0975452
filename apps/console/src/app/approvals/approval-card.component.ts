import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, effect, inject, input, signal, untracked } from '@angular/core';
import type { DecideApprovalResponse, ReviewedArguments, RunEvent } from '@omniai/contracts';
import { ApiClient } from '../core/api-client';
import { CARD_RUN_EVENTS } from '../shared/card-registry';
import { WorkspaceStore } from '../core/workspace.store';
import {
  type DecisionView,
  STATUS_LABEL,
  approvalRequested,
  decisionInRun,
  decisionOf,
  expiresIn,
  reasonText,
  runEnded,
  shortHash,
} from '../shared/approval-model';
import { ticking } from '../shared/clock';
import { ApprovalArgumentsComponent, type CheckedApproval, isChecked } from './approval-arguments.component';
import { DecisionFormComponent } from './decision-form.component';
import { RiskChipsComponent } from './risk-chips.component';

type CardState = 'pending' | 'approved' | 'denied' | 'expired' | 'cancelled' | 'ended';
const STATE_LABEL: Record<CardState, string> = {
  pending: 'Needs approval',
  approved: 'Approved',
  denied: 'Denied',
  expired: 'Expired',
  cancelled: 'Cancelled',
  ended: 'Not decided',
};

/**
 * The card of an `approval_requested` event: the tool, its arguments (full once loaded, D42), risk, why it needs a reviewer and the
 * time left; Approve / Deny while the call still waits. Whether it still waits comes from the run itself (an
 * `approval_decided` event for the same approval id), else from `GET /v1/approvals/:id`, else from this console's own
 * decide call. Used as a timeline card (the drawer provides the run's events) and inline in the chat (`runEvents`).
 */
@Component({
  selector: 'omni-approval-card',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [DatePipe, ApprovalArgumentsComponent, DecisionFormComponent, RiskChipsComponent],
  template: `
    @if (data(); as a) {
      <section
        class="approval"
        [attr.data-state]="state()"
        [attr.data-approval-id]="a.approval_id"
        data-testid="approval-card"
        [attr.aria-label]="'Approval for ' + a.tool_id"
      >
        <header>
          <span class="state" data-testid="approval-state">{{ stateLabel() }}</span>
          <code class="tool" data-testid="approval-tool">{{ a.tool_id }}</code><span class="muted small">&#64;{{ a.tool_version }}</span>
        </header>
        <p class="why" data-testid="approval-reason">{{ reason() }}</p>
        @if (a.risk; as risk) {
          <omni-risk-chips [risk]="risk" [limits]="true" />
        }
        <div class="label">Arguments</div>
        <omni-approval-arguments
          data-testid="approval-arguments"
          [approvalId]="a.approval_id"
          [runId]="event().run_id"
          [argumentsHash]="a.arguments_hash"
          [preview]="a.arguments_redacted"
          [full]="fullArguments()"
          (verified)="checkedArguments.set($event)"
        />
        <dl class="facts tight">
          <dt>Args hash</dt>
          <dd>
            <code [title]="a.arguments_hash" data-testid="approval-arguments-hash">{{ short(a.arguments_hash) }}</code>
          </dd>
          <dt>Manifest</dt>
          <dd>
            <code [title]="a.manifest_hash">{{ short(a.manifest_hash) }}</code>
          </dd>
          <dt>Asked by</dt>
          <dd>{{ a.requested_by.type }}:{{ a.requested_by.id }}</dd>
        </dl>
        @switch (state()) {
          @case ('pending') {
            <p class="expiry small" data-testid="approval-expiry">Expires {{ remaining() }} · {{ a.expires_at | date: 'medium' }}</p>
            <omni-decision-form
              [approvalId]="a.approval_id"
              [projectId]="projectId()"
              [argumentsHash]="a.arguments_hash"
              [toolId]="a.tool_id"
              [argumentsChecked]="argumentsChecked()"
              (decided)="onDecided($event)"
            />
          }
          @case ('ended') {
            <p class="outcome small muted" data-testid="approval-decision">The run ended before anyone decided.</p>
          }
          @default {
            @if (decision(); as d) {
              <p class="outcome small" data-testid="approval-decision">
                <strong>{{ label[d.status] }}</strong>
                @if (d.decided_by) {
                  by {{ d.decided_by }}
                }
                @if (d.at) {
                  · {{ d.at | date: 'medium' }}
                }
                @if (d.reason) {
                  · “{{ d.reason }}”
                }
              </p>
            } @else {
              <p class="outcome small" data-testid="approval-decision"><strong>Expired</strong> · nobody decided in time; the call is denied.</p>
            }
            @if (noOp()) {
              <p class="muted small" data-testid="approval-no-op">Someone else decided first; your decision was recorded as a no-op.</p>
            }
          }
        }
      </section>
    }
  `,
  styles: `
    .approval {
      display: grid;
      gap: 8px;
      padding: 10px 12px;
      border: 1px solid var(--border);
      border-left: 3px solid var(--accent);
      border-radius: 8px;
      background: var(--surface);
    }
    .approval[data-state='approved'] {
      border-left-color: var(--ok);
    }
    .approval[data-state='denied'],
    .approval[data-state='expired'] {
      border-left-color: var(--bad);
    }
    .approval[data-state='ended'] {
      border-left-color: var(--muted);
    }
    header {
      display: flex;
      align-items: baseline;
      gap: 6px;
      flex-wrap: wrap;
    }
    .state {
      font-size: 11px;
      text-transform: uppercase;
      letter-spacing: 0.04em;
      padding: 1px 6px;
      border-radius: 6px;
      background: var(--surface-2);
      color: var(--accent);
    }
    .approval[data-state='approved'] .state {
      background: var(--ok-bg);
      color: var(--ok);
    }
    .approval[data-state='denied'] .state,
    .approval[data-state='expired'] .state {
      background: var(--bad-bg);
      color: var(--bad);
    }
    .tool {
      font-weight: 600;
      font-size: 13px;
    }
    .why,
    .outcome,
    .expiry {
      margin: 0;
    }
    .label {
      font-size: 11px;
      text-transform: uppercase;
      letter-spacing: 0.05em;
      color: var(--muted);
    }
    .expiry {
      color: var(--warn);
    }
  `,
})
export class ApprovalCardComponent {
  /** The `approval_requested` system event. */
  readonly event = input.required<RunEvent>();
  /** The run's events; when absent, the ones the surrounding view provides (CARD_RUN_EVENTS). */
  readonly runEvents = input<readonly RunEvent[] | null>(null);
  private readonly provided = inject(CARD_RUN_EVENTS, { optional: true });
  private readonly api = inject(ApiClient);
  private readonly store = inject(WorkspaceStore);
  protected readonly label = STATUS_LABEL;
  protected readonly short = shortHash;
  private readonly now = ticking();

  protected readonly data = computed(() => approvalRequested(this.event()));
  /** The run's project (whose membership role decides whether this user may decide), when the run is loaded. */
  protected readonly projectId = computed(() => {
    const runId = this.event().run_id;
    return (
      this.store
        .runs()
        ?.find((s) => s.run().id === runId)
        ?.run().project_id ?? null
    );
  });
  private readonly events = computed(() => this.runEvents() ?? this.provided?.() ?? []);
  /** What the API knows (asked once when the run has no decision to show). */
  private readonly fromApi = signal<DecisionView | null>(null);
  /** The answer to this console's own decide call. */
  private readonly fromDecide = signal<DecisionView | null>(null);
  protected readonly noOp = signal(false);
  /** The call's full arguments, from the approval's detail (undefined until asked). */
  protected readonly fullArguments = signal<ReviewedArguments | null | undefined>(undefined);
  /** Whose full arguments are shown and match the hash the decision binds (D42). */
  protected readonly checkedArguments = signal<CheckedApproval | null>(null);
  protected readonly argumentsChecked = computed(() => {
    const a = this.data();
    return !!a && isChecked(this.checkedArguments(), a.approval_id, a.arguments_hash);
  });

  protected readonly decision = computed(() => {
    const id = this.data()?.approval_id;
    if (!id) return null;
    return decisionInRun(this.events(), id) ?? this.fromDecide() ?? this.fromApi();
  });
  protected readonly state = computed<CardState>(() => {
    const d = this.decision();
    if (d) return d.status;
    if (runEnded(this.events())) return 'ended';
    const a = this.data();
    return a && Date.parse(a.expires_at) <= this.now() ? 'expired' : 'pending';
  });
  protected readonly stateLabel = computed(() => STATE_LABEL[this.state()]);
  protected readonly remaining = computed(() => expiresIn(this.data()?.expires_at ?? '', this.now()));
  protected readonly reason = computed(() => reasonText(this.data()?.reason_code ?? ''));

  constructor() {
    effect(() => {
      const id = this.data()?.approval_id;
      if (!id) return;
      untracked(() => {
        if (!decisionInRun(this.events(), id)) void this.check(id);
      });
    });
  }

  protected onDecided(res: DecideApprovalResponse): void {
    this.noOp.set(res.outcome === 'no_op');
    this.fromDecide.set(decisionOf(res.approval));
  }

  private async check(id: string): Promise<void> {
    try {
      const detail = await this.api.getApproval(id);
      this.fromApi.set(decisionOf(detail));
      this.fullArguments.set(detail.arguments);
    } catch {
      // Not projected yet, or the API is away: the run's own events still decide what the card shows.
    }
  }
}
