import { ChangeDetectionStrategy, Component, computed, effect, input, output, signal, untracked } from '@angular/core';
import type { ReviewedArguments } from '@omniai/contracts';
import { JsonTreeComponent } from '../shared/json-tree.component';

/** One control of the reviewer's form, from a property of the node's `form_schema`. */
interface FormField {
  key: string;
  label: string;
  description: string;
  type: 'string' | 'text' | 'number' | 'integer' | 'boolean' | 'enum' | 'json';
  options: readonly unknown[];
  required: boolean;
}

/** What an approval node asks the reviewer (the `graph.approval` call's reviewed arguments, rendered by the workflow). */
interface Gate {
  title: string;
  instructions: unknown;
  show: unknown;
  form_schema: Record<string, unknown> | null;
}

export function gateOf(args: ReviewedArguments | null | undefined): Gate | null {
  if (!args || !('inline' in args)) return null;
  const v = args.inline as Record<string, unknown> | null;
  if (!v || typeof v !== 'object') return null;
  const schema = v['form_schema'];
  return {
    title: typeof v['title'] === 'string' ? v['title'] : 'Approval',
    instructions: v['instructions'],
    show: v['show'],
    form_schema: schema && typeof schema === 'object' && !Array.isArray(schema) ? (schema as Record<string, unknown>) : null,
  };
}

/** The form's fields: one per property of an object schema; anything else is one JSON box. */
export function formFields(schema: Record<string, unknown>): FormField[] {
  const props = schema['properties'];
  if (schema['type'] !== 'object' && !props) return [{ key: '', label: 'Value (JSON)', description: '', type: 'json', options: [], required: true }];
  const required = new Set(Array.isArray(schema['required']) ? (schema['required'] as string[]) : []);
  return Object.entries((props ?? {}) as Record<string, Record<string, unknown>>).map(([key, p]) => {
    const t = Array.isArray(p['type']) ? p['type'][0] : p['type'];
    const type: FormField['type'] = Array.isArray(p['enum'])
      ? 'enum'
      : t === 'string'
        ? Number(p['maxLength'] ?? 0) > 200 || p['format'] === 'textarea'
          ? 'text'
          : 'string'
        : t === 'number' || t === 'integer' || t === 'boolean'
          ? t
          : 'json';
    return {
      key,
      label: typeof p['title'] === 'string' ? p['title'] : key,
      description: typeof p['description'] === 'string' ? p['description'] : '',
      type,
      options: Array.isArray(p['enum']) ? (p['enum'] as unknown[]) : [],
      required: required.has(key),
    };
  });
}

/**
 * An approval node of a workflow graph in the inbox: its title, instructions and the data it shows, and a form built
 * from its `form_schema` (strings, long text, numbers, booleans, enums; JSON for the rest). The value goes out as the
 * decision's `form` (the API validates it against the schema; it becomes the node's output).
 */
