import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, DestroyRef, computed, effect, inject, input, signal, untracked } from '@angular/core';
import { RouterLink } from '@angular/router';
import type { ResearchView } from '@omniai/contracts';
import { TERMINAL_RUN_STATUSES } from '@omniai/contracts/pure';
import { ApiClient } from '../core/api-client';
import { errorText } from '../core/api-error';
import { RunStream } from '../core/run-stream';
import { SessionStore } from '../core/session.store';
import { WorkspaceStore } from '../core/workspace.store';
import { formatDuration } from '../shared/duration';
import { PlanReviewComponent } from './plan-review.component';
import { RESEARCH_STATE_LABEL, ResearchGraphComponent } from './research-graph.component';
import { stateCounts } from './research-model';
import { ReportViewerComponent } from './report-viewer.component';

/** Events come in bursts (a search fans out, sources are read four at a time): one refetch per window. */
const REFETCH_WINDOW_MS = 300;
/** When the stream cannot be followed, the page polls instead. */
const POLL_MS = 1_500;

const STAGE_LABEL: Readonly<Record<ResearchView['stage'], string>> = {
  planning: 'Planning',
  plan_review: 'Waiting for plan review',
  searching: 'Searching',
  reading: 'Reading sources',
  synthesizing: 'Writing the report',
  verifying: 'Verifying citations',
  done: 'Done',
};

/**
 * One research run: the question, status and stage (metrics once done); the plan review while the run waits for it;
 * the research graph, live; the sources; and the report with its checked citations. The view (`GET
 * /v1/runs/:id/research`) is folded by the API; the page refetches it as the run's stream delivers events (at most once
 * per window).
 */
