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
import { Router, RouterLink } from '@angular/router';
import type { GraphDetail, GraphIssue, GraphNodeKind, GraphSpec, GraphTemplate, RegisteredTool } from '@omniai/contracts';
import { validateGraph } from '@omniai/graphs';
import { ApiClient } from '../core/api-client';
import { ApiError, errorText } from '../core/api-error';
import { SessionStore } from '../core/session.store';
import { WorkspaceStore } from '../core/workspace.store';
import { GraphCanvasComponent, PALETTE_MIME } from './graph-canvas.component';
import {
  History,
  NODE_KINDS,
  addNode,
  autoLayout,
  blankSpec,
  connect,
  defaultNode,
  freshNodeId,
  issuesByNode,
  mergeIssues,
  moveNode,
  needsLayout,
  removeEdges,
  removeNodes,
  renameNode,
  replaceNode,
  sampleFromSchema,
  setEdgeCondition,
} from './graph-model';
import { EdgeInspectorComponent } from './edge-inspector.component';
import { GraphSettingsComponent } from './graph-settings.component';
import { NodeInspectorComponent } from './node-inspector.component';
import { RunDialogComponent } from './run-dialog.component';
import { VersionHistoryComponent } from './version-history.component';
import { TriggersPanelComponent } from '../triggers/triggers-panel.component';
import type { TriggerOwner } from '../triggers/trigger-drafts';

const VALIDATE_DEBOUNCE_MS = 500;
/** Where a template's sample input is kept for the graph made from it (the run dialog's prefill). */
export const sampleKey = (graphId: string) => `omni.graph.sample.${graphId}`;

/**
 * The workflow builder: a palette (drag a kind onto the canvas, or click it to add), the canvas (drag from a port to
 * connect), the inspector of the selection (or the graph's settings), live issues (validateGraph in the browser for
 * structure, the API's validate for tools and policy), undo/redo, save as a new version, version history with a diff,
 * and Run. Keyboard: Ctrl+Z / Ctrl+Shift+Z (or Ctrl+Y), Delete removes the selection, arrows move a focused node,
 * Escape clears the selection.
 */
