import { ChangeDetectionStrategy, Component, computed, effect, input, output, signal, untracked, viewChild, type WritableSignal } from '@angular/core';
import type { GraphIssue, GraphNode, GraphNodeKind, GraphSpec, NodeState } from '@omniai/contracts';
import { type Connection, type Edge, type HtmlTemplateNode, type NodeDragEndEvent, Vflow, VflowComponent } from 'ngx-vflow';
import { formatDuration } from '../shared/duration';
import { KIND_INFO, isNodeKind, nodeSize, portOffset, safePorts } from './graph-model';

/** What one canvas node shows (kept in a signal per node, so a change re-renders that node only). */
interface NodeView {
  node: GraphNode;
  ports: string[];
  issues: GraphIssue[];
  state: NodeState | null;
  selected: boolean;
  editable: boolean;
  /** Now, for the duration of a running node (ticks in the run view). */
  now: number;
}

/** What an edge's label shows: its port (other than `out`) and an "if" marker with the condition as its tooltip. */
interface EdgeLabelData {
  index: number;
  port: string;
  condition: string | null;
  selected: boolean;
}

/** An edge condition for a tooltip: compact JSON, cut at 300 characters. */
export function conditionTitle(condition: unknown): string {
  const text = JSON.stringify(condition) ?? 'null';
  return text.length > 300 ? `${text.slice(0, 299)}…` : text;
}

interface EdgeData {
  index: number;
  port: string;
  selected: boolean;
}

export const STATUS_LABEL: Readonly<Record<string, string>> = {
  pending: 'Pending',
  running: 'Running',
  waiting_approval: 'Waiting for approval',
  completed: 'Completed',
  failed: 'Failed',
  skipped: 'Skipped',
};

/**
 * The graph on an ngx-vflow canvas: one HTML node per graph node, a target handle on its left and a source handle per
 * port on its right (drag from a port to another node's left handle to connect), edges labelled with their port.
 * Editable in the builder (drag, connect, drop from the palette), read-only in the run view, where nodes take the
 * colour of their state. The spec stays the parent's: this component only reports what the user did.
 */
