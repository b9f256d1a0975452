import { DatePipe } from '@angular/common';
import {
  ChangeDetectionStrategy,
  Component,
  DestroyRef,
  ElementRef,
  Injector,
  afterNextRender,
  computed,
  effect,
  inject,
  input,
  signal,
  untracked,
  viewChild,
} from '@angular/core';
import { RouterLink } from '@angular/router';
import type { Approval, ApprovalDetail, DecideApprovalResponse } from '@omniai/contracts';
import { ApiClient } from '../core/api-client';
import { errorText } from '../core/api-error';
import { PendingApprovals } from '../core/pending-approvals';
import { WorkspaceStore } from '../core/workspace.store';
import { LoadErrorComponent } from '../shared/load-error.component';
import { STATUS_LABEL, decisionOf, expiresIn, reasonText } from '../shared/approval-model';
import { ticking } from '../shared/clock';
import { ApprovalArgumentsComponent, type CheckedApproval, isChecked } from './approval-arguments.component';
import { DecisionFormComponent } from './decision-form.component';
import { RiskChipsComponent } from './risk-chips.component';
import { PageHeadComponent } from '../shared/page-head.component';
import { GRAPH_GATE_TOOL_ID } from '@omniai/contracts/pure';
import { GraphGateComponent } from './graph-gate.component';

type Tab = 'pending' | 'decided' | 'all';
const TABS: ReadonlyArray<{ id: Tab; label: string }> = [
  { id: 'pending', label: 'Pending' },
  { id: 'decided', label: 'Decided' },
  { id: 'all', label: 'All' },
];
const EMPTY: Record<Tab, { title: string; text: string }> = {
  pending: { title: 'Nothing waits for a reviewer', text: 'When a tool call needs approval, it shows up here and in its run.' },
  decided: { title: 'No decisions yet', text: 'Approved, denied and expired calls are listed here.' },
  all: { title: 'No approvals yet', text: 'Grant a scope with “requires approval” in Settings → Policy, and tool calls that need it wait here.' },
};
const LIMIT = 200;
const REFRESH_MS = 5_000;

/**
 * The approvals inbox: tool calls waiting for (or decided by) a reviewer, with a detail panel to decide one.
 * Keyboard: arrows move the selection in the list; `a` / `d` open a confirm step to approve / deny the selected call.
 */