@Component({
  selector: 'omni-graph-builder',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [
    RouterLink,
    GraphCanvasComponent,
    NodeInspectorComponent,
    EdgeInspectorComponent,
    GraphSettingsComponent,
    VersionHistoryComponent,
    RunDialogComponent,
    TriggersPanelComponent,
  ],
  host: { '(document:keydown)': 'onKey($event)' },
  template: `
    <div class="builder" data-testid="graph-builder">
      <header class="bar">
        <a class="back small" [routerLink]="['/projects', projectId(), 'workflows']" data-testid="back-to-workflows">← Workflows</a>
        <input
          class="name"
          [value]="spec().name"
          (input)="setName($any($event.target).value)"
          aria-label="Workflow name"
          data-testid="graph-name"
          maxlength="120"
        />
        <span class="muted small" data-testid="graph-version">
          @if (detail(); as d) {
            v{{ version() }}{{ dirty() ? ' · unsaved changes' : '' }}
          } @else {
            not saved yet
          }
        </span>
        @if (detail()) {
          <nav class="view-tabs tabs" aria-label="Workflow views">
            <a role="tab" class="tab-link" [routerLink]="[]" [queryParams]="{ tab: null }" [attr.aria-selected]="!onTriggers()" data-testid="tab-builder"
              >Builder</a
            >
            <a role="tab" class="tab-link" [routerLink]="[]" [queryParams]="{ tab: 'triggers' }" [attr.aria-selected]="onTriggers()" data-testid="tab-triggers"
              >Triggers</a
            >
          </nav>
        }
        <span class="spacer"></span>
        @if (!onTriggers()) {
          <button
            type="button"
            class="btn small"
            (click)="undo()"
            [disabled]="!canUndo()"
            aria-keyshortcuts="Control+Z"
            data-testid="undo"
            title="Undo (Ctrl+Z)"
          >
            Undo
          </button>
          <button
            type="button"
            class="btn small"
            (click)="redo()"
            [disabled]="!canRedo()"
            aria-keyshortcuts="Control+Shift+Z"
            data-testid="redo"
            title="Redo (Ctrl+Shift+Z)"
          >
            Redo
          </button>
          <button type="button" class="btn small" (click)="layout()" [disabled]="!spec().nodes.length" data-testid="auto-layout">Auto-layout</button>
          <button type="button" class="btn small" (click)="canvas()?.fit()" data-testid="fit-view">Fit</button>
          @if (detail()) {
            <button
              type="button"
              class="btn small"
              (click)="showHistory.set(!showHistory())"
              [attr.aria-expanded]="showHistory()"
              data-testid="versions-toggle"
            >
              Versions
            </button>
          }
          @if (canWrite()) {
            <input
              class="note"
              [value]="note()"
              (input)="note.set($any($event.target).value)"
              placeholder="Version note"
              aria-label="Version note"
              data-testid="save-note"
              maxlength="500"
            />
            <button type="button" class="btn small primary" (click)="save()" [disabled]="saving() || (!dirty() && !!detail())" data-testid="save-graph">
              {{ saving() ? 'Saving…' : detail() ? 'Save version' : 'Save' }}
            </button>
          }
          @if (canRun() && detail()) {
            <button
              type="button"
              class="btn small"
              (click)="showRun.set(true)"
              [disabled]="dirty()"
              [title]="dirty() ? 'Save first: a run pins a saved version' : 'Run the saved version'"
              data-testid="run-graph"
            >
              ▶ Run
            </button>
          }
        }
      </header>
      <p class="visually-hidden" role="status" aria-live="polite" data-testid="builder-status">{{ status() }}</p>
      @if (error(); as err) {
        <div class="banner error" role="alert" data-testid="builder-error">{{ err }}</div>
      }

      @if (onTriggers() && triggerOwner(); as owner) {
        <div class="triggers-view">
          <omni-triggers-panel [owner]="owner" />
        </div>
      } @else {
        <div class="panes" [class.with-history]="showHistory()">
          <aside class="palette" aria-label="Node kinds">
            <h2>Add a node</h2>
            <p class="muted small">Drag onto the canvas, or click to add.</p>
            <ul>
              @for (k of kinds; track k.kind) {
                <li>
                  <button
                    type="button"
                    class="pal-item"
                    draggable="true"
                    [disabled]="!canWrite()"
                    (dragstart)="onPaletteDrag($event, k.kind)"
                    (click)="addAt(k.kind, null)"
                    [attr.data-testid]="'palette-' + k.kind"
                    [attr.aria-label]="'Add a ' + k.label + ' node'"
                    [title]="k.hint"
                  >
                    <span class="glyph" aria-hidden="true">{{ k.glyph }}</span>
                    <span>
                      <strong>{{ k.label }}</strong>
                      <span class="muted small hint">{{ k.hint }}</span>
                    </span>
                  </button>
                </li>
              }
            </ul>
          </aside>

          <section class="stage" aria-label="Canvas">
            @if (loading()) {
              <div class="skeleton fill" aria-busy="true"><span class="visually-hidden">Loading the workflow…</span></div>
            } @else {
              <omni-graph-canvas
                class="fill"
                [spec]="spec()"
                [editable]="canWrite()"
                [issues]="nodeIssues()"
                [selectedNodes]="selectedNodes()"
                [selectedEdges]="selectedEdges()"
                (moved)="onMoved($event)"
                (connected)="onConnected($event)"
                (nodeSelected)="selectNode($event.id, $event.additive)"
                (edgeSelected)="selectEdge($event.index, $event.additive)"
                (cleared)="clearSelection()"
                (dropped)="addAt($event.kind, $event.position)"
                (nodeKey)="onNodeKey($event.id, $event.event)"
              />
              @if (!spec().nodes.length) {
                <div class="hint-empty muted" data-testid="canvas-empty">Drag a node from the palette to start.</div>
              }
            }
          </section>

          <aside class="side" aria-label="Inspector">
            @if (selectedNode(); as n) {
              <omni-node-inspector
                [node]="n"
                [edges]="spec().edges"
                [nodeIds]="nodeIds()"
                [tools]="tools()"
                [issues]="nodeIssues().get(n.id) ?? []"
                (changed)="apply(replaceNode(spec(), $event.node), $event.coalesce)"
                (renamed)="rename($event.from, $event.to)"
                (connect)="onConnected({ from: n.id, port: $event.port, to: $event.to })"
                (disconnect)="deleteEdges([$event])"
              />
              <button type="button" class="btn small danger" (click)="deleteSelection()" data-testid="delete-node">Delete node</button>
            } @else if (selectedEdge(); as se) {
              <omni-edge-inspector
                [edge]="se.edge"
                [index]="se.index"
                [editable]="canWrite()"
                [issues]="edgeIssues(se.index)"
                (changed)="setCondition(se.index, $event.condition, $event.coalesce)"
                (deleted)="deleteSelection()"
              />
            } @else if (selectedEdges().size) {
              <div data-testid="edges-inspector">
                <h2>{{ selectedEdges().size === 1 ? 'Edge' : selectedEdges().size + ' edges' }}</h2>
                @for (i of selectedEdgeList(); track i) {
                  @if (spec().edges[i]; as e) {
                    <p class="small">
                      <code>{{ e.from }}</code> —{{ e.port }}→ <code>{{ e.to }}</code>
                    </p>
                  }
                }
                <button type="button" class="btn small danger" (click)="deleteSelection()" data-testid="delete-edge">Delete</button>
              </div>
            } @else {
              <omni-graph-settings [spec]="spec()" (changed)="apply($event.spec, $event.coalesce)" />
            }

            <section class="issues" aria-label="Issues" data-testid="graph-issues" [attr.data-errors]="errorCount()">
              <h2>
                Issues
                <span class="muted small" data-testid="graph-issues-summary">{{ issueSummary() }}</span>
              </h2>
              @if (issues().length === 0) {
                <p class="ok small" data-testid="graph-valid">No issues: ready to save and run.</p>
              }
              <ul>
                @for (i of issues(); track $index) {
                  <li [attr.data-severity]="i.severity" data-testid="graph-issue" [attr.data-code]="i.code">
                    <button type="button" class="linkish" (click)="focusIssue(i)">
                      <span class="sev">{{ i.severity }}</span>
                      @if (i.node_id) {
                        <code>{{ i.node_id }}</code>
                      }
                      {{ i.message }}
                    </button>
                  </li>
                }
              </ul>
            </section>
          </aside>

          @if (showHistory() && detail(); as d) {
            <aside class="history" aria-label="Versions">
              <omni-version-history
                [graphId]="d.graph.id"
                [current]="version()"
                [refresh]="version()"
                (open)="openVersion($event)"
                (closed)="showHistory.set(false)"
              />
            </aside>
          }
        </div>
      }
    </div>

    @if (showRun() && detail(); as d) {
      <omni-run-dialog
        [graphId]="d.graph.id"
        [version]="version()"
        [initialInput]="sampleInput()"
        (closed)="showRun.set(false)"
        (started)="onStarted($event)"
      />
    }
  `,
  styles: `
    :host {
      display: block;
      height: 100%;
    }
    .builder {
      display: flex;
      flex-direction: column;
      height: 100%;
    }
    .bar {
      display: flex;
      align-items: center;
      gap: 8px;
      padding: 8px 16px;
      border-bottom: 1px solid var(--border);
      background: var(--surface);
      flex-wrap: wrap;
    }
    .back {
      text-decoration: none;
    }
    .name {
      font: inherit;
      font-weight: 700;
      font-size: 16px;
      border: 1px solid transparent;
      background: transparent;
      color: var(--text);
      border-radius: 6px;
      padding: 3px 6px;
      min-width: 220px;
    }
    .name:hover,
    .name:focus {
      border-color: var(--border);
      background: var(--bg);
    }
    .note {
      font: inherit;
      font-size: 12.5px;
      border: 1px solid var(--border);
      background: var(--bg);
      color: var(--text);
      border-radius: 8px;
      padding: 3px 8px;
      width: 180px;
    }
    .spacer {
      flex: 1;
    }
    .view-tabs {
      margin: -8px 0;
      padding: 0;
      border-bottom: 0;
    }
    .view-tabs .tab-link {
      padding: 12px 10px;
      border-bottom: 2px solid transparent;
    }
    .view-tabs .tab-link[aria-selected='true'] {
      color: var(--text);
      border-bottom-color: var(--accent);
      font-weight: 600;
    }
    .triggers-view {
      flex: 1;
      min-height: 0;
      overflow: auto;
      padding: 16px 20px 40px;
      background: var(--bg);
    }
    .triggers-view omni-triggers-panel {
      max-width: 1100px;
      margin: 0 auto;
    }
    .btn:disabled {
      opacity: 0.5;
      cursor: default;
    }
    .panes {
      flex: 1;
      min-height: 0;
      display: grid;
      grid-template-columns: 200px minmax(0, 1fr) 330px;
    }
    .panes.with-history {
      grid-template-columns: 200px minmax(0, 1fr) 330px 300px;
    }
    .palette,
    .side,
    .history {
      overflow: auto;
      background: var(--surface);
      padding: 12px;
    }
    .palette {
      border-right: 1px solid var(--border);
    }
    .side,
    .history {
      border-left: 1px solid var(--border);
      display: flex;
      flex-direction: column;
      gap: 14px;
    }
    .palette ul,
    .issues ul {
      list-style: none;
      margin: 8px 0 0;
      padding: 0;
      display: grid;
      gap: 4px;
    }
    .pal-item {
      display: flex;
      gap: 8px;
      align-items: flex-start;
      width: 100%;
      text-align: left;
      font: inherit;
      font-size: 13px;
      background: var(--bg);
      color: var(--text);
      border: 1px solid var(--border);
      border-radius: 8px;
      padding: 6px 8px;
      cursor: grab;
    }
    .pal-item:hover {
      border-color: var(--accent);
    }
    .pal-item .hint {
      display: block;
      font-size: 11px;
      line-height: 1.3;
    }
    .glyph {
      display: inline-grid;
      place-items: center;
      width: 20px;
      height: 20px;
      border-radius: 5px;
      background: var(--surface-2);
      flex: none;
      font-size: 12px;
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
    .hint-empty {
      position: absolute;
      top: 40%;
      width: 100%;
      text-align: center;
      pointer-events: none;
    }
    .issues h2 {
      display: flex;
      gap: 8px;
      align-items: baseline;
    }
    .issues li {
      font-size: 12.5px;
    }
    .issues .linkish {
      text-align: left;
      display: inline;
    }
    .sev {
      font-size: 10px;
      text-transform: uppercase;
      padding: 0 5px;
      border-radius: 5px;
      background: var(--bad-bg);
      color: var(--bad);
      margin-right: 4px;
    }
    li[data-severity='warning'] .sev {
      background: var(--warn-bg);
      color: var(--warn);
    }
    .ok {
      color: var(--ok);
      margin: 4px 0 0;
    }
  `,
})
export class GraphBuilderComponent {
  readonly projectId = input.required<string>();
  /** A graph's id, or `new`. */
  readonly graphId = input.required<string>();
  /** `?template=`: start a new graph from this template. */
  readonly template = input<string>();
  /** `?tab=triggers`: the graph's schedules and webhooks instead of the builder. */
  readonly tab = input<string>();