@Component({
  selector: 'omni-graph-canvas',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [Vflow],
  template: `
    <div
      class="canvas"
      data-testid="graph-canvas"
      [attr.data-editable]="editable()"
      (dragover)="onDragOver($event)"
      (drop)="onDrop($event)"
      (click)="onBackgroundClick($event)"
    >
      <vflow
        view="auto"
        [nodes]="nodes()"
        [edges]="edges()"
        [background]="{ type: 'dots', gap: 18, size: 1, color: 'var(--border)', backgroundColor: 'var(--bg)' }"
        [connection]="{ validator: validator, curve: 'bezier', marker: { type: 'arrow-closed' } }"
        [entitiesSelectable]="false"
        [minZoom]="0.3"
        [maxZoom]="2"
        (connect)="onConnect($event)"
        (nodeDragEnd)="onDragEnd($event)"
      >
        <ng-template let-ctx nodeHtml>
          @let v = ctx.data();
          <div
            class="gnode"
            role="button"
            tabindex="0"
            [attr.data-testid]="'graph-node'"
            [attr.data-node-id]="v.node.id"
            [attr.data-kind]="v.node.kind"
            [attr.data-status]="v.state?.status ?? null"
            [attr.data-issues]="v.issues.length"
            [attr.aria-pressed]="v.selected"
            [attr.aria-label]="ariaLabel(v)"
            [class.selected]="v.selected"
            [class.has-error]="hasError(v)"
            [style.width.px]="size(v).width"
            [style.height.px]="size(v).height"
            (click)="onNodeClick($event, v.node.id)"
            (keydown)="onNodeKey($event, v.node.id)"
          >
            <div class="gtitle">
              <span class="glyph" aria-hidden="true">{{ glyph(v.node.kind) }}</span>
              <span class="name">{{ v.node.title || v.node.id }}</span>
            </div>
            <div class="gsub small">
              <span class="gkind">{{ v.node.kind }}</span>
              @if (v.node.kind === 'tool') {
                <code class="tool">{{ v.node.tool.id || '(no tool)' }}</code>
              } @else if (v.node.title) {
                <code>{{ v.node.id }}</code>
              }
            </div>
            @if (v.state; as s) {
              <div class="gstate small" data-testid="graph-node-state">
                <span class="dot" aria-hidden="true"></span>{{ statusLabel(s.status) }}
                @if (durationOf(v); as d) {
                  · <span data-testid="graph-node-duration">{{ d }}</span>
                }
                @if (s.cost_usd > 0) {
                  · <span data-testid="graph-node-cost">\${{ s.cost_usd.toFixed(4) }}</span>
                }
              </div>
            }
            @if (v.issues.length) {
              <div class="gissues small" [title]="issueTitle(v)" data-testid="graph-node-issues">
                {{ issueCount(v) }}
              </div>
            }
            <div class="ports" aria-hidden="true">
              @for (p of v.ports; track p; let i = $index) {
                <span class="gport" [style.top.px]="size(v).height / 2 + portY(i, v.ports.length) - 8">{{ p }}</span>
              }
            </div>
            <handle type="target" position="left" id="in" [template]="inTpl" />
            <ng-template #inTpl let-h>
              <svg:circle
                r="7"
                class="handle in"
                [attr.cx]="h.point().x"
                [attr.cy]="h.point().y"
                [attr.data-testid]="'handle-in'"
                [attr.data-node-id]="v.node.id"
              />
            </ng-template>
            @for (p of v.ports; track p; let i = $index) {
              <handle type="source" position="right" [id]="p" [offsetY]="-portY(i, v.ports.length)" [template]="outTpl" />
              <ng-template #outTpl let-h>
                <svg:circle
                  r="6"
                  [attr.cx]="h.point().x"
                  [attr.cy]="h.point().y"
                  class="handle out"
                  [class.error-port]="p === 'error' || p === 'denied' || p === 'timeout'"
                  [attr.data-testid]="'handle-out'"
                  [attr.data-node-id]="v.node.id"
                  [attr.data-port]="p"
                />
              </ng-template>
            }
          </div>
        </ng-template>

        <ng-template let-ctx edge>
          @let d = ctx.edge.data?.();
          <svg:path
            class="gedge"
            [class.selected]="d?.selected"
            [class.error-path]="d?.port === 'error' || d?.port === 'denied' || d?.port === 'timeout'"
            [attr.d]="ctx.path()"
            [attr.marker-end]="ctx.markerEnd()"
            [attr.data-testid]="'graph-edge'"
            [attr.data-edge]="ctx.edge.source + ':' + d?.port + '->' + ctx.edge.target"
          />
          <svg:path class="ghit" [attr.d]="ctx.path()" (click)="onEdgeClick($event, d?.index ?? -1)" />
        </ng-template>

        <ng-template let-ctx edgeLabelHtml>
          @let l = $any(ctx.label.data);
          <span
            class="glabel"
            [class.selected]="l.selected"
            [class.error-label]="l.port === 'error' || l.port === 'denied' || l.port === 'timeout'"
            data-testid="graph-edge-label"
            [attr.data-edge-index]="l.index"
            [attr.title]="l.condition ? 'if ' + l.condition : null"
            (click)="onEdgeClick($event, l.index)"
          >
            @if (l.port) {
              <span>{{ l.port }}</span>
            }
            @if (l.condition) {
              <span class="gif" data-testid="graph-edge-condition">if</span>
            }
          </span>
        </ng-template>
      </vflow>
    </div>
  `,
  styles: `
    :host {
      display: block;
      position: relative;
      min-height: 0;
    }
    .canvas {
      position: absolute;
      inset: 0;
    }
    .gnode {
      box-sizing: border-box;
      background: var(--surface);
      border: 1.5px solid var(--border);
      border-left: 4px solid var(--accent);
      border-radius: 10px;
      padding: 6px 28px 6px 10px;
      font-size: 13px;
      color: var(--text);
      box-shadow: 0 1px 3px rgb(16 24 40 / 10%);
      position: relative;
      cursor: grab;
      overflow: visible;
    }
    .gnode:focus-visible {
      outline: 2px solid var(--accent);
      outline-offset: 2px;
    }
    .gnode.selected {
      border-color: var(--accent);
      box-shadow: 0 0 0 3px color-mix(in srgb, var(--accent) 25%, transparent);
    }
    .gnode.has-error {
      border-color: var(--bad);
    }
    .gnode[data-kind='approval'] {
      border-left-color: var(--warn);
    }
    .gnode[data-kind='output'] {
      border-left-color: var(--ok);
    }
    .gnode[data-status='running'] {
      background: color-mix(in srgb, var(--accent) 12%, var(--surface));
      border-color: var(--accent);
    }
    .gnode[data-status='waiting_approval'] {
      background: var(--warn-bg);
      border-color: var(--warn);
    }
    .gnode[data-status='completed'] {
      background: var(--ok-bg);
      border-color: var(--ok);
    }
    .gnode[data-status='failed'] {
      background: var(--bad-bg);
      border-color: var(--bad);
    }
    .gnode[data-status='skipped'] {
      opacity: 0.55;
      border-style: dashed;
    }
    .gtitle {
      display: flex;
      align-items: center;
      gap: 6px;
      font-weight: 600;
      white-space: nowrap;
      overflow: hidden;
      text-overflow: ellipsis;
    }
    .glyph {
      display: inline-grid;
      place-items: center;
      width: 18px;
      height: 18px;
      border-radius: 5px;
      background: var(--surface-2);
      font-size: 11px;
      flex: none;
    }
    .name {
      overflow: hidden;
      text-overflow: ellipsis;
    }
    .gsub {
      display: flex;
      gap: 6px;
      color: var(--muted);
      white-space: nowrap;
      overflow: hidden;
    }
    .gsub code {
      font-size: 11.5px;
      overflow: hidden;
      text-overflow: ellipsis;
    }
    .gstate {
      display: flex;
      align-items: center;
      gap: 4px;
      white-space: nowrap;
    }
    .gstate .dot {
      width: 7px;
      height: 7px;
      border-radius: 50%;
      background: var(--muted);
    }
    .gnode[data-status='running'] .dot {
      background: var(--accent);
      animation: pulse 1s infinite alternate;
    }
    .gnode[data-status='waiting_approval'] .dot {
      background: var(--warn);
    }
    .gnode[data-status='completed'] .dot {
      background: var(--ok);
    }
    .gnode[data-status='failed'] .dot {
      background: var(--bad);
    }
    @keyframes pulse {
      to {
        opacity: 0.3;
      }
    }
    .gissues {
      color: var(--bad);
      font-weight: 600;
    }
    .ports {
      position: absolute;
      inset: 0;
      pointer-events: none;
    }
    .gport {
      position: absolute;
      right: 10px;
      font-size: 10px;
      line-height: 16px;
      color: var(--muted);
    }
    .handle {
      stroke: var(--surface);
      stroke-width: 2;
      cursor: crosshair;
    }
    .handle.in {
      fill: var(--muted);
    }
    .handle.out {
      fill: var(--accent);
    }
    .handle.error-port {
      fill: var(--bad);
    }
    .gedge {
      fill: none;
      stroke: var(--muted);
      stroke-width: 1.6;
    }
    .gedge.error-path {
      stroke: var(--bad);
      stroke-dasharray: 5 4;
    }
    .gedge.selected {
      stroke: var(--accent);
      stroke-width: 3;
    }
    .glabel {
      display: inline-flex;
      gap: 4px;
      align-items: center;
      font-size: 11px;
      line-height: 16px;
      background: var(--surface);
      color: var(--muted);
      padding: 0 4px;
      border-radius: 4px;
      border: 1px solid transparent;
      cursor: pointer;
      white-space: nowrap;
    }
    .glabel.error-label {
      color: var(--bad);
    }
    .glabel.selected {
      border-color: var(--accent);
      color: var(--text);
    }
    .gif {
      font-weight: 700;
      font-style: italic;
      color: var(--accent);
    }
    .ghit {
      fill: none;
      stroke: transparent;
      stroke-width: 12;
      cursor: pointer;
    }
  `,
})
export class GraphCanvasComponent {
  readonly spec = input.required<GraphSpec>();
  readonly editable = input(false);
  readonly issues = input<ReadonlyMap<string, GraphIssue[]>>(new Map());
  readonly states = input<ReadonlyMap<string, NodeState> | null>(null);
  readonly selectedNodes = input<ReadonlySet<string>>(new Set());
  readonly selectedEdges = input<ReadonlySet<number>>(new Set());
  readonly now = input(0);