@Component({
  selector: 'omni-approvals-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [
    DatePipe,
    RouterLink,
    ApprovalArgumentsComponent,
    DecisionFormComponent,
    GraphGateComponent,
    LoadErrorComponent,
    RiskChipsComponent,
    PageHeadComponent,
  ],
  template: `
    <omni-page-head heading="Approvals">
      Tool calls that wait for a reviewer. A decision binds to the exact arguments shown (by their hash) and the first one wins; a call nobody decides before it
      expires is denied.
    </omni-page-head>

    <p class="visually-hidden" role="status" aria-live="polite" data-testid="approvals-status">{{ status() }}</p>
    <omni-load-error [error]="loadError()" what="approvals" testid="approvals-error" (retry)="reload()" />

    <div class="tabs" role="tablist" aria-label="Filter approvals">
      @for (t of tabs; track t.id) {
        <button type="button" role="tab" [attr.aria-selected]="tab() === t.id" (click)="pickTab(t.id)" [attr.data-testid]="'approvals-tab-' + t.id">
          {{ t.label }}
          @if (t.id === 'pending' && pending.count()) {
            <span class="count" data-testid="approvals-tab-pending-count">{{ pending.count() }}</span>
          }
        </button>
      }
    </div>

    <div class="inbox">
      <section class="list-pane" aria-label="Approvals">
        @if (items() === null && !loadError()) {
          @for (i of [1, 2, 3]; track i) {
            <div class="card row-skeleton skeleton" aria-busy="true" data-testid="approvals-loading">
              <span class="visually-hidden">Loading approvals…</span>
            </div>
          }
        } @else if (rows().length === 0 && !loadError()) {
          <div class="empty" data-testid="approvals-empty">
            <h2>{{ empty().title }}</h2>
            <p class="muted">{{ empty().text }}</p>
          </div>
        } @else if (rows().length) {
          <ul
            #list
            class="rows"
            role="listbox"
            tabindex="0"
            aria-label="Approvals"
            [attr.aria-activedescendant]="activeDescendant()"
            (keydown)="onKey($event)"
            data-testid="approvals-list"
          >
            @for (a of rows(); track a.id; let i = $index) {
              <li
                role="option"
                class="row"
                [id]="'approval-option-' + i"
                [attr.aria-selected]="a.id === selectedId()"
                [attr.data-approval-id]="a.id"
                [attr.data-status]="a.status"
                [attr.data-run-id]="a.run_id"
                (click)="select(a.id)"
                data-testid="approval-row"
              >
                <div class="line">
                  <code class="tool" data-testid="approval-row-tool">{{ a.tool_id }}</code>
                  <span class="status" [attr.data-status]="a.status" data-testid="approval-row-status">{{ label[a.status] }}</span>
                  <!-- A workflow approval node (graph.approval) is no tool call: it may come without a risk. -->
                  @if (a.risk) {
                    <omni-risk-chips [risk]="a.risk" />
                  }
                </div>
                <div class="line small muted">
                  <span data-testid="approval-row-project">{{ projectName(a.project_id) }}</span>
                  ·
                  @if (runLink(a); as link) {
                    <a [routerLink]="link" tabindex="-1" (click)="$event.stopPropagation()" data-testid="approval-run-link">run {{ a.run_id.slice(0, 8) }}</a>
                  } @else {
                    <span>run {{ a.run_id.slice(0, 8) }}</span>
                  }
                  · <span [title]="a.requested_at">requested {{ a.requested_at | date: 'short' }}</span>
                  @if (a.status === 'pending') {
                    · <span class="expires" data-testid="approval-row-expires">expires {{ remaining(a) }}</span>
                  }
                </div>
              </li>
            }
          </ul>
          <p class="muted small keys">↑ ↓ move · <kbd>a</kbd> approve · <kbd>d</kbd> deny (each asks to confirm) · <kbd>Esc</kbd> cancels</p>
        }
      </section>

      <aside class="card detail-pane" aria-label="Approval details" data-testid="approval-detail">
        @if (detail(); as d) {
          <div class="detail-head">
            <h2>
              <code>{{ d.tool_id }}</code><span class="muted small">&#64;{{ d.tool_version }}</span>
            </h2>
            <span class="status" [attr.data-status]="d.status" data-testid="approval-detail-status">{{ label[d.status] }}</span>
          </div>
          <p class="why" data-testid="approval-detail-reason">{{ reason(d.reason_code) }}</p>
          @if (d.risk) {
            <omni-risk-chips [risk]="d.risk" [limits]="true" />
          }
          <dl class="facts tight">
            <dt>Project</dt>
            <dd>{{ projectName(d.project_id) }}</dd>
            <dt>Run</dt>
            <dd>
              @if (runLink(d); as link) {
                <a [routerLink]="link" data-testid="approval-detail-run-link">{{ d.run_id.slice(0, 8) }}</a>
              } @else {
                <code>{{ d.run_id.slice(0, 8) }}</code>
              }
            </dd>
            <dt>Requested</dt>
            <dd>{{ d.requested_at | date: 'medium' }} by {{ d.requested_by.type }}:{{ d.requested_by.id }}</dd>
            <dt>Expires</dt>
            <dd>
              {{ d.expires_at | date: 'medium' }}
              @if (d.status === 'pending') {
                · {{ remaining(d) }}
              }
            </dd>
            <dt>Call</dt>
            <dd>
              <code>{{ d.call_id }}</code>
            </dd>
          </dl>
          @if (isGate(d)) {
            <omni-graph-gate
              [args]="d.arguments ?? { inline: d.arguments_redacted }"
              [callId]="d.call_id"
              [editable]="d.status === 'pending'"
              (formChange)="gateForm.set($event)"
            />
          }
          <h3>Arguments</h3>
          <omni-approval-arguments
            data-testid="approval-detail-arguments"
            [approvalId]="d.id"
            [runId]="d.run_id"
            [argumentsHash]="d.arguments_hash"
            [preview]="d.arguments_redacted"
            [full]="d.arguments"
            (verified)="checkedArguments.set($event)"
          />
          <dl class="facts hashes">
            <dt>Arguments hash</dt>
            <dd>
              <code data-testid="approval-detail-arguments-hash">{{ d.arguments_hash }}</code>
            </dd>
            <dt>Manifest hash</dt>
            <dd>
              <code data-testid="approval-detail-manifest-hash">{{ d.manifest_hash }}</code>
            </dd>
          </dl>
          <h3>Decision</h3>
          @if (d.status === 'pending') {
            <omni-decision-form
              #form
              [approvalId]="d.id"
              [projectId]="d.project_id"
              [argumentsHash]="d.arguments_hash"
              [toolId]="d.tool_id"
              [argumentsChecked]="argumentsChecked()"
              [form]="isGate(d) ? gateForm().value : undefined"
              [formValid]="!isGate(d) || gateForm().valid"
              (decided)="onDecided($event)"
            />
          } @else {
            @if (decisionOf(d); as v) {
              <p class="outcome" [attr.data-status]="v.status" data-testid="approval-detail-decision">
                <strong>{{ label[v.status] }}</strong>
                @if (v.decided_by) {
                  by {{ v.decided_by }}
                }
                @if (v.at) {
                  · {{ v.at | date: 'medium' }}
                }
                @if (v.reason) {
                  · “{{ v.reason }}”
                }
                @if (v.status === 'expired') {
                  · nobody decided in time
                }
              </p>
            }
          }
          <h3>Decide log</h3>
          @if (d.decisions.length) {
            <table class="log" data-testid="approval-decisions">
              <thead>
                <tr>
                  <th scope="col">Decision</th>
                  <th scope="col">Outcome</th>
                  <th scope="col">By</th>
                  <th scope="col">At</th>
                </tr>
              </thead>
              <tbody>
                @for (l of d.decisions; track $index) {
                  <tr data-testid="approval-decision-log-row" [attr.data-outcome]="l.outcome">
                    <td>{{ l.decision }}</td>
                    <td>{{ l.outcome }}</td>
                    <td>{{ l.decided_by }}</td>
                    <td>{{ l.at | date: 'medium' }}</td>
                  </tr>
                }
              </tbody>
            </table>
          } @else {
            <p class="muted small" data-testid="approval-decisions-empty">No decide calls yet.</p>
          }
        } @else if (detailError(); as err) {
          <div class="banner error" role="alert" data-testid="approval-detail-error">Could not load this approval: {{ err }}</div>
        } @else if (selectedId()) {
          <div class="skeleton detail-skeleton" aria-busy="true"><span class="visually-hidden">Loading the approval…</span></div>
        } @else {
          <p class="muted" data-testid="approval-detail-empty">Select an approval to see its arguments, hashes and decide log.</p>
        }
      </aside>
    </div>
  `,
  styles: `
    :host {
      display: block;
      max-width: 1280px;
    }
    .tabs {
      margin: 0 0 14px;
      padding: 0;
    }
    .count {
      font-size: 11px;
      padding: 0 6px;
      border-radius: 999px;
      background: var(--accent);
      color: var(--accent-text);
      margin-left: 4px;
    }
    .inbox {
      display: grid;
      grid-template-columns: minmax(0, 1fr) minmax(320px, 440px);
      gap: 20px;
      align-items: start;
    }
    @media (max-width: 1100px) {
      .inbox {
        grid-template-columns: minmax(0, 1fr);
      }
    }
    .rows {
      list-style: none;
      margin: 0;
      padding: 0;
      display: flex;
      flex-direction: column;
      gap: 8px;
      outline: none;
    }
    .rows:focus-visible .row[aria-selected='true'] {
      outline: 2px solid var(--accent);
      outline-offset: 2px;
    }
    .row {
      background: var(--surface);
      border: 1px solid var(--border);
      border-radius: var(--radius);
      padding: 10px 14px;
      cursor: pointer;
      display: grid;
      gap: 4px;
    }
    .row:hover {
      background: var(--surface-2);
    }
    .row[aria-selected='true'] {
      border-color: var(--accent);
      box-shadow: inset 3px 0 0 var(--accent);
    }
    .line {
      display: flex;
      align-items: center;
      gap: 8px;
      flex-wrap: wrap;
    }
    .tool {
      font-weight: 600;
    }
    .status {
      font-size: 11px;
      text-transform: uppercase;
      letter-spacing: 0.04em;
      padding: 1px 6px;
      border-radius: 6px;
      background: var(--warn-bg);
      color: var(--warn);
    }
    .status[data-status='approved'] {
      background: var(--ok-bg);
      color: var(--ok);
    }
    .status[data-status='denied'],
    .status[data-status='expired'],
    .status[data-status='cancelled'] {
      background: var(--bad-bg);
      color: var(--bad);
    }
    .expires {
      color: var(--warn);
    }
    .keys {
      margin-top: 10px;
    }
    kbd {
      font-family: var(--mono);
      font-size: 11px;
      border: 1px solid var(--border);
      border-radius: 4px;
      padding: 0 4px;
      background: var(--surface-2);
    }
    .row-skeleton {
      min-height: 64px;
      margin-bottom: 8px;
    }
    .detail-pane {
      min-height: 0;
      display: grid;
      gap: 10px;
      position: sticky;
      top: 0;
    }
    .detail-head {
      display: flex;
      align-items: center;
      gap: 8px;
      justify-content: space-between;
    }
    .detail-pane h2 {
      font-size: 15px;
      overflow-wrap: anywhere;
    }
    .detail-pane h3 {
      font-size: 11px;
      text-transform: uppercase;
      letter-spacing: 0.05em;
      color: var(--muted);
      margin: 6px 0 0;
    }
    .why,
    .outcome {
      margin: 0;
    }
    .outcome[data-status='approved'] strong {
      color: var(--ok);
    }
    .outcome:not([data-status='approved']) strong {
      color: var(--bad);
    }
    .hashes {
      grid-template-columns: 1fr;
      gap: 2px;
      font-size: 12.5px;
    }
    .hashes dd {
      margin-bottom: 6px;
      word-break: break-all;
    }
    .log {
      border-collapse: collapse;
      font-size: 12px;
      width: 100%;
    }
    .log th,
    .log td {
      border-bottom: 1px solid var(--border);
      padding: 3px 6px;
      text-align: left;
    }
    .detail-skeleton {
      min-height: 240px;
      border-radius: 8px;
    }
  `,
})
export class ApprovalsPageComponent {
  /** `?id=`: an approval to select (links from a run's chat). */
  readonly id = input<string>();
  protected readonly pending = inject(PendingApprovals);
  protected readonly store = inject(WorkspaceStore);
  private readonly api = inject(ApiClient);
  private readonly injector = inject(Injector);
  protected readonly tabs = TABS;
  protected readonly label = STATUS_LABEL;
  protected readonly reason = reasonText;
  protected readonly decisionOf = decisionOf;
  private readonly now = ticking();