  private readonly api = inject(ApiClient);
  private readonly router = inject(Router);
  private readonly session = inject(SessionStore);
  private readonly injector = inject(Injector);
  protected readonly store = inject(WorkspaceStore);
  protected readonly canvas = viewChild(GraphCanvasComponent);
  protected readonly kinds = NODE_KINDS;
  protected readonly replaceNode = replaceNode;

  private readonly history = new History<GraphSpec>(blankSpec());
  protected readonly spec = signal<GraphSpec>(blankSpec());
  protected readonly canUndo = signal(false);
  protected readonly canRedo = signal(false);
  protected readonly detail = signal<GraphDetail | null>(null);
  protected readonly version = signal(0);
  /** The spec as last saved or loaded (dirty = the editor's differs). */
  private readonly savedSpec = signal<GraphSpec | null>(null);
  protected readonly dirty = computed(() => this.savedSpec() !== this.spec());
  protected readonly loading = signal(true);
  protected readonly error = signal<string | null>(null);
  protected readonly status = signal('');
  protected readonly note = signal('');
  protected readonly saving = signal(false);
  protected readonly showHistory = signal(false);
  protected readonly showRun = signal(false);
  protected readonly tools = signal<RegisteredTool[]>([]);
  protected readonly templateSample = signal<unknown>(undefined);

