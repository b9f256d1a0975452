import { ChangeDetectionStrategy, Component, type WritableSignal, computed, effect, input, output, signal, untracked, viewChild } from '@angular/core';
import type { ResearchGraph } from '@omniai/contracts';
import { type Edge, type HtmlTemplateNode, Vflow, VflowComponent } from 'ngx-vflow';
import { type PlacedNode, layoutResearchGraph } from './research-model';

interface NodeView {
  node: PlacedNode;
  selected: boolean;
}

const KIND_GLYPH: Record<PlacedNode['kind'], string> = { question: '?', sub_question: 'Q', source: 'S', claim: 'C' };

/** What each state reads as in the legend and on a node. */
export const RESEARCH_STATE_LABEL: Readonly<Record<string, string>> = {
  pending: 'Pending',
  running: 'Running',
  done: 'Done',
  failed: 'Failed',
  skipped: 'Skipped',
  supported: 'Verified',
  partial: 'Partly supported',
  unsupported: 'Unsupported',
  uncited: 'Not cited',
};

/**
 * The research graph (question → sub-questions → sources → claims) on an ngx-vflow canvas, laid out left to right by
 * dagre, read-only, each node coloured by its state. Node objects are kept by id across updates, so a live refetch
 * only moves and recolours what changed; the view is refitted when nodes are added.
 */
@Component({
  selector: 'omni-research-graph',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [Vflow],
  template: `
    <div class="canvas" data-testid="research-graph" [attr.data-nodes]="graph().nodes.length" (click)="cleared.emit()">
      <vflow
        view="auto"
        [nodes]="nodes()"
        [edges]="edges()"
        [background]="{ type: 'dots', gap: 18, size: 1, color: 'var(--border)', backgroundColor: 'var(--bg)' }"
        [entitiesSelectable]="false"
        [minZoom]="0.2"
        [maxZoom]="2"
      >
        <ng-template let-ctx nodeHtml>
          @let v = ctx.data();
          <div
            class="rnode"
            role="button"
            tabindex="0"
            data-testid="research-node"
            [attr.data-node-id]="v.node.id"
            [attr.data-kind]="v.node.kind"
            [attr.data-state]="v.node.state"
            [attr.aria-pressed]="v.selected"
            [attr.aria-label]="v.node.kind.replace('_', '-') + ': ' + v.node.label + ', ' + label(v.node.state)"
            [class.selected]="v.selected"
            [style.width.px]="v.node.width"
            [style.height.px]="v.node.height"
            [title]="v.node.label"
            (click)="select($event, v.node.id)"
            (keydown.enter)="select($event, v.node.id)"
            (keydown.space)="select($event, v.node.id)"
          >
            <div class="rtitle">
              <span class="glyph" aria-hidden="true">{{ glyph(v.node.kind) }}</span>
              <span class="name">{{ v.node.label }}</span>
            </div>
            <div class="rstate small"><span class="dot" aria-hidden="true"></span>{{ label(v.node.state) }}</div>
            <handle type="target" position="left" />
            <handle type="source" position="right" />
          </div>
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
    .rnode {
      box-sizing: border-box;
      background: var(--surface);
      border: 1.5px solid var(--border);
      border-left: 4px solid var(--muted);
      border-radius: 10px;
      padding: 5px 8px;
      font-size: 12.5px;
      color: var(--text);
      box-shadow: 0 1px 3px rgb(16 24 40 / 10%);
      cursor: pointer;
      overflow: hidden;
    }
    .rnode:focus-visible,
    .rnode.selected {
      outline: 2px solid var(--accent);
      outline-offset: 2px;
    }
    .rnode[data-kind='question'] {
      border-left-color: var(--accent);
      font-weight: 600;
    }
    .rtitle {
      display: flex;
      gap: 6px;
      align-items: center;
      white-space: nowrap;
      overflow: hidden;
    }
    .name {
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
    .rstate {
      display: flex;
      align-items: center;
      gap: 4px;
      color: var(--muted);
      margin-top: 3px;
    }
    .dot {
      width: 7px;
      height: 7px;
      border-radius: 50%;
      background: var(--muted);
    }
    .rnode[data-state='running'] {
      border-color: var(--accent);
      background: color-mix(in srgb, var(--accent) 12%, var(--surface));
    }
    .rnode[data-state='running'] .dot {
      background: var(--accent);
      animation: pulse 1s infinite alternate;
    }
    .rnode[data-state='done'],
    .rnode[data-state='supported'] {
      border-color: var(--ok);
      background: var(--ok-bg);
    }
    .rnode[data-state='done'] .dot,
    .rnode[data-state='supported'] .dot {
      background: var(--ok);
    }
    .rnode[data-state='partial'] {
      border-color: var(--warn);
      background: var(--warn-bg);
    }
    .rnode[data-state='partial'] .dot {
      background: var(--warn);
    }
    .rnode[data-state='failed'],
    .rnode[data-state='unsupported'] {
      border-color: var(--bad);
      background: var(--bad-bg);
    }
    .rnode[data-state='failed'] .dot,
    .rnode[data-state='unsupported'] .dot {
      background: var(--bad);
    }
    .rnode[data-state='skipped'],
    .rnode[data-state='uncited'] {
      border-style: dashed;
      opacity: 0.65;
    }
    @keyframes pulse {
      to {
        opacity: 0.3;
      }
    }
  `,
})
export class ResearchGraphComponent {
  readonly graph = input.required<ResearchGraph>();
  readonly selectedId = input<string | null>(null);
  readonly nodeSelected = output<string>();
  readonly cleared = output<void>();