  protected readonly tab = signal<Tab>('pending');
  protected readonly items = signal<Approval[] | null>(null);
  protected readonly loadError = signal<string | null>(null);
  protected readonly selectedId = signal<string | null>(null);
  protected readonly detail = signal<ApprovalDetail | null>(null);
  protected readonly detailError = signal<string | null>(null);
  /** Whose full arguments are shown and match the hash its decision binds (D42). */
  protected readonly checkedArguments = signal<CheckedApproval | null>(null);
  protected readonly argumentsChecked = computed(() => {
    const d = this.detail();
    return !!d && isChecked(this.checkedArguments(), d.id, d.arguments_hash);
  });
  protected readonly status = signal('');
  /** A workflow approval's form (graph.approval): its value and whether it is complete. */
  protected readonly gateForm = signal<{ value: unknown; valid: boolean }>({ value: undefined, valid: true });
  protected readonly isGate = (a: Pick<Approval, 'tool_id'>) => a.tool_id === GRAPH_GATE_TOOL_ID;
  /** Where each listed run is shown (a chat run in its thread, a graph run in its workflow); resolved once per run. */
  private readonly linkOfRun = signal<ReadonlyMap<string, string[]>>(new Map());
  private readonly list = viewChild<ElementRef<HTMLElement>>('list');
  private readonly form = viewChild<DecisionFormComponent>('form');
  private loadSeq = 0;