@Component({
  selector: 'omni-research-run-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [DatePipe, RouterLink, PlanReviewComponent, ResearchGraphComponent, ReportViewerComponent],
  template: `
    <nav class="crumbs small" aria-label="Breadcrumb">
      <a [routerLink]="['/projects', projectId()]">{{ projectName() }}</a> /
      <a [routerLink]="['/projects', projectId(), 'research']" data-testid="back-to-research">Research</a>
    </nav>
    @if (error(); as err) {
      <div class="banner error" role="alert" data-testid="research-run-error">
        {{ err }} <button type="button" class="btn small" (click)="refetch()">Try again</button>
      </div>
    }
    @if (view(); as v) {
      <header class="head" data-testid="research-run" [attr.data-status]="v.run.status" [attr.data-stage]="v.stage">
        <h1 data-testid="research-question">{{ v.request.question }}</h1>
        <div class="meta small">
          <span class="status-pill" [attr.data-status]="v.run.status" data-testid="research-status">
            <span class="status-dot" [attr.data-status]="v.run.status"></span> {{ v.run.status }}
          </span>
          <span class="stage" data-testid="research-stage" [attr.data-stage]="v.stage">{{ stageLabel(v.stage) }}</span>
          <span class="muted">
            Run <code>{{ v.run.id.slice(0, 8) }}</code> · started {{ v.run.created_at | date: 'medium' }} · depth {{ v.request.depth }} · up to
            {{ v.request.max_sources }} sources · {{ sourcesText(v) }}
          </span>
          <span class="muted">· updates {{ live() }}</span>
          @if (canOperate()) {
            @if (v.run.status === 'paused') {
              <button type="button" class="btn small" [disabled]="acting()" (click)="resume()" data-testid="research-resume">Resume</button>
            }
            @if (!terminal()) {
              <button type="button" class="btn small danger" [disabled]="acting()" (click)="cancel()" data-testid="research-cancel">Cancel run</button>
            }
          }
        </div>
        @if (v.report?.metrics; as m) {
          <dl class="metrics" data-testid="research-metrics">
            <div>
              <dt>Sources read</dt>
              <dd>{{ m.sources_read }} / {{ m.sources_found }}</dd>
            </div>
            <div>
              <dt>Claims</dt>
              <dd>{{ m.claims }}</dd>
            </div>
            <div>
              <dt>Citations</dt>
              <dd>{{ m.citations }}</dd>
            </div>
            <div>
              <dt>Verified</dt>
              <dd data-testid="research-verified-ratio">{{ percent(m.verified_ratio) }}</dd>
            </div>
            <div>
              <dt>Unsupported removed</dt>
              <dd>{{ m.unsupported_removed }}</dd>
            </div>
            <div>
              <dt>Flagged</dt>
              <dd>{{ m.flagged }}</dd>
            </div>
            <div>
              <dt>Tokens</dt>
              <dd>{{ m.tokens.toLocaleString() }}</dd>
            </div>
            <div>
              <dt>Cost</dt>
              <dd>\${{ m.cost_usd.toFixed(4) }}</dd>
            </div>
            <div>
              <dt>Wall time</dt>
              <dd>{{ duration(m.wall_ms) }}</dd>
            </div>
          </dl>
        }
      </header>
      @if (v.run.error; as e) {
        <div class="banner error" role="alert" data-testid="research-failure">{{ e.code }}: {{ e.message }}</div>
      }

      @if (v.stage === 'plan_review' && v.pending_review && !terminal()) {
        <omni-plan-review [approvalId]="v.pending_review.approval_id" [proposed]="v.plan?.sub_questions ?? []" (decided)="refetch()" />
      }

      <section class="graph-card card" aria-label="Research graph">
        <div class="graph-wrap">
          <omni-research-graph class="fill" [graph]="v.graph" [selectedId]="selectedId()" (nodeSelected)="select($event)" (cleared)="selectedId.set(null)" />
        </div>
        <aside class="graph-side" data-testid="research-node-detail">
          @if (selectedNode(); as n) {
            <h3>{{ kindLabel(n.kind) }}</h3>
            <p class="node-label" data-testid="research-node-label">{{ n.label }}</p>
            <p class="small">
              <span class="swatch" [attr.data-state]="n.state"></span><span data-testid="research-node-state">{{ stateLabel(n.state) }}</span>
            </p>
            @if (n.detail) {
              <p class="small detail" data-testid="research-node-text">{{ n.detail }}</p>
            }
            <button type="button" class="btn small ghost" (click)="selectedId.set(null)">Show the legend</button>
          } @else {
            <h3>Legend</h3>
            <p class="muted small">Question → sub-questions → sources → claims. Click a node for its detail.</p>
            <ul class="legend" data-testid="research-legend">
              @for (s of legend; track s) {
                <li><span class="swatch" [attr.data-state]="s"></span>{{ stateLabel(s) }} · {{ counts().get(s) ?? 0 }}</li>
              }
            </ul>
          }
        </aside>
      </section>

      <section aria-label="Sources">
        <h2 class="section-title">Sources</h2>
        @if (v.sources.length === 0) {
          <p class="muted small" data-testid="research-sources-empty">No sources yet.</p>
        } @else {
          <table class="data-table card" data-testid="research-sources-table">
            <thead>
              <tr>
                <th scope="col">Status</th>
                <th scope="col">Source</th>
                <th scope="col">Found by</th>
                <th scope="col">Note</th>
              </tr>
            </thead>
            <tbody>
              @for (s of v.sources; track s.source_id) {
                <tr data-testid="research-source" [attr.data-status]="s.status" [attr.data-source-id]="s.source_id">
                  <td class="nowrap">
                    <span class="source-status" [attr.data-status]="s.status">{{ s.status }}</span>
                  </td>
                  <td>
                    <strong>{{ s.title || s.locator }}</strong>
                    <div class="muted small locator">{{ s.locator }} · {{ s.kind }} via {{ s.via }}</div>
                  </td>
                  <td class="nowrap small">{{ subQuestionsText(s.sub_questions) }}</td>
                  <td class="small">
                    @if (s.error; as e) {
                      <span class="error-text" data-testid="research-source-error">{{ e.code }}: {{ e.message }}</span>
                    } @else if (s.snapshot; as snap) {
                      {{ snap.chars.toLocaleString() }} chars
                      @if (snap.truncated) {
                        · <span data-testid="research-source-truncated">truncated{{ snap.note ? ': ' + snap.note : '' }}</span>
                      } @else if (snap.note) {
                        · {{ snap.note }}
                      }
                    }
                  </td>
                </tr>
              }
            </tbody>
          </table>
        }
      </section>

      @if (v.report) {
        <section class="card report-card" aria-label="Report">
          <omni-research-report [view]="v" />
        </section>
      } @else if (!terminal()) {
        <p class="muted small" data-testid="research-report-pending">The report appears here once the sources are read and its citations checked.</p>
      }
    } @else if (!error()) {
      <div class="card skeleton" aria-busy="true" style="min-height: 200px"><span class="visually-hidden">Loading the research…</span></div>
    }
  `,
  styles: `
    :host {
      display: grid;
      gap: 14px;
      max-width: 1400px;
    }
    .crumbs {
      color: var(--muted);
    }
    .head h1 {
      font-size: 20px;
      margin: 0 0 6px;
    }
    .meta {
      display: flex;
      flex-wrap: wrap;
      gap: 8px;
      align-items: center;
    }
    .stage {
      font-weight: 600;
    }
    .metrics {
      display: flex;
      flex-wrap: wrap;
      gap: 6px 18px;
      margin: 10px 0 0;
    }
    .metrics dt {
      font-size: 11px;
      text-transform: uppercase;
      letter-spacing: 0.04em;
      color: var(--muted);
    }
    .metrics dd {
      margin: 0;
      font-weight: 600;
    }
    .graph-card {
      display: grid;
      grid-template-columns: minmax(0, 1fr) 260px;
      padding: 0;
      overflow: hidden;
    }
    .graph-wrap {
      position: relative;
      height: 520px;
    }
    .fill {
      position: absolute;
      inset: 0;
    }
    .graph-side {
      border-left: 1px solid var(--border);
      padding: 10px 12px;
      overflow: auto;
      max-height: 520px;
    }
    .graph-side h3 {
      font-size: 12px;
      text-transform: uppercase;
      letter-spacing: 0.05em;
      color: var(--muted);
      margin: 0 0 6px;
    }
    .node-label {
      font-weight: 600;
      margin: 0 0 4px;
    }
    .detail {
      white-space: pre-wrap;
    }
    .legend {
      list-style: none;
      padding: 0;
      display: grid;
      gap: 4px;
      font-size: 13px;
    }
    .swatch {
      display: inline-block;
      width: 12px;
      height: 12px;
      border-radius: 3px;
      margin-right: 6px;
      vertical-align: -1px;
      border: 1.5px solid var(--muted);
      background: var(--surface);
    }
    .swatch[data-state='running'] {
      border-color: var(--accent);
      background: color-mix(in srgb, var(--accent) 12%, var(--surface));
    }
    .swatch[data-state='done'],
    .swatch[data-state='supported'] {
      border-color: var(--ok);
      background: var(--ok-bg);
    }
    .swatch[data-state='partial'] {
      border-color: var(--warn);
      background: var(--warn-bg);
    }
    .swatch[data-state='failed'],
    .swatch[data-state='unsupported'] {
      border-color: var(--bad);
      background: var(--bad-bg);
    }
    .swatch[data-state='skipped'],
    .swatch[data-state='uncited'] {
      border-style: dashed;
    }
    table {
      width: 100%;
      padding: 0;
    }
    .locator {
      word-break: break-all;
    }
    .source-status {
      font-size: 12px;
      padding: 1px 8px;
      border-radius: 999px;
      background: var(--surface-2);
    }
    .source-status[data-status='read'] {
      color: var(--ok);
      background: var(--ok-bg);
    }
    .source-status[data-status='failed'] {
      color: var(--bad);
      background: var(--bad-bg);
    }
    .report-card {
      padding: 14px 18px;
    }
  `,
})
export class ResearchRunPageComponent {
  readonly projectId = input.required<string>();
  readonly runId = input.required<string>();
  private readonly api = inject(ApiClient);
  private readonly session = inject(SessionStore);
  private readonly store = inject(WorkspaceStore);
  protected readonly view = signal<ResearchView | null>(null);
  protected readonly error = signal<string | null>(null);
  protected readonly live = signal<'live' | 'polling' | 'connecting' | 'ended' | 'reconnecting'>('connecting');
  protected readonly selectedId = signal<string | null>(null);
  protected readonly acting = signal(false);
  protected readonly projectName = computed(() => this.store.projectNames().get(this.projectId()) ?? 'Project');
  protected readonly canOperate = computed(() => this.session.can('operate', this.projectId()));
  protected readonly legend = ['pending', 'running', 'done', 'failed', 'skipped', 'supported', 'partial', 'unsupported', 'uncited'];