  private readonly flow = viewChild(VflowComponent);
  private readonly cache = new Map<string, { raw: HtmlTemplateNode<NodeView>; view: WritableSignal<NodeView> }>();
  protected readonly nodes = signal<HtmlTemplateNode<NodeView>[]>([]);

  protected readonly edges = computed<Edge[]>(() => {
    const ids = new Set(this.graph().nodes.map((n) => n.id));
    return this.graph()
      .edges.filter((e) => ids.has(e.from) && ids.has(e.to))
      .map((e) => ({ id: `${e.from}->${e.to}`, source: e.from, target: e.to, markers: signal({ end: { type: 'arrow-closed', width: 14, height: 14 } }) }));
  });

  constructor() {
    effect(() => {
      const placed = layoutResearchGraph(this.graph());
      const selected = this.selectedId();
      untracked(() => this.sync(placed, selected));
    });
  }

  private sync(placed: PlacedNode[], selected: string | null): void {
    const seen = new Set<string>();
    let added = false;
    const out = placed.map((node) => {
      seen.add(node.id);
      const view: NodeView = { node, selected: node.id === selected };
      const cached = this.cache.get(node.id);
      if (cached) {
        const p = cached.raw.point();
        if (p.x !== node.position.x || p.y !== node.position.y) cached.raw.point.set({ ...node.position });
        cached.raw.width?.set(node.width);
        cached.raw.height?.set(node.height);
        cached.view.set(view);
        return cached.raw;
      }
      added = true;
      const data = signal(view);
      const raw: HtmlTemplateNode<NodeView> = {
        id: node.id,
        type: 'html-template',
        point: signal({ ...node.position }),
        width: signal(node.width),
        height: signal(node.height),
        draggable: signal(false),
        data,
      };
      this.cache.set(node.id, { raw, view: data });
      return raw;
    });
    for (const id of [...this.cache.keys()]) if (!seen.has(id)) this.cache.delete(id);
    const before = this.nodes();
    if (before.length !== out.length || before.some((n, i) => n !== out[i])) this.nodes.set(out);
    // New nodes arrived (the graph grows as the run goes): show all of it.
    if (added) setTimeout(() => this.fit(), 60);
  }

  /** Fits the whole graph in view. */
  fit(): void {
    if (this.graph().nodes.length) this.flow()?.fitView({ padding: 0.1, duration: 150 });
  }

  protected select(ev: Event, id: string): void {
    ev.stopPropagation();
    ev.preventDefault();
    this.nodeSelected.emit(id);
  }

  protected label = (s: string) => RESEARCH_STATE_LABEL[s] ?? s;
  protected glyph = (k: PlacedNode['kind']) => KIND_GLYPH[k];
}