  protected readonly rows = computed(() => {
    const all = this.items() ?? [];
    return this.tab() === 'decided' ? all.filter((a) => a.status !== 'pending') : all;
  });
  protected readonly empty = computed(() => EMPTY[this.tab()]);
  protected readonly activeDescendant = computed(() => {
    const i = this.rows().findIndex((a) => a.id === this.selectedId());
    return i >= 0 ? `approval-option-${i}` : null;
  });

  constructor() {
    this.store.ensureProjects();
    effect(() => {
      const id = this.id();
      untracked(() => id && this.selectedId.set(id));
    });
    effect(() => {
      this.tab();
      untracked(() => void this.reload());
    });
    effect(() => {
      const id = this.selectedId();
      untracked(() => {
        this.detail.set(null);
        this.detailError.set(null);
        if (id) void this.loadDetail(id);
      });
    });
    const timer = setInterval(() => {
      if (!document.hidden) void this.refresh();
    }, REFRESH_MS);
    inject(DestroyRef).onDestroy(() => clearInterval(timer));
  }

  protected projectName(id: string): string {
    return this.store.projectNames().get(id) ?? `project ${id.slice(0, 8)}`;
  }

  protected runLink(a: Pick<Approval, 'project_id' | 'run_id'>): string[] | null {
    return this.linkOfRun().get(a.run_id) ?? null;
  }