  protected readonly terminal = computed(() => {
    const v = this.view();
    return v ? TERMINAL_RUN_STATUSES.has(v.run.status) : false;
  });
  protected readonly counts = computed(() => stateCounts(this.view()?.graph ?? { nodes: [], edges: [] }));
  protected readonly selectedNode = computed(() => this.view()?.graph.nodes.find((n) => n.id === this.selectedId()) ?? null);

  private stream: RunStream | null = null;
  private pending: ReturnType<typeof setTimeout> | undefined;
  private poll: ReturnType<typeof setTimeout> | undefined;
  /** Answers of refetches started before a newer one are dropped (the newest view wins). */
  private fetchSeq = 0;

  constructor() {
    this.store.ensureProjects();
    effect(() => {
      const runId = this.runId();
      untracked(() => void this.open(runId));
    });
    inject(DestroyRef).onDestroy(() => this.stop());
  }

  private async open(runId: string): Promise<void> {
    this.stop();
    this.view.set(null);
    this.selectedId.set(null);
    await this.refetch();
    if (this.terminal() || this.runId() !== runId) {
      this.live.set('ended');
      return;
    }
    // Follow the run's stream; every event (node_*, run_*, approvals) may change the folded view.
    this.stream = new RunStream(
      runId,
      {
        onEvent: () => this.scheduleRefetch(),
        onDelta: () => undefined,
        onState: (state) => {
          if (state === 'live' || state === 'connecting' || state === 'reconnecting') this.live.set(state);
          else if (state === 'ended') {
            this.live.set('ended');
            void this.refetch();
          } else this.startPolling();
        },
        onSignedOut: () => this.api.signInAgain(),
      },
      (this.view()?.run.last_seq ?? 0) + 1,
    );
    this.stream.start();
  }