  protected readonly selectedNodes = signal<ReadonlySet<string>>(new Set());
  protected readonly selectedEdges = signal<ReadonlySet<number>>(new Set());
  protected readonly selectedEdgeList = computed(() => [...this.selectedEdges()]);
  protected readonly selectedNode = computed(() => {
    const ids = this.selectedNodes();
    if (ids.size !== 1) return null;
    const [id] = ids;
    return this.spec().nodes.find((n) => n.id === id) ?? null;
  });
  /** The one selected edge (with nothing else selected): the edge inspector's. */
  protected readonly selectedEdge = computed(() => {
    const indices = this.selectedEdges();
    if (indices.size !== 1 || this.selectedNodes().size) return null;
    const index = [...indices][0]!;
    const edge = this.spec().edges[index];
    return edge ? { index, edge } : null;
  });
  protected readonly nodeIds = computed(() => this.spec().nodes.map((n) => n.id));

  protected readonly onTriggers = computed(() => this.tab() === 'triggers' && !!this.detail());
  protected readonly triggerOwner = computed<TriggerOwner | null>(() => {
    const d = this.detail();
    return d ? { kind: 'graph', projectId: this.projectId(), graphId: d.graph.id } : null;
  });
  protected readonly canWrite = computed(() => this.session.can('operate', this.projectId()));
  protected readonly canRun = computed(() => this.session.can('operate', this.projectId()));