@Component({
  selector: 'omni-graph-gate',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [JsonTreeComponent],
  template: `
    @if (gate(); as g) {
      <section class="gate" data-testid="graph-gate" aria-label="Workflow approval">
        <p class="eyebrow">
          Workflow approval · node <code>{{ nodeId() }}</code>
        </p>
        <h3 data-testid="graph-gate-title">{{ g.title }}</h3>
        @if (g.instructions !== undefined && g.instructions !== null && g.instructions !== '') {
          @if (isText(g.instructions)) {
            <p class="instructions" data-testid="graph-gate-instructions">{{ g.instructions }}</p>
          } @else {
            <omni-json-tree data-testid="graph-gate-instructions" [value]="g.instructions" />
          }
        }
        @if (g.show !== undefined && g.show !== null) {
          <div class="show" data-testid="graph-gate-show">
            <div class="label">Data</div>
            @if (isText(g.show)) {
              <pre>{{ g.show }}</pre>
            } @else {
              <omni-json-tree [value]="g.show" />
            }
          </div>
        }
        @if (fields().length) {
          <fieldset class="form" data-testid="graph-gate-form" [disabled]="!editable()">
            <legend>Your input</legend>
            @for (f of fields(); track f.key) {
              <div class="field">
                <label [for]="'gate-' + f.key">
                  {{ f.label }}
                  @if (f.required) {
                    <span class="req" aria-hidden="true">*</span>
                  }
                </label>
                @switch (f.type) {
                  @case ('boolean') {
                    <input
                      [id]="'gate-' + f.key"
                      type="checkbox"
                      [checked]="values()[f.key] === true"
                      (change)="set(f, $any($event.target).checked)"
                      [attr.data-testid]="'gate-field-' + f.key"
                    />
                  }
                  @case ('enum') {
                    <select [id]="'gate-' + f.key" (change)="setEnum(f, $any($event.target).value)" [attr.data-testid]="'gate-field-' + f.key">
                      <option value="" [selected]="values()[f.key] === undefined">(choose)</option>
                      @for (o of f.options; track $index) {
                        <option [value]="$index" [selected]="values()[f.key] === o">{{ o }}</option>
                      }
                    </select>
                  }
                  @case ('number') {
                    <input [id]="'gate-' + f.key" type="number" (input)="setNumber(f, $any($event.target).value)" [attr.data-testid]="'gate-field-' + f.key" />
                  }
                  @case ('integer') {
                    <input
                      [id]="'gate-' + f.key"
                      type="number"
                      step="1"
                      (input)="setNumber(f, $any($event.target).value)"
                      [attr.data-testid]="'gate-field-' + f.key"
                    />
                  }
                  @case ('text') {
                    <textarea
                      [id]="'gate-' + f.key"
                      rows="3"
                      (input)="setString(f, $any($event.target).value)"
                      [attr.data-testid]="'gate-field-' + f.key"
                    ></textarea>
                  }
                  @case ('json') {
                    <textarea
                      [id]="'gate-' + f.key"
                      class="code"
                      rows="4"
                      (input)="setJson(f, $any($event.target).value)"
                      [attr.data-testid]="'gate-field-' + (f.key || 'value')"
                    ></textarea>
                  }
                  @default {
                    <input
                      [id]="'gate-' + f.key"
                      type="text"
                      autocomplete="off"
                      (input)="setString(f, $any($event.target).value)"
                      [attr.data-testid]="'gate-field-' + f.key"
                    />
                  }
                }
                @if (f.description) {
                  <p class="hint">{{ f.description }}</p>
                }
                @if (errors()[f.key]; as err) {
                  <p class="field-error">{{ err }}</p>
                }
              </div>
            }
          </fieldset>
        }
      </section>
    }
  `,
  styles: `
    .gate {
      display: grid;
      gap: 8px;
      padding: 10px 12px;
      border: 1px solid var(--border);
      border-left: 3px solid var(--warn);
      border-radius: 8px;
      background: var(--surface);
    }
    .eyebrow {
      margin: 0;
      font-size: 11px;
      text-transform: uppercase;
      letter-spacing: 0.05em;
      color: var(--muted);
    }
    h3 {
      margin: 0;
      font-size: 15px;
    }
    .instructions {
      margin: 0;
      white-space: pre-wrap;
    }
    .label {
      font-size: 11px;
      text-transform: uppercase;
      letter-spacing: 0.05em;
      color: var(--muted);
    }
    .show pre {
      margin: 0;
      white-space: pre-wrap;
      font-size: 12.5px;
    }
    .form {
      border: 1px solid var(--border);
      border-radius: 8px;
      display: grid;
      gap: 8px;
      padding: 6px 10px 10px;
    }
    legend {
      font-weight: 600;
      font-size: 12.5px;
    }
    .field {
      display: grid;
      gap: 3px;
    }
    .field label {
      font-weight: 600;
      font-size: 12.5px;
    }
    .req {
      color: var(--bad);
    }
    input[type='text'],
    input[type='number'],
    select,
    textarea {
      font: inherit;
      font-size: 13px;
      color: var(--text);
      background: var(--bg);
      border: 1px solid var(--border);
      border-radius: 8px;
      padding: 5px 8px;
    }
    textarea.code {
      font-family: var(--mono);
      font-size: 12px;
    }
  `,
})
export class GraphGateComponent {
  readonly args = input<ReviewedArguments | null>(null);
  /** The approval's call id (`<node_id>#<attempt>`). */
  readonly callId = input('');
  readonly editable = input(true);
  /** The form's value (undefined without a form_schema) and whether it can be sent. */
  readonly formChange = output<{ value: unknown; valid: boolean }>();

  protected readonly gate = computed(() => gateOf(this.args()));
  protected readonly nodeId = computed(() => this.callId().split('#')[0] ?? '');
  protected readonly fields = computed(() => {
    const schema = this.gate()?.form_schema;
    return schema ? formFields(schema) : [];
  });
  protected readonly values = signal<Record<string, unknown>>({});
  protected readonly errors = signal<Record<string, string>>({});

  constructor() {
    effect(() => {
      this.fields();
      untracked(() => {
        this.values.set({});
        this.errors.set({});
        this.publish();
      });
    });
  }

  protected isText = (v: unknown) => typeof v === 'string';

  protected set(f: FormField, value: unknown): void {
    this.values.update((v) => {
      const next = { ...v };
      if (value === undefined) delete next[f.key];
      else next[f.key] = value;
      return next;
    });
    this.errors.update((e) => {
      const next = { ...e };
      delete next[f.key];
      return next;
    });
    this.publish();
  }

  protected setString(f: FormField, text: string): void {
    this.set(f, text === '' ? undefined : text);
  }

  protected setEnum(f: FormField, index: string): void {
    this.set(f, index === '' ? undefined : f.options[Number(index)]);
  }

  protected setNumber(f: FormField, text: string): void {
    if (text.trim() === '') return this.set(f, undefined);
    const n = Number(text);
    if (!Number.isFinite(n) || (f.type === 'integer' && !Number.isInteger(n))) {
      this.errors.update((e) => ({ ...e, [f.key]: f.type === 'integer' ? 'A whole number.' : 'A number.' }));
      return this.publish();
    }
    this.set(f, n);
  }

  protected setJson(f: FormField, text: string): void {
    if (text.trim() === '') return this.set(f, undefined);
    try {
      this.set(f, JSON.parse(text) as unknown);
    } catch {
      this.errors.update((e) => ({ ...e, [f.key]: 'Not JSON yet.' }));
      this.publish();
    }
  }

  private publish(): void {
    const fields = this.fields();
    if (!fields.length) return this.formChange.emit({ value: undefined, valid: true });
    const values = this.values();
    const valid = !Object.keys(this.errors()).length && fields.every((f) => !f.required || f.type === 'boolean' || values[f.key] !== undefined);
    // A schema that is not an object takes the one value itself.
    const value = fields.length === 1 && fields[0]!.key === '' ? values[''] : fields.some((f) => f.type === 'boolean') ? withFalse(fields, values) : values;
    this.formChange.emit({ value, valid });
  }
}

/** Unticked required checkboxes count as `false` (a checkbox has no "unset"). */
function withFalse(fields: FormField[], values: Record<string, unknown>): Record<string, unknown> {
  const out = { ...values };
  for (const f of fields) if (f.type === 'boolean' && out[f.key] === undefined) out[f.key] = false;
  return out;
}
