import { ChangeDetectionStrategy, Component, effect, input, output, signal, untracked } from '@angular/core';
import type { GraphSpec } from '@omniai/contracts';
import { jsonText, parseJsonText } from './node-fields';

type SchemaKey = 'input_schema' | 'output_schema';

/** The graph's own settings (shown when nothing is selected): name, description, input and output JSON Schemas. */
@Component({
  selector: 'omni-graph-settings',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <form class="settings" (submit)="$event.preventDefault()" aria-label="Workflow settings" data-testid="graph-settings">
      <h2>Workflow</h2>
      <p class="muted small">Select a node to edit it. These apply to the whole graph.</p>
      <div class="field">
        <label for="graph-description">Description</label>
        <textarea
          id="graph-description"
          rows="3"
          [value]="spec().description"
          (input)="emit({ ...spec(), description: $any($event.target).value }, 'description')"
          data-testid="graph-description"
        ></textarea>
      </div>
      @for (k of schemaKeys; track k.key) {
        <div class="field">
          <label [for]="'graph-' + k.key">{{ k.label }}</label>
          <textarea
            [id]="'graph-' + k.key"
            class="code"
            rows="6"
            spellcheck="false"
            [value]="draftOf(k.key)"
            (input)="setSchema(k.key, $any($event.target).value)"
            [attr.aria-invalid]="!!errors()[k.key]"
            [attr.data-testid]="'graph-' + k.key"
          ></textarea>
          @if (errors()[k.key]; as err) {
            <p class="field-error" role="alert">Not JSON yet: {{ err }}</p>
          }
          <p class="hint">{{ k.hint }}</p>
        </div>
      }
    </form>
  `,
  styleUrl: './inspector-panel.css',
  styles: `
    .settings {
      display: flex;
      flex-direction: column;
      gap: 12px;
    }
  `,
})
export class GraphSettingsComponent {
  readonly spec = input.required<GraphSpec>();
  readonly changed = output<{ spec: GraphSpec; coalesce: string }>();
  protected readonly schemaKeys: ReadonlyArray<{ key: SchemaKey; label: string; hint: string }> = [
    { key: 'input_schema', label: 'Input schema', hint: "A JSON Schema: a run's input is checked against it (422 with field errors)." },
    { key: 'output_schema', label: 'Output schema', hint: "A JSON Schema the output node's value must meet." },
  ];
  private readonly drafts = signal<Partial<Record<SchemaKey, string>>>({});
  protected readonly errors = signal<Partial<Record<SchemaKey, string>>>({});
  private emitted: GraphSpec | null = null;

  constructor() {
    effect(() => {
      const s = this.spec();
      untracked(() => {
        if (s === this.emitted) return;
        this.drafts.set({});
        this.errors.set({});
      });
    });
  }

  protected draftOf(key: SchemaKey): string {
    return this.drafts()[key] ?? jsonText(this.spec()[key]);
  }

  protected setSchema(key: SchemaKey, text: string): void {
    this.drafts.update((d) => ({ ...d, [key]: text }));
    const parsed = parseJsonText(text);
    this.errors.update((e) => ({ ...e, [key]: parsed.ok ? undefined : parsed.message }));
    if (!parsed.ok) return;
    const next = { ...this.spec() } as Record<string, unknown>;
    if (parsed.value === undefined) delete next[key];
    else next[key] = parsed.value;
    this.emit(next as unknown as GraphSpec, key);
  }

  protected emit(spec: GraphSpec, key: string): void {
    this.emitted = spec;
    this.changed.emit({ spec, coalesce: `graph:${key}` });
  }
}