  private stop(): void {
    this.stream?.stop();
    this.stream = null;
    clearTimeout(this.pending);
    this.pending = undefined;
    clearTimeout(this.poll);
  }

  /** At most one refetch per burst window: a steady flow of events still refreshes the view every window. */
  private scheduleRefetch(): void {
    if (this.pending !== undefined) return;
    this.pending = setTimeout(() => {
      this.pending = undefined;
      void this.refetch();
    }, REFETCH_WINDOW_MS);
  }

  /** The stream could not be followed: poll the view until the run ends. */
  private startPolling(): void {
    this.live.set('polling');
    const tick = async () => {
      await this.refetch();
      if (!this.terminal()) this.poll = setTimeout(() => void tick(), POLL_MS);
      else this.live.set('ended');
    };
    clearTimeout(this.poll);
    this.poll = setTimeout(() => void tick(), POLL_MS);
  }

  async refetch(): Promise<void> {
    const mine = ++this.fetchSeq;
    const runId = this.runId();
    try {
      const v = await this.api.getResearch(runId);
      if (mine !== this.fetchSeq) return;
      this.view.set(v);
      this.error.set(null);
    } catch (err) {
      if (mine === this.fetchSeq) this.error.set(`Could not load the research: ${errorText(err)}`);
    }
  }

  /** Cancel, or resume after a budget paused the run; the stream then brings the new state. */
  protected async cancel(): Promise<void> {
    await this.act(() => this.api.cancelRun(this.runId()), 'Not cancelled');
  }

  protected async resume(): Promise<void> {
    await this.act(() => this.api.resumeRun(this.runId()), 'Not resumed');
  }

  private async act(call: () => Promise<unknown>, failed: string): Promise<void> {
    this.acting.set(true);
    try {
      await call();
      await this.refetch();
      // A resumed run goes on: follow it again if the stream had ended.
      if (!this.terminal() && this.live() === 'ended') void this.open(this.runId());
    } catch (err) {
      this.error.set(`${failed}: ${errorText(err)}`);
    } finally {
      this.acting.set(false);
    }
  }

  protected select(id: string): void {
    this.selectedId.set(this.selectedId() === id ? null : id);
  }

  protected stageLabel = (s: ResearchView['stage']) => STAGE_LABEL[s];
  protected stateLabel = (s: string) => RESEARCH_STATE_LABEL[s] ?? s;
  protected kindLabel = (k: string) => ({ question: 'Question', sub_question: 'Sub-question', source: 'Source', claim: 'Claim' })[k] ?? k;
  protected duration = formatDuration;
  // (Not Angular's PercentPipe: it would add its formatting code to the initial bundle for this one number.)
  protected percent = (ratio: number) => `${Math.round(ratio * 100)}%`;
  protected subQuestionsText = (list: number[]) => (list.length ? list.map((n) => `Q${n}`).join(', ') : '—');
  protected sourcesText(v: ResearchView): string {
    const s = v.request.sources;
    return [s.documents ? 'documents' : '', s.web ? `web (${s.web.kind})` : '', ...s.mcp_tools].filter(Boolean).join(', ') || 'no sources';
  }
}