  readonly moved = output<{ id: string; position: { x: number; y: number } }>();
  readonly connected = output<{ from: string; port: string; to: string }>();
  readonly nodeSelected = output<{ id: string; additive: boolean }>();
  readonly edgeSelected = output<{ index: number; additive: boolean }>();
  readonly cleared = output<void>();
  readonly dropped = output<{ kind: GraphNodeKind; position: { x: number; y: number } }>();
  /** A key pressed on a focused node (the builder moves it with the arrows). */
  readonly nodeKey = output<{ id: string; event: KeyboardEvent }>();

  private readonly flow = viewChild(VflowComponent);
  /** vflow's node objects by id, reused across specs so a drag or an edit keeps its node. */
  private readonly cache = new Map<string, { raw: HtmlTemplateNode<NodeView>; view: WritableSignal<NodeView>; sizeKey: string }>();

  protected readonly validator = (c: Connection) => c.source !== c.target;

  constructor() {
    effect(() => this.syncNodes());
  }

  /** vflow's nodes, kept in step with the spec by an effect (the node objects are reused, so their signals are written). */
  protected readonly nodes = signal<HtmlTemplateNode<NodeView>[]>([]);

  private syncNodes(): void {
    const spec = this.spec();
    const issues = this.issues();
    const states = this.states();
    const selected = this.selectedNodes();
    const editable = this.editable();
    const now = this.now();
    const seen = new Set<string>();
    const out: HtmlTemplateNode<NodeView>[] = [];
    for (const node of spec.nodes) {
      seen.add(node.id);
      const view: NodeView = {
        node,
        ports: editable || !states ? safePorts(node) : safePorts(node),
        issues: issues.get(node.id) ?? [],
        state: states?.get(node.id) ?? null,
        selected: selected.has(node.id),
        editable,
        now,
      };
      const size = nodeSize(node);
      const sizeKey = `${size.width}x${size.height}:${view.ports.join(',')}`;
      const point = node.position ?? { x: 0, y: 0 };
      const cached = this.cache.get(node.id);
      if (cached && cached.sizeKey === sizeKey) {
        const p = cached.raw.point();
        if (p.x !== point.x || p.y !== point.y) cached.raw.point.set({ ...point });
        cached.raw.draggable?.set(editable);
        cached.view.set(view);
        out.push(cached.raw);
        continue;
      }
      // A new node, or one whose ports changed (handles are created with the node): a fresh vflow node.
      const data = signal(view);
      const raw: HtmlTemplateNode<NodeView> = {
        id: node.id,
        type: 'html-template',
        point: signal({ ...point }),
        width: signal(size.width),
        height: signal(size.height),
        draggable: signal(editable),
        data,
      };
      this.cache.set(node.id, { raw, view: data, sizeKey });
      out.push(raw);
    }
    for (const id of [...this.cache.keys()]) if (!seen.has(id)) this.cache.delete(id);
    const before = untracked(this.nodes);
    if (before.length !== out.length || before.some((n, i) => n !== out[i])) this.nodes.set(out);
  }