  protected remaining(a: Pick<Approval, 'expires_at'>): string {
    return expiresIn(a.expires_at, this.now());
  }

  protected pickTab(tab: Tab): void {
    this.tab.set(tab);
  }

  /** Loads the list for the current tab, showing the loading state. */
  protected async reload(): Promise<void> {
    this.items.set(null);
    this.loadError.set(null);
    await this.refresh();
  }

  /** Refreshes the list quietly (timer, after a decision): rows change in place, the selection stays. */
  private async refresh(): Promise<void> {
    const seq = ++this.loadSeq;
    const tab = this.tab();
    try {
      const { items } = await this.api.listApprovals(tab === 'pending' ? { status: 'pending', limit: LIMIT } : { limit: LIMIT });
      if (seq !== this.loadSeq) return;
      this.items.set(items);
      this.loadError.set(null);
      const selected = this.selectedId();
      if (!selected || !this.rows().some((a) => a.id === selected)) {
        // Keep showing a decision just made (it leaves the Pending list) or the approval a link asked for; otherwise
        // select the first row.
        if (!selected || (this.detail()?.id !== selected && selected !== this.id())) this.selectedId.set(this.rows()[0]?.id ?? null);
      } else if (this.detail() && items.find((a) => a.id === selected)?.status !== this.detail()?.status) {
        void this.loadDetail(selected);
      }
      void this.resolveThreads(items);
    } catch (err) {
      if (seq !== this.loadSeq) return;
      this.loadError.set(errorText(err));
      if (this.items() === null) this.items.set([]);
    }
  }

  private async loadDetail(id: string): Promise<void> {
    try {
      const d = await this.api.getApproval(id);
      if (this.selectedId() !== id) return;
      this.detail.set(d);
      this.detailError.set(null);
      void this.resolveThreads([d]);
    } catch (err) {
      if (this.selectedId() === id) this.detailError.set(errorText(err));
    }
  }

  private async resolveThreads(items: ReadonlyArray<Pick<Approval, 'run_id'>>): Promise<void> {
    const known = this.linkOfRun();
    const missing = [...new Set(items.map((a) => a.run_id))].filter((r) => !known.has(r));
    if (!missing.length) return;
    const found = await Promise.all(
      missing.map((r) =>
        this.api.getRun(r).then(
          (run) => run,
          () => null,
        ),
      ),
    );
    const next = new Map(this.linkOfRun());
    for (const run of found) {
      if (run?.thread_id) next.set(run.id, ['/projects', run.project_id, 'threads', run.thread_id, 'runs', run.id]);
      // A graph run has no thread: its approvals link to the run view of its workflow.
      else if (run?.graph) next.set(run.id, ['/projects', run.project_id, 'workflows', run.graph.graph_id, 'runs', run.id]);
    }
    this.linkOfRun.set(next);
  }

  protected select(id: string): void {
    this.selectedId.set(id);
  }

  protected onDecided(res: DecideApprovalResponse): void {
    const verb = res.approval.status === 'approved' ? 'Approved' : 'Denied';
    this.status.set(res.outcome === 'applied' ? `${verb} ${res.approval.tool_id}.` : `Already decided: ${STATUS_LABEL[res.approval.status]}.`);
    void this.loadDetail(res.approval.id);
    void this.refresh();
    afterNextRender(() => this.list()?.nativeElement.focus(), { injector: this.injector });
  }

  protected onKey(ev: KeyboardEvent): void {
    if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
    const rows = this.rows();
    const at = rows.findIndex((a) => a.id === this.selectedId());
    const move = (i: number) => {
      const row = rows[Math.max(0, Math.min(rows.length - 1, i))];
      if (row) this.select(row.id);
      afterNextRender(() => this.list()?.nativeElement.querySelector('[aria-selected=true]')?.scrollIntoView({ block: 'nearest' }), {
        injector: this.injector,
      });
    };
    switch (ev.key) {
      case 'ArrowDown':
        move(at + 1);
        break;
      case 'ArrowUp':
        move(at < 0 ? 0 : at - 1);
        break;
      case 'Home':
        move(0);
        break;
      case 'End':
        move(rows.length - 1);
        break;
      case 'a':
      case 'd': {
        const form = this.form();
        if (!form || this.detail()?.id !== this.selectedId()) {
          this.status.set('The selected approval is not pending.');
          break;
        }
        form.ask(ev.key === 'a' ? 'approve' : 'deny');
        break;
      }
      default:
        return;
    }
    ev.preventDefault();
  }
}