  /** Structure, checked in the browser on every edit. */
  private readonly localIssues = computed<GraphIssue[]>(() => {
    const spec = this.spec();
    if (!spec.nodes.length) return [];
    try {
      return validateGraph(spec);
    } catch {
      return [];
    }
  });
  /** Tools, policy and schemas: the API's answer for the spec as it was (debounced). */
  private readonly remote = signal<{ spec: GraphSpec; issues: GraphIssue[] } | null>(null);
  protected readonly issues = computed(() => {
    const remote = this.remote();
    // The server's answer for an older spec still names the tool and policy problems; structure comes from here.
    return mergeIssues(this.localIssues(), remote?.issues ?? []);
  });
  protected readonly nodeIssues = computed(() => issuesByNode(this.issues()));
  protected readonly errorCount = computed(() => this.issues().filter((i) => i.severity === 'error').length);
  protected readonly issueSummary = computed(() => {
    const e = this.errorCount();
    const w = this.issues().length - e;
    return `${e} error${e === 1 ? '' : 's'}, ${w} warning${w === 1 ? '' : 's'}`;
  });
  protected readonly sampleInput = computed(() => {
    const stored = this.templateSample();
    if (stored !== undefined) return stored;
    return sampleFromSchema(this.savedSpec()?.input_schema ?? this.spec().input_schema);
  });