  protected readonly edges = computed<Edge<EdgeData>[]>(() => {
    const ids = new Set(this.spec().nodes.map((n) => n.id));
    const selected = this.selectedEdges();
    return this.spec().edges.flatMap((e, index) => {
      if (!ids.has(e.from) || !ids.has(e.to)) return [];
      const port = e.port ?? 'out';
      const edge: Edge<EdgeData> = {
        id: `${index}:${e.from}:${port}:${e.to}`,
        source: e.from,
        target: e.to,
        sourceHandle: port,
        targetHandle: 'in',
        type: 'template',
        curve: signal('bezier'),
        data: signal({ index, port, selected: selected.has(index) }),
        markers: signal({ end: { type: 'arrow-closed', width: 16, height: 16 } }),
      };
      if (port !== 'out' || e.condition !== undefined) {
        const label: EdgeLabelData = {
          index,
          port: port === 'out' ? '' : port,
          condition: e.condition === undefined ? null : conditionTitle(e.condition),
          selected: selected.has(index),
        };
        edge.edgeLabels = signal({ center: { type: 'html-template', data: label } });
      }
      return [edge];
    });
  });

  protected size = (v: NodeView) => nodeSize(v.node);
  protected portY = portOffset;
  protected glyph = (kind: string) => (isNodeKind(kind) ? KIND_INFO[kind].glyph : '?');
  protected statusLabel = (s: string) => STATUS_LABEL[s] ?? s;
  protected hasError = (v: NodeView) => v.issues.some((i) => i.severity === 'error');
  protected issueCount(v: NodeView): string {
    const errors = v.issues.filter((i) => i.severity === 'error').length;
    const warnings = v.issues.length - errors;
    return [errors ? `${errors} error${errors > 1 ? 's' : ''}` : '', warnings ? `${warnings} warning${warnings > 1 ? 's' : ''}` : '']
      .filter(Boolean)
      .join(', ');
  }
  protected issueTitle = (v: NodeView) => v.issues.map((i) => i.message).join('\n');
  protected durationOf(v: NodeView): string {
    const s = v.state;
    if (!s) return '';
    if (s.duration_ms !== null) return formatDuration(s.duration_ms);
    if (s.started_at && (s.status === 'running' || s.status === 'waiting_approval')) return formatDuration(Math.max(0, v.now - Date.parse(s.started_at)));
    return '';
  }
  protected ariaLabel(v: NodeView): string {
    const parts = [`${v.node.kind} node ${v.node.title || v.node.id}`];
    if (v.state) parts.push(this.statusLabel(v.state.status));
    if (v.issues.length) parts.push(this.issueCount(v));
    return parts.join(', ');
  }

