import { DatePipe } from '@angular/common';
import {
  ChangeDetectionStrategy,
  Component,
  DestroyRef,
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
import type { GraphSpec, NodeState, NodeValue, RunEvent } from '@omniai/contracts';
import { projectNodeStates } from '@omniai/graphs';
import { ApiClient } from '../core/api-client';
import { errorText } from '../core/api-error';
import { RunSession } from '../core/run-session';
import { ticking } from '../shared/clock';
import { JsonTreeComponent } from '../shared/json-tree.component';
import { summarize } from '../timeline/event-summary';
import { formatDuration } from '../shared/duration';
import { GraphCanvasComponent, STATUS_LABEL } from './graph-canvas.component';
import { autoLayout, needsLayout } from './graph-model';

/**
 * A graph run: the pinned version's graph, read-only, each node coloured by its state folded from the run's events
 * (`projectNodeStates`, live over the run's SSE stream), with duration and cost; click a node for its events and
 * output in the drawer. A node waiting for approval links to the approvals inbox.
 */
@Component({
  selector: 'omni-graph-run-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [DatePipe, RouterLink, GraphCanvasComponent, JsonTreeComponent],
  template: `
    <div class="run-page" data-testid="graph-run" [attr.data-run-status]="session()?.run()?.status ?? null">
      <header class="bar">
        <a class="small" [routerLink]="['/projects', projectId(), 'workflows', graphId()]" data-testid="back-to-builder">← {{ spec()?.name ?? 'Workflow' }}</a>
        @if (session(); as s) {
          <h1>
            Run <code>{{ s.run().id.slice(0, 8) }}</code>
          </h1>
          <span class="status-pill" [attr.data-status]="s.run().status" data-testid="graph-run-status">
            <span class="status-dot" [attr.data-status]="s.run().status"></span> {{ s.run().status }}
          </span>
          <span class="muted small">
            v{{ s.run().graph?.version }} · started {{ s.run().created_at | date: 'medium' }}
            @if (s.run().cost_usd > 0) {
              · \${{ s.run().cost_usd.toFixed(4) }}
            }
            · stream {{ s.streamState() }}
          </span>
          <span class="spacer"></span>
          <span class="small muted" data-testid="graph-run-progress">{{ progress() }}</span>
          @if (!s.terminal()) {
            <button type="button" class="btn small danger" (click)="cancel()" [disabled]="cancelling()" data-testid="graph-run-cancel">
              {{ cancelling() ? 'Cancelling…' : 'Cancel run' }}
            </button>
          }
        }
      </header>
      @if (error(); as err) {
        <div class="banner error" role="alert" data-testid="graph-run-error">{{ err }}</div>
      }
      @if (session()?.run()?.error; as e) {
        <div class="banner error" role="alert" data-testid="graph-run-failure">{{ e.code }}: {{ e.message }}</div>
      }
      @for (w of waiting(); track w.node_id) {
        <div class="banner wait" role="status" data-testid="graph-run-waiting">
          <strong>{{ w.node_id }}</strong> waits for a reviewer.
          @if (w.approval_id) {
            <a routerLink="/approvals" [queryParams]="{ id: w.approval_id }" data-testid="graph-run-open-inbox">Open in the approvals inbox</a>
          } @else {
            <a routerLink="/approvals" data-testid="graph-run-open-inbox">Open the approvals inbox</a>
          }
        </div>
      }
      <div class="panes">
        <section class="stage" aria-label="Graph">
          @if (spec(); as sp) {
            <omni-graph-canvas
              class="fill"
              [spec]="sp"
              [editable]="false"
              [states]="states()"
              [now]="now()"
              [selectedNodes]="selected()"
              (nodeSelected)="select($event.id)"
              (cleared)="selectedId.set(null)"
            />
          } @else {
            <div class="skeleton fill" aria-busy="true"><span class="visually-hidden">Loading the run…</span></div>
          }
        </section>
        <aside class="drawer" aria-label="Node details" data-testid="node-drawer">
          @if (selectedState(); as st) {
            <h2>
              <code>{{ st.node_id }}</code> <span class="muted small">{{ st.kind }}</span>
            </h2>
            <dl class="facts tight">
              <dt>State</dt>
              <dd data-testid="node-drawer-status" [attr.data-status]="st.status">{{ label(st.status) }}</dd>
              <dt>Attempts</dt>
              <dd>{{ st.attempts }}</dd>
              <dt>Duration</dt>
              <dd>{{ duration(st) || '—' }}</dd>
              <dt>Cost</dt>
              <dd>\${{ st.cost_usd.toFixed(6) }}</dd>
              @if (st.port) {
                <dt>Left by</dt>
                <dd>
                  <code>{{ st.port }}</code>
                </dd>
              }
              @if (st.child_run_id) {
                <dt>Child run</dt>
                <dd>
                  <code>{{ st.child_run_id.slice(0, 8) }}</code>
                </dd>
              }
              @if (st.approval_id) {
                <dt>Approval</dt>
                <dd>
                  <a routerLink="/approvals" [queryParams]="{ id: st.approval_id }" data-testid="node-drawer-approval">open in the inbox</a>
                </dd>
              }
            </dl>
            @if (st.error; as e) {
              <p class="error-text small" data-testid="node-drawer-error">{{ e.code }}: {{ e.message }}</p>
            }
            <h3>Output</h3>
            @if (st.output; as out) {
              <div data-testid="node-drawer-output">
                @if (inlineOf(out); as v) {
                  <omni-json-tree [value]="v.inline" />
                } @else if (artifactOf(out); as a) {
                  <p class="small">{{ a.preview }}…</p>
                  <p class="muted small">
                    Stored as an artifact ({{ a.artifact.size_bytes.toLocaleString() }} bytes, <code>{{ a.artifact.sha256.slice(0, 12) }}</code>).
                  </p>
                }
              </div>
            } @else {
              <p class="muted small">None yet.</p>
            }
            <h3>Events</h3>
            <ol class="events" data-testid="node-drawer-events">
              @for (e of nodeEvents(); track e.seq) {
                <li [attr.data-kind]="e.kind">
                  <details>
                    <summary class="small">
                      <code>#{{ e.seq }}</code> {{ summary(e) }}
                    </summary>
                    <omni-json-tree [value]="e.payload" />
                  </details>
                </li>
              }
            </ol>
          } @else {
            <h2>Nodes</h2>
            <p class="muted small">Click a node for its events and output.</p>
            <ul class="legend">
              @for (s of legend; track s) {
                <li><span class="swatch" [attr.data-status]="s"></span>{{ label(s) }} · {{ count(s) }}</li>
              }
            </ul>
          }
        </aside>
      </div>
    </div>
  `,
  styles: `
    :host {
      display: block;
      height: 100%;
    }
    .run-page {
      display: flex;
      flex-direction: column;
      height: 100%;
    }
    .bar {
      display: flex;
      align-items: center;
      gap: 12px;
      padding: 8px 16px;
      border-bottom: 1px solid var(--border);
      background: var(--surface);
      flex-wrap: wrap;
    }
    .bar h1 {
      font-size: 16px;
      margin: 0;
    }
    .bar a {
      text-decoration: none;
    }
    .spacer {
      flex: 1;
    }
    .banner {
      margin: 8px 16px 0;
    }
    .banner.wait {
      background: var(--warn-bg);
      color: var(--text);
      border: 1px solid var(--warn);
    }
    .panes {
      flex: 1;
      min-height: 0;
      display: grid;
      grid-template-columns: minmax(0, 1fr) 360px;
      margin-top: 8px;
    }
    .stage {
      position: relative;
      min-height: 0;
      background: var(--bg);
    }
    .fill {
      position: absolute;
      inset: 0;
    }
    .drawer {
      border-left: 1px solid var(--border);
      background: var(--surface);
      padding: 12px 14px;
      overflow: auto;
    }
    .drawer h3 {
      font-size: 12px;
      text-transform: uppercase;
      letter-spacing: 0.05em;
      color: var(--muted);
      margin: 14px 0 4px;
    }
    .events {
      list-style: none;
      margin: 0;
      padding: 0;
      display: grid;
      gap: 4px;
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
      border: 1.5px solid var(--border);
      background: var(--surface);
    }
    .swatch[data-status='running'] {
      border-color: var(--accent);
    }
    .swatch[data-status='waiting_approval'] {
      border-color: var(--warn);
      background: var(--warn-bg);
    }
    .swatch[data-status='completed'] {
      border-color: var(--ok);
      background: var(--ok-bg);
    }
    .swatch[data-status='failed'] {
      border-color: var(--bad);
      background: var(--bad-bg);
    }
    .swatch[data-status='skipped'] {
      border-style: dashed;
    }
  `,
})
export class GraphRunPageComponent {
  readonly projectId = input.required<string>();
  readonly graphId = input.required<string>();
  readonly runId = input.required<string>();
  private readonly api = inject(ApiClient);
  private readonly injector = inject(Injector);
  private readonly canvas = viewChild(GraphCanvasComponent);
  protected readonly now = ticking(1000);
  protected readonly session = signal<RunSession | null>(null);
  protected readonly spec = signal<GraphSpec | null>(null);
  protected readonly error = signal<string | null>(null);
  protected readonly cancelling = signal(false);
  protected readonly selectedId = signal<string | null>(null);
  protected readonly selected = computed(() => new Set(this.selectedId() ? [this.selectedId()!] : []));
  protected readonly legend = ['pending', 'running', 'waiting_approval', 'completed', 'failed', 'skipped'];

  protected readonly stateList = computed<NodeState[]>(() => {
    const spec = this.spec();
    const s = this.session();
    if (!spec || !s) return [];
    try {
      return projectNodeStates(spec, s.events());
    } catch {
      return [];
    }
  });
  protected readonly states = computed(() => new Map(this.stateList().map((st) => [st.node_id, st])));
  protected readonly selectedState = computed(() => (this.selectedId() ? (this.states().get(this.selectedId()!) ?? null) : null));
  protected readonly waiting = computed(() => (this.session()?.terminal() ? [] : this.stateList().filter((st) => st.status === 'waiting_approval')));
  protected readonly nodeEvents = computed<RunEvent[]>(() => {
    const st = this.selectedState();
    const s = this.session();
    if (!st || !s) return [];
    const seqs = new Set(st.seqs);
    return s.events().filter((e) => seqs.has(e.seq));
  });
  protected readonly progress = computed(() => {
    const list = this.stateList();
    const done = list.filter((s) => s.status === 'completed' || s.status === 'skipped').length;
    return list.length ? `${done} of ${list.length} nodes done` : '';
  });

  constructor() {
    effect(() => {
      const runId = this.runId();
      const graphId = this.graphId();
      untracked(() => void this.load(graphId, runId));
    });
    inject(DestroyRef).onDestroy(() => this.session()?.close());
  }

  private async load(graphId: string, runId: string): Promise<void> {
    this.session()?.close();
    this.session.set(null);
    this.spec.set(null);
    this.selectedId.set(null);
    this.error.set(null);
    try {
      const run = await this.api.getRun(runId);
      const version = run.graph?.version;
      if (!version) throw new Error('This run is not a graph run.');
      const v = await this.api.getGraphVersion(run.graph?.graph_id ?? graphId, version);
      this.spec.set(needsLayout(v.spec) ? autoLayout(v.spec) : v.spec);
      const session = new RunSession(run, this.api);
      this.session.set(session);
      void session.open();
      afterNextRender(() => setTimeout(() => this.canvas()?.fit(), 50), { injector: this.injector });
    } catch (err) {
      this.error.set(`Could not load the run: ${errorText(err)}`);
    }
  }

  protected select(id: string): void {
    this.selectedId.set(this.selectedId() === id ? null : id);
  }

  protected async cancel(): Promise<void> {
    const s = this.session();
    if (!s) return;
    this.cancelling.set(true);
    try {
      s.run.set(await this.api.cancelRun(s.run().id));
    } catch (err) {
      this.error.set(`Not cancelled: ${errorText(err)}`);
    } finally {
      this.cancelling.set(false);
    }
  }

  protected label = (s: string) => STATUS_LABEL[s] ?? s;
  protected summary = summarize;
  protected count = (status: string) => this.stateList().filter((s) => s.status === status).length;
  protected duration(st: NodeState): string {
    if (st.duration_ms !== null) return formatDuration(st.duration_ms);
    if (st.started_at && !st.ended_at) return formatDuration(Math.max(0, this.now() - Date.parse(st.started_at)));
    return '';
  }
  protected inlineOf = (v: NodeValue) => ('inline' in v ? v : null);
  protected artifactOf = (v: NodeValue) => ('artifact' in v ? v : null);
}