  constructor() {
    this.store.ensureProjects();
    void this.api.listTools().then(
      (r) => this.tools.set(r.items),
      () => this.tools.set([]),
    );
    effect(() => {
      const id = this.graphId();
      const template = this.template();
      untracked(() => void this.load(id, template));
    });
    let timer: ReturnType<typeof setTimeout> | null = null;
    let seq = 0;
    effect(() => {
      const spec = this.spec();
      const projectId = this.projectId();
      if (timer) clearTimeout(timer);
      if (!spec.nodes.length) return;
      timer = setTimeout(() => {
        const mine = ++seq;
        this.api.validateGraph(projectId, spec).then(
          (v) => {
            if (mine === seq) this.remote.set({ spec, issues: v.issues });
          },
          () => {
            // The API is away or refuses: the browser's structure check still shows.
          },
        );
      }, VALIDATE_DEBOUNCE_MS);
    });
    inject(DestroyRef).onDestroy(() => timer && clearTimeout(timer));
  }

  private async load(graphId: string, templateId: string | undefined): Promise<void> {
    this.loading.set(true);
    this.error.set(null);
    this.clearSelection();
    try {
      if (graphId === 'new') {
        let spec = blankSpec();
        this.templateSample.set(undefined);
        if (templateId) {
          const templates: GraphTemplate[] = await this.api.listGraphTemplates(this.projectId());
          const t = templates.find((x) => x.id === templateId);
          if (t) {
            spec = structuredClone(t.spec);
            this.templateSample.set(t.sample_input);
          }
        }
        this.detail.set(null);
        this.version.set(0);
        this.reset(needsLayout(spec) ? autoLayout(spec) : spec, false);
      } else {
        const d = await this.api.getGraph(graphId);
        this.detail.set(d);
        this.version.set(d.version.version);
        const stored = sessionStorage.getItem(sampleKey(graphId));
        this.templateSample.set(stored ? (JSON.parse(stored) as unknown) : undefined);
        const spec = d.version.spec;
        this.reset(needsLayout(spec) ? autoLayout(spec) : spec, true);
      }
    } catch (err) {
      this.error.set(`Could not load the workflow: ${errorText(err)}`);
    } finally {
      this.loading.set(false);
      afterNextRender(() => setTimeout(() => this.canvas()?.fit(), 50), { injector: this.injector });
    }
  }

  /** Shows `spec` with nothing to undo; `saved` when it is the stored version. */
  private reset(spec: GraphSpec, saved: boolean): void {
    this.history.reset(spec);
    this.spec.set(spec);
    this.savedSpec.set(saved ? spec : null);
    this.remote.set(null);
    this.syncHistory();
  }

  /** Records an edit (one undo step; edits with the same `coalesce` key in a row are one). */
  protected apply(next: GraphSpec | null, coalesce?: string): void {
    if (!next || next === this.spec()) return;
    this.history.push(next, coalesce);
    this.spec.set(next);
    this.syncHistory();
  }

  private syncHistory(): void {
    this.canUndo.set(this.history.canUndo);
    this.canRedo.set(this.history.canRedo);
  }

  protected undo(): void {
    const prev = this.history.undo();
    if (!prev) return;
    this.spec.set(prev);
    this.pruneSelection();
    this.syncHistory();
    this.status.set('Undone.');
  }

  protected redo(): void {
    const next = this.history.redo();
    if (!next) return;
    this.spec.set(next);
    this.pruneSelection();
    this.syncHistory();
    this.status.set('Redone.');
  }

  protected setName(name: string): void {
    this.apply({ ...this.spec(), name }, 'graph:name');
  }

  protected layout(): void {
    this.apply(autoLayout(this.spec()));
    afterNextRender(() => setTimeout(() => this.canvas()?.fit(), 30), { injector: this.injector });
  }

  protected addAt(kind: GraphNodeKind, position: { x: number; y: number } | null): void {
    if (!this.canWrite()) return;
    const spec = this.spec();
    const id = freshNodeId(spec, kind);
    const at = position ?? this.canvas()?.freeSpot() ?? { x: 40, y: 80 };
    const node = defaultNode(kind, id, at);
    this.apply(addNode(spec, node));
    this.selectedNodes.set(new Set([id]));
    this.selectedEdges.set(new Set());
    this.status.set(`Added ${kind} node ${id}.`);
  }