  /** Fits the whole graph in view. */
  fit(): void {
    if (this.spec().nodes.length) this.flow()?.fitView({ padding: 0.15, duration: 150 });
  }

  protected onConnect(c: Connection): void {
    if (!this.editable() || !c.sourceHandle) return;
    this.connected.emit({ from: c.source, port: c.sourceHandle, to: c.target });
  }

  protected onDragEnd(ev: NodeDragEndEvent): void {
    if (!this.editable()) return;
    this.moved.emit({ id: ev.node.id, position: ev.node.point() });
  }

  protected onNodeClick(ev: MouseEvent, id: string): void {
    ev.stopPropagation();
    this.nodeSelected.emit({ id, additive: ev.shiftKey || ev.ctrlKey || ev.metaKey });
  }

  protected onNodeKey(ev: KeyboardEvent, id: string): void {
    if (ev.key === 'Enter' || ev.key === ' ') {
      ev.preventDefault();
      this.nodeSelected.emit({ id, additive: ev.shiftKey });
      return;
    }
    this.nodeKey.emit({ id, event: ev });
  }

  protected onEdgeClick(ev: MouseEvent, index: number): void {
    ev.stopPropagation();
    if (index >= 0) this.edgeSelected.emit({ index, additive: ev.shiftKey || ev.ctrlKey || ev.metaKey });
  }

  protected onBackgroundClick(ev: MouseEvent): void {
    const target = ev.target as Element | null;
    if (target?.closest('.gnode, .ghit, .glabel, .handle')) return;
    this.cleared.emit();
  }

  protected onDragOver(ev: DragEvent): void {
    if (!this.editable() || !ev.dataTransfer?.types.includes(PALETTE_MIME)) return;
    ev.preventDefault();
    ev.dataTransfer.dropEffect = 'copy';
  }

  protected onDrop(ev: DragEvent): void {
    const kind = ev.dataTransfer?.getData(PALETTE_MIME);
    if (!this.editable() || !isNodeKind(kind)) return;
    ev.preventDefault();
    const flow = this.flow();
    const at = flow ? flow.documentPointToFlowPoint({ x: ev.clientX, y: ev.clientY }) : { x: ev.offsetX, y: ev.offsetY };
    // The pointer holds the node by its middle.
    this.dropped.emit({ kind, position: { x: at.x - 105, y: at.y - 32 } });
  }

  /** Where a node added without a drop goes: right of the rightmost node, or the middle of the view. */
  freeSpot(): { x: number; y: number } {
    const nodes = this.spec().nodes;
    if (!nodes.length) return { x: 40, y: 80 };
    const right = Math.max(...nodes.map((n) => (n.position?.x ?? 0) + nodeSize(n).width));
    const last = nodes[nodes.length - 1]!;
    return { x: right + 80, y: last.position?.y ?? 80 };
  }
}

/** The drag data type a palette item carries (its value: the node kind). */
export const PALETTE_MIME = 'application/x-omni-node-kind';
