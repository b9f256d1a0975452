import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, effect, inject, input, output, signal, untracked } from '@angular/core';
import type { GraphDiff, GraphSpec, GraphVersionSummary } from '@omniai/contracts';
import { ApiClient } from '../core/api-client';
import { errorText } from '../core/api-error';

/**
 * A graph's versions, newest first, with the diff of any two (`GET /v1/graphs/:id/diff`): nodes added, removed and
 * changed (with the fields), edges added and removed, graph fields. "Open" loads a version into the editor.
 */
@Component({
  selector: 'omni-version-history',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [DatePipe],
  template: `
    <div class="head">
      <h2>Versions</h2>
      <button type="button" class="btn small" (click)="closed.emit()" aria-label="Close versions">×</button>
    </div>
    @if (error(); as err) {
      <p class="error-text small" role="alert">{{ err }}</p>
    }
    <ul class="versions" data-testid="graph-versions">
      @for (v of versions(); track v.version) {
        <li [class.current]="v.version === current()" data-testid="graph-version-row" [attr.data-version]="v.version">
          <div class="line">
            <strong>v{{ v.version }}</strong>
            <span class="muted small">{{ v.created_at | date: 'short' }} · {{ v.created_by }}</span>
          </div>
          @if (v.note) {
            <p class="note small">{{ v.note }}</p>
          }
          <div class="actions">
            <label class="small"><input type="radio" name="diff-from" [checked]="from() === v.version" (change)="from.set(v.version)" /> from</label>
            <label class="small"><input type="radio" name="diff-to" [checked]="to() === v.version" (change)="to.set(v.version)" /> to</label>
            <button type="button" class="btn small" (click)="openVersion(v.version)" [attr.data-testid]="'open-version-' + v.version">Open</button>
          </div>
        </li>
      }
    </ul>
    @if (from() && to() && from() !== to()) {
      <section class="diff" data-testid="graph-diff" aria-label="Differences">
        <h3>v{{ from() }} → v{{ to() }}</h3>
        @if (diff(); as d) {
          @if (empty()) {
            <p class="muted small">No differences.</p>
          }
          @for (id of d.nodes.added; track id) {
            <p class="add small" data-testid="diff-node-added">
              + node <code>{{ id }}</code>
            </p>
          }
          @for (id of d.nodes.removed; track id) {
            <p class="del small" data-testid="diff-node-removed">
              − node <code>{{ id }}</code>
            </p>
          }
          @for (c of d.nodes.changed; track c.node_id) {
            <p class="chg small" data-testid="diff-node-changed">
              ~ node <code>{{ c.node_id }}</code>: {{ c.fields.join(', ') }}
            </p>
          }
          @for (e of d.edges.added; track $index) {
            <p class="add small">
              + edge <code>{{ e.from }}</code> —{{ e.port }}→ <code>{{ e.to }}</code>
            </p>
          }
          @for (e of d.edges.removed; track $index) {
            <p class="del small">
              − edge <code>{{ e.from }}</code> —{{ e.port }}→ <code>{{ e.to }}</code>
            </p>
          }
          @if (d.graph.length) {
            <p class="chg small">~ graph: {{ d.graph.join(', ') }}</p>
          }
        } @else {
          <p class="muted small">Comparing…</p>
        }
      </section>
    }
  `,
  styles: `
    :host {
      display: flex;
      flex-direction: column;
      gap: 10px;
    }
    .head {
      display: flex;
      justify-content: space-between;
      align-items: center;
    }
    .versions {
      list-style: none;
      margin: 0;
      padding: 0;
      display: grid;
      gap: 6px;
    }
    li {
      border: 1px solid var(--border);
      border-radius: 8px;
      padding: 6px 8px;
      display: grid;
      gap: 2px;
    }
    li.current {
      border-color: var(--accent);
    }
    .line,
    .actions {
      display: flex;
      gap: 8px;
      align-items: center;
      flex-wrap: wrap;
    }
    .note {
      margin: 0;
    }
    .diff h3 {
      font-size: 13px;
      margin: 0 0 4px;
    }
    .diff p {
      margin: 2px 0;
    }
    .add {
      color: var(--ok);
    }
    .del {
      color: var(--bad);
    }
    .chg {
      color: var(--warn);
    }
  `,
})
export class VersionHistoryComponent {
  readonly graphId = input.required<string>();
  readonly current = input.required<number>();
  /** Changes when a version is saved: the list loads again. */
  readonly refresh = input<unknown>();
  readonly open = output<GraphSpec>();
  readonly closed = output<void>();
  private readonly api = inject(ApiClient);
  protected readonly versions = signal<GraphVersionSummary[]>([]);
  protected readonly error = signal<string | null>(null);
  protected readonly from = signal<number | null>(null);
  protected readonly to = signal<number | null>(null);
  protected readonly diff = signal<GraphDiff | null>(null);
  protected readonly empty = computed(() => {
    const d = this.diff();
    return (
      !!d && !d.nodes.added.length && !d.nodes.removed.length && !d.nodes.changed.length && !d.edges.added.length && !d.edges.removed.length && !d.graph.length
    );
  });

  constructor() {
    effect(() => {
      const id = this.graphId();
      this.refresh();
      untracked(() => void this.load(id));
    });
    effect(() => {
      const [from, to, id] = [this.from(), this.to(), this.graphId()];
      untracked(() => {
        this.diff.set(null);
        if (from && to && from !== to)
          this.api.diffGraph(id, from, to).then(
            (d) => this.diff.set(d),
            (err: unknown) => this.error.set(`Could not compare: ${errorText(err)}`),
          );
      });
    });
  }

  private async load(id: string): Promise<void> {
    try {
      const list = await this.api.listGraphVersions(id);
      this.versions.set(list);
      // Preselect the newest two: what the last save changed.
      if (list.length >= 2 && this.from() === null) {
        this.from.set(list[1]!.version);
        this.to.set(list[0]!.version);
      }
      this.error.set(null);
    } catch (err) {
      this.error.set(`Could not load the versions: ${errorText(err)}`);
    }
  }

  protected async openVersion(version: number): Promise<void> {
    try {
      const v = await this.api.getGraphVersion(this.graphId(), version);
      this.open.emit(v.spec);
    } catch (err) {
      this.error.set(`Could not open v${version}: ${errorText(err)}`);
    }
  }
}