  protected onPaletteDrag(ev: DragEvent, kind: GraphNodeKind): void {
    ev.dataTransfer?.setData(PALETTE_MIME, kind);
    ev.dataTransfer?.setData('text/plain', kind);
    if (ev.dataTransfer) ev.dataTransfer.effectAllowed = 'copy';
  }

  protected onMoved(ev: { id: string; position: { x: number; y: number } }): void {
    const node = this.spec().nodes.find((n) => n.id === ev.id);
    if (!node || (node.position && Math.round(node.position.x) === Math.round(ev.position.x) && Math.round(node.position.y) === Math.round(ev.position.y)))
      return;
    this.apply(moveNode(this.spec(), ev.id, ev.position));
  }

  protected onConnected(ev: { from: string; port: string; to: string }): void {
    const next = connect(this.spec(), ev.from, ev.port, ev.to);
    if (!next) return;
    this.apply(next);
    this.status.set(`Connected ${ev.from} (${ev.port}) to ${ev.to}.`);
  }

  protected rename(from: string, to: string): void {
    const next = renameNode(this.spec(), from, to);
    if (!next) return;
    this.apply(next);
    this.selectedNodes.set(new Set([to]));
  }

  protected selectNode(id: string, additive: boolean): void {
    const next = new Set(additive ? this.selectedNodes() : []);
    if (additive && next.has(id)) next.delete(id);
    else next.add(id);
    this.selectedNodes.set(next);
    if (!additive) this.selectedEdges.set(new Set());
  }

  protected selectEdge(index: number, additive: boolean): void {
    const next = new Set(additive ? this.selectedEdges() : []);
    if (additive && next.has(index)) next.delete(index);
    else next.add(index);
    this.selectedEdges.set(next);
    if (!additive) this.selectedNodes.set(new Set());
  }

  protected clearSelection(): void {
    if (this.selectedNodes().size) this.selectedNodes.set(new Set());
    if (this.selectedEdges().size) this.selectedEdges.set(new Set());
  }

  private pruneSelection(): void {
    const ids = new Set(this.nodeIds());
    this.selectedNodes.set(new Set([...this.selectedNodes()].filter((id) => ids.has(id))));
    this.selectedEdges.set(new Set([...this.selectedEdges()].filter((i) => i < this.spec().edges.length)));
  }

  protected edgeIssues(index: number): GraphIssue[] {
    return this.issues().filter((i) => i.edge === index);
  }

  /** Sets (`undefined`: removes) a selected edge's condition, one undo step per `coalesce` run. */
  protected setCondition(index: number, condition: unknown, coalesce: string): void {
    if (!this.canWrite()) return;
    const next = setEdgeCondition(this.spec(), index, condition);
    if (!next) return;
    this.apply(next, coalesce);
    if (condition === undefined) this.status.set('Removed the edge condition.');
  }

  protected deleteEdges(indices: number[]): void {
    this.apply(removeEdges(this.spec(), new Set(indices)));
    this.selectedEdges.set(new Set());
  }

  protected deleteSelection(): void {
    if (!this.canWrite()) return;
    const nodes = this.selectedNodes();
    const edges = this.selectedEdges();
    if (!nodes.size && !edges.size) return;
    let spec = this.spec();
    if (edges.size) spec = removeEdges(spec, edges);
    if (nodes.size) spec = removeNodes(spec, nodes);
    this.apply(spec);
    this.status.set(`Deleted ${[nodes.size ? `${nodes.size} node(s)` : '', edges.size ? `${edges.size} edge(s)` : ''].filter(Boolean).join(' and ')}.`);
    this.clearSelection();
  }

