import { ChangeDetectionStrategy, Component, computed, effect, input, output, signal, untracked } from '@angular/core';
import type { GraphEdge, GraphIssue, GraphNode, RegisteredTool } from '@omniai/contracts';
import { KIND_INFO, safePorts } from './graph-model';
import { type FieldSpec, NODE_FIELDS, jsonText, parseJsonText } from './node-fields';

type Mode = 'text' | 'json';

/**
 * The selected node's form, generated from its kind's fields (node-fields.ts): text, numbers, enums, a tool picker,
 * templates as text or JSON, JSON boxes that keep what is typed until it parses. Below: its outgoing edges per port
 * (connect from the keyboard), and its issues. Every change goes out as a whole new node (the builder records it).
 */
@Component({
  selector: 'omni-node-inspector',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    @let n = node();
    <form class="inspector" data-testid="node-inspector" [attr.data-node-id]="n.id" (submit)="$event.preventDefault()" aria-label="Node settings">
      <div class="head">
        <span class="kind-title">{{ kindLabel() }}</span>
        <span class="muted small">{{ kindHint() }}</span>
      </div>
      <div class="field">
        <label [for]="fid('id')">Id</label>
        <input
          [id]="fid('id')"
          [value]="idDraft()"
          (input)="idDraft.set(value($event))"
          (change)="commitRename()"
          (keydown.enter)="commitRename()"
          spellcheck="false"
          autocomplete="off"
          data-testid="inspector-id"
          [attr.aria-invalid]="!!idError()"
          [attr.aria-describedby]="fid('id') + '-hint'"
        />
        <p class="hint" [id]="fid('id') + '-hint'" [class.error-text]="!!idError()">
          {{ idError() ?? 'Used in expressions as nodes.' + n.id + '.output' }}
        </p>
      </div>
      @for (f of fields(); track f.key) {
        <div class="field" [attr.data-field]="f.key">
          <label [for]="fid(f.key)">
            {{ f.label }}
            @if (isRequired(f)) {
              <span class="req" aria-hidden="true">*</span>
            }
          </label>
          @switch (f.type) {
            @case ('text') {
              <input
                [id]="fid(f.key)"
                [value]="stringAt(f.key)"
                (input)="setScalar(f.key, value($event), true)"
                [attr.data-testid]="'inspector-' + f.key"
                autocomplete="off"
              />
            }
            @case ('number') {
              <input
                [id]="fid(f.key)"
                type="number"
                [attr.min]="f.min ?? null"
                [attr.max]="f.max ?? null"
                [value]="numberAt(f.key)"
                (input)="setNumber(f.key, value($event))"
                [attr.data-testid]="'inspector-' + f.key"
              />
            }
            @case ('enum') {
              <select [id]="fid(f.key)" (change)="setScalar(f.key, value($event), false)" [attr.data-testid]="'inspector-' + f.key">
                @for (o of f.options; track o) {
                  <option [value]="o" [selected]="stringAt(f.key) === o">{{ o }}</option>
                }
              </select>
            }
            @case ('boolean') {
              <input
                [id]="fid(f.key)"
                type="checkbox"
                class="check"
                [checked]="booleanAt(f.key)"
                (change)="setBoolean(f.key, $event)"
                [attr.data-testid]="'inspector-' + f.key"
              />
            }
            @case ('node') {
              <select [id]="fid(f.key)" (change)="setScalar(f.key, value($event), false)" [attr.data-testid]="'inspector-' + f.key">
                <option value="" [selected]="!stringAt(f.key)">(choose a node)</option>
                @for (id of otherNodeIds(); track id) {
                  <option [value]="id" [selected]="stringAt(f.key) === id">{{ id }}</option>
                }
              </select>
            }
            @case ('tool') {
              <select [id]="fid(f.key)" (change)="setTool(value($event))" data-testid="inspector-tool">
                <option value="" [selected]="!toolId()">(choose a tool)</option>
                @if (toolId() && !knownTool()) {
                  <option [value]="toolId()" selected>{{ toolId() }} (not registered)</option>
                }
                @for (t of tools(); track t.manifest.id + '@' + t.manifest.version) {
                  @if (isLatest(t)) {
                    <option [value]="t.manifest.id" [selected]="toolId() === t.manifest.id">{{ t.manifest.id }}</option>
                  }
                }
              </select>
              @if (toolInfo(); as t) {
                <p class="hint">{{ t.manifest.description }}</p>
                <details class="schema">
                  <summary class="small">Input schema</summary>
                  <pre>{{ json(t.manifest.input_schema) }}</pre>
                </details>
              }
            }
            @default {
              @if (f.type === 'template') {
                <div class="mode" role="radiogroup" [attr.aria-label]="f.label + ' as'">
                  <button
                    type="button"
                    role="radio"
                    [attr.aria-checked]="modeOf(f.key) === 'text'"
                    (click)="setMode(f.key, 'text')"
                    [attr.data-testid]="'inspector-' + f.key + '-mode-text'"
                  >
                    Text
                  </button>
                  <button
                    type="button"
                    role="radio"
                    [attr.aria-checked]="modeOf(f.key) === 'json'"
                    (click)="setMode(f.key, 'json')"
                    [attr.data-testid]="'inspector-' + f.key + '-mode-json'"
                  >
                    JSON
                  </button>
                </div>
              }
              <textarea
                [id]="fid(f.key)"
                [class.code]="f.type === 'json' || modeOf(f.key) === 'json'"
                [rows]="rowsOf(f.key)"
                [value]="draftOf(f)"
                (input)="setDraft(f, value($event))"
                spellcheck="false"
                [attr.aria-invalid]="!!draftError(f.key)"
                [attr.aria-describedby]="fid(f.key) + '-hint'"
                [attr.data-testid]="'inspector-' + f.key"
              ></textarea>
              @if (draftError(f.key); as err) {
                <p class="field-error" role="alert" [attr.data-testid]="'inspector-' + f.key + '-error'">Not JSON yet: {{ err }}</p>
              }
            }
          }
          @if (f.hint) {
            <p class="hint" [id]="fid(f.key) + '-hint'">{{ f.hint }}</p>
          }
          @for (i of fieldIssues(f.key); track $index) {
            <p class="field-error" [attr.data-severity]="i.severity">{{ i.message }}</p>
          }
        </div>
      }

      <fieldset class="edges">
        <legend>Outgoing edges</legend>
        @for (p of ports(); track p) {
          <div class="port-row" [attr.data-port]="p">
            <span class="port-name"
              ><code>{{ p }}</code></span
            >
            <span class="targets">
              @for (e of edgesFrom(p); track e.index) {
                <span class="target-chip">
                  → {{ e.edge.to }}
                  <button type="button" class="x" (click)="disconnect.emit(e.index)" [attr.aria-label]="'Remove edge ' + p + ' to ' + e.edge.to">×</button>
                </span>
              }
              <select (change)="connectTo(p, $event)" [attr.aria-label]="'Connect port ' + p + ' to'" [attr.data-testid]="'inspector-connect-' + p">
                <option value="">+ connect…</option>
                @for (id of otherNodeIds(); track id) {
                  <option [value]="id">{{ id }}</option>
                }
              </select>
            </span>
          </div>
        }
      </fieldset>

      @if (otherIssues().length) {
        <div class="node-issues" data-testid="inspector-issues">
          @for (i of otherIssues(); track $index) {
            <p class="field-error" [attr.data-severity]="i.severity">{{ i.message }}</p>
          }
        </div>
      }
    </form>
  `,
  styleUrl: './inspector-panel.css',
  styles: `
    .mode {
      display: flex;
      gap: 2px;
    }
    .mode button {
      font: inherit;
      font-size: 11px;
      border: 1px solid var(--border);
      background: var(--surface);
      color: var(--muted);
      border-radius: 6px;
      padding: 0 8px;
      cursor: pointer;
    }
    .mode button[aria-checked='true'] {
      background: var(--surface-2);
      color: var(--text);
      font-weight: 600;
    }
    .check {
      justify-self: start;
      width: auto;
    }
    .schema pre {
      font-size: 11px;
      max-height: 160px;
      overflow: auto;
      background: var(--surface-2);
      padding: 6px;
      border-radius: 6px;
    }
    .edges {
      border: 1px solid var(--border);
      border-radius: 8px;
      padding: 6px 10px 10px;
      display: grid;
      gap: 6px;
    }
    legend {
      font-weight: 600;
      font-size: 12.5px;
    }
    .port-row {
      display: grid;
      grid-template-columns: 70px 1fr;
      gap: 6px;
      align-items: start;
    }
    .targets {
      display: flex;
      flex-wrap: wrap;
      gap: 4px;
      align-items: center;
    }
    .target-chip {
      font-size: 12px;
      background: var(--surface-2);
      border-radius: 6px;
      padding: 1px 4px 1px 8px;
    }
    .x {
      border: 0;
      background: none;
      color: var(--muted);
      cursor: pointer;
      font-size: 14px;
      line-height: 1;
    }
    .targets select {
      padding: 2px 4px;
      font-size: 12px;
    }
  `,
})
export class NodeInspectorComponent {
  readonly node = input.required<GraphNode>();
  readonly edges = input.required<readonly GraphEdge[]>();
  readonly nodeIds = input.required<readonly string[]>();
  readonly tools = input<readonly RegisteredTool[]>([]);
  readonly issues = input<readonly GraphIssue[]>([]);

  /** The edited node, and a key: edits with the same key in a row are one undo step (typing in one field). */
  readonly changed = output<{ node: GraphNode; coalesce: string }>();
  readonly renamed = output<{ from: string; to: string }>();
  readonly connect = output<{ port: string; to: string }>();
  readonly disconnect = output<number>();

  /** What is typed in the JSON / template boxes, by field, until it parses (reset when another node shows). */
  protected readonly drafts = signal<Record<string, string>>({});
  protected readonly modes = signal<Record<string, Mode>>({});
  protected readonly idDraft = signal('');
  protected readonly idError = signal<string | null>(null);
  private emitted: GraphNode | null = null;

  protected readonly fields = computed(() => NODE_FIELDS[this.node().kind]);
  protected readonly kindLabel = computed(() => KIND_INFO[this.node().kind].label + ' node');
  protected readonly kindHint = computed(() => KIND_INFO[this.node().kind].hint);
  protected readonly ports = computed(() => safePorts(this.node()));
  protected readonly otherNodeIds = computed(() => this.nodeIds().filter((id) => id !== this.node().id));
  protected readonly record = computed(() => this.node() as unknown as Record<string, unknown>);
  protected readonly toolId = computed(() => {
    const n = this.node();
    return n.kind === 'tool' ? n.tool.id : '';
  });
  protected readonly knownTool = computed(() => this.tools().some((t) => t.manifest.id === this.toolId()));
  protected readonly toolInfo = computed(() => {
    const id = this.toolId();
    const all = this.tools().filter((t) => t.manifest.id === id);
    return all[all.length - 1] ?? null;
  });
  protected readonly otherIssues = computed(() => {
    const keys = new Set(this.fields().map((f) => f.key));
    return this.issues().filter((i) => !keys.has(fieldOfPath(i.path) ?? ''));
  });

  constructor() {
    // Another node (or this one changed by undo / redo): drop the drafts and show the spec's values.
    effect(() => {
      const n = this.node();
      untracked(() => {
        if (n === this.emitted) return;
        this.drafts.set({});
        this.modes.set({});
        this.idDraft.set(n.id);
        this.idError.set(null);
      });
    });
  }

  protected fid = (key: string) => `insp-${key}`;
  protected value = (ev: Event) => (ev.target as HTMLInputElement).value;
  protected json = (v: unknown) => JSON.stringify(v, null, 2);

  protected isRequired(f: FieldSpec): boolean {
    return 'required' in f && !!f.required;
  }

  protected isLatest(t: RegisteredTool): boolean {
    const all = this.tools().filter((x) => x.manifest.id === t.manifest.id);
    return all[all.length - 1] === t;
  }

  protected stringAt(key: string): string {
    const v = this.record()[key];
    return typeof v === 'string' ? v : '';
  }

  protected numberAt(key: string): string {
    const v = this.record()[key];
    return typeof v === 'number' ? String(v) : '';
  }

  protected booleanAt(key: string): boolean {
    return this.record()[key] === true;
  }

  protected fieldIssues(key: string): GraphIssue[] {
    return this.issues().filter((i) => fieldOfPath(i.path) === key);
  }

  protected modeOf(key: string): Mode {
    const set = this.modes()[key];
    if (set) return set;
    const v = this.record()[key];
    return v === undefined || typeof v === 'string' ? 'text' : 'json';
  }

  protected rowsOf(key: string): number {
    return key === 'body' || key === 'form_schema' || key === 'output_schema' || key === 'cases' || key === 'arguments' ? 6 : 3;
  }

  protected draftOf(f: FieldSpec): string {
    const draft = this.drafts()[f.key];
    if (draft !== undefined) return draft;
    const v = this.record()[f.key];
    if (f.type === 'template' && this.modeOf(f.key) === 'text') return typeof v === 'string' ? v : jsonText(v);
    return jsonText(v);
  }

  protected draftError(key: string): string | null {
    const draft = this.drafts()[key];
    if (draft === undefined) return null;
    const f = this.fields().find((x) => x.key === key);
    if (!f || (f.type === 'template' && this.modeOf(key) === 'text')) return null;
    const parsed = parseJsonText(draft);
    return parsed.ok ? null : parsed.message;
  }

  protected setMode(key: string, mode: Mode): void {
    const f = this.fields().find((x) => x.key === key);
    if (!f) return;
    const current = this.draftOf(f);
    this.modes.update((m) => ({ ...m, [key]: mode }));
    if (mode === 'text') {
      // JSON → text: a string value shows as itself; anything else keeps its JSON text.
      const parsed = parseJsonText(current);
      const text = parsed.ok && typeof parsed.value === 'string' ? parsed.value : current;
      this.drafts.update((d) => ({ ...d, [key]: text }));
      this.write(key, text, `mode:${key}`);
    } else {
      const v = this.record()[key];
      this.drafts.update((d) => ({ ...d, [key]: jsonText(v ?? '') }));
    }
  }

  protected setDraft(f: FieldSpec, text: string): void {
    this.drafts.update((d) => ({ ...d, [f.key]: text }));
    if (f.type === 'template' && this.modeOf(f.key) === 'text') {
      this.write(f.key, text === '' && !this.isRequired(f) ? undefined : text, `field:${f.key}`);
      return;
    }
    const parsed = parseJsonText(text);
    if (!parsed.ok) return;
    this.write(f.key, parsed.value === undefined && this.isRequired(f) ? {} : parsed.value, `field:${f.key}`);
  }

  protected setScalar(key: string, value: string, coalesce: boolean): void {
    const optional = key === 'title' && this.node().kind !== 'approval';
    this.write(key, value === '' && optional ? undefined : value, coalesce ? `field:${key}` : `set:${key}:${value}`);
  }

  protected setNumber(key: string, text: string): void {
    const n = text.trim() === '' ? undefined : Number(text);
    if (n !== undefined && !Number.isFinite(n)) return;
    this.write(key, n, `field:${key}`);
  }

  protected setBoolean(key: string, ev: Event): void {
    this.write(key, (ev.target as HTMLInputElement).checked, `set:${key}`);
  }

  protected setTool(id: string): void {
    const n = this.node();
    if (n.kind !== 'tool') return;
    this.emit({ ...n, tool: { id } }, `tool:${id}`);
  }

  protected commitRename(): void {
    const to = this.idDraft().trim();
    const from = this.node().id;
    if (to === from) return this.idError.set(null);
    if (!/^[a-z][a-z0-9_]{0,62}$/.test(to)) return this.idError.set('Lower case letters, digits and _, starting with a letter.');
    if (this.nodeIds().includes(to)) return this.idError.set(`Another node is called ${to}.`);
    this.idError.set(null);
    this.renamed.emit({ from, to });
  }

  protected edgesFrom(port: string): { edge: GraphEdge; index: number }[] {
    const id = this.node().id;
    return this.edges()
      .map((edge, index) => ({ edge, index }))
      .filter(({ edge }) => edge.from === id && (edge.port ?? 'out') === port);
  }

  protected connectTo(port: string, ev: Event): void {
    const select = ev.target as HTMLSelectElement;
    const to = select.value;
    select.value = '';
    if (to) this.connect.emit({ port, to });
  }

  private write(key: string, value: unknown, coalesce: string): void {
    const next = { ...this.record() } as Record<string, unknown>;
    if (value === undefined) delete next[key];
    else next[key] = value;
    this.emit(next as unknown as GraphNode, coalesce);
  }

  private emit(node: GraphNode, coalesce: string): void {
    this.emitted = node;
    this.changed.emit({ node, coalesce: `${node.id}:${coalesce}` });
  }
}

/** `nodes.2.prompt.x` → `prompt`. */
function fieldOfPath(path: string): string | null {
  const m = /^nodes\.\d+\.([a-z_]+)/.exec(path);
  return m ? m[1]! : null;
}