  protected focusIssue(i: GraphIssue): void {
    if (i.node_id && this.nodeIds().includes(i.node_id)) this.selectNode(i.node_id, false);
    else if (i.edge !== null && i.edge < this.spec().edges.length) this.selectEdge(i.edge, false);
  }

  protected onNodeKey(id: string, ev: KeyboardEvent): void {
    const step = ev.shiftKey ? 50 : 10;
    const delta: Record<string, [number, number]> = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, -step], ArrowDown: [0, step] };
    const d = delta[ev.key];
    if (!d || !this.canWrite()) return;
    ev.preventDefault();
    const node = this.spec().nodes.find((n) => n.id === id);
    const p = node?.position ?? { x: 0, y: 0 };
    this.apply(moveNode(this.spec(), id, { x: p.x + d[0], y: p.y + d[1] }), `move:${id}`);
  }

  protected onKey(ev: KeyboardEvent): void {
    if (this.showRun() || this.onTriggers()) return;
    const target = ev.target as HTMLElement | null;
    const typing = !!target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
    const mod = ev.ctrlKey || ev.metaKey;
    const key = ev.key.toLowerCase();
    if (mod && key === 's') {
      ev.preventDefault();
      if (this.canWrite()) void this.save();
      return;
    }
    if (typing) return;
    if (mod && key === 'z') {
      ev.preventDefault();
      if (ev.shiftKey) this.redo();
      else this.undo();
    } else if (mod && key === 'y') {
      ev.preventDefault();
      this.redo();
    } else if (ev.key === 'Delete' || ev.key === 'Backspace') {
      if (!this.selectedNodes().size && !this.selectedEdges().size) return;
      ev.preventDefault();
      this.deleteSelection();
    } else if (ev.key === 'Escape') {
      this.clearSelection();
    }
  }

  protected async save(): Promise<void> {
    if (this.saving()) return;
    this.saving.set(true);
    this.error.set(null);
    const spec = this.spec();
    const note = this.note().trim();
    try {
      const d = this.detail();
      if (!d) {
        const created = await this.api.createGraph(this.projectId(), { spec, note });
        const sample = this.templateSample();
        if (sample !== undefined) sessionStorage.setItem(sampleKey(created.graph.id), JSON.stringify(sample));
        this.savedSpec.set(spec);
        this.status.set(`Saved ${created.graph.name} as version ${created.version.version}.`);
        await this.router.navigate(['/projects', this.projectId(), 'workflows', created.graph.id], { replaceUrl: true });
      } else {
        const v = await this.api.saveGraphVersion(d.graph.id, { spec, note });
        this.version.set(v.version);
        this.detail.set({ ...d, graph: { ...d.graph, latest_version: v.version, name: spec.name }, version: v });
        this.savedSpec.set(spec);
        this.status.set(`Saved version ${v.version}.`);
      }
      this.note.set('');
    } catch (err) {
      const issues = graphIssuesOf(err);
      if (issues) this.remote.set({ spec, issues });
      this.error.set(`Not saved: ${errorText(err)}${issues ? ' (see Issues)' : ''}`);
    } finally {
      this.saving.set(false);
    }
  }

  /** Loads an older version into the editor (one undoable edit; saving makes it the newest version). */
  protected openVersion(spec: GraphSpec): void {
    this.apply(needsLayout(spec) ? autoLayout(spec) : spec);
    this.clearSelection();
    this.status.set('Loaded the version into the editor: save to make it the newest.');
  }

  protected onStarted(runId: string): void {
    this.showRun.set(false);
    const d = this.detail();
    if (d) void this.router.navigate(['/projects', this.projectId(), 'workflows', d.graph.id, 'runs', runId]);
  }
}

/** The node-level issues of an E_GRAPH_INVALID answer. */
function graphIssuesOf(err: unknown): GraphIssue[] | null {
  if (!(err instanceof ApiError)) return null;
  const detail = err.detail as { issues?: unknown } | undefined;
  return Array.isArray(detail?.issues) ? (detail.issues as GraphIssue[]) : null;
}
