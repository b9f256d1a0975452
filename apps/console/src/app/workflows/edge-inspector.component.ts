import { ChangeDetectionStrategy, Component, computed, effect, input, output, signal, untracked } from '@angular/core';
import type { GraphEdge, GraphIssue } from '@omniai/contracts';
import { checkExpression } from '@omniai/graphs';
import { jsonText, parseJsonText } from './node-fields';

/** What the condition box holds: nothing (no condition), a rule that passed `checkExpression`, or the problem. */
export type ConditionDraft = { ok: true; value: unknown } | { ok: false; message: string };

/** Parses and checks the condition box: empty is no condition; invalid JSON or a refused rule is a message. */
export function checkConditionText(text: string): ConditionDraft {
  const parsed = parseJsonText(text);
  if (!parsed.ok) return { ok: false, message: `Not JSON yet: ${parsed.message}` };
  if (parsed.value === undefined) return parsed;
  const problem = checkExpression(parsed.value);
  return problem ? { ok: false, message: `Not a valid condition: ${problem}` } : parsed;
}

/**
 * The selected edge: where it goes and by which port, its condition (a JSON Logic rule, checked with `checkExpression`
 * as it is typed; only a valid one goes out, an empty box removes it), and delete. The builder records every change.
 */
@Component({
  selector: 'omni-edge-inspector',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    @let e = edge();
    <form class="inspector" data-testid="edge-inspector" [attr.data-edge-index]="index()" (submit)="$event.preventDefault()" aria-label="Edge settings">
      <div class="head">
        <span class="kind-title">Edge</span>
        <span class="route" data-testid="edge-route">
          <code>{{ e.from }}</code> → <code>{{ e.to }}</code>
        </span>
        <span class="muted small">
          port <code data-testid="edge-port">{{ e.port ?? 'out' }}</code>
        </span>
      </div>
      <div class="field">
        <label [for]="fid">Condition</label>
        <textarea
          [id]="fid"
          class="code"
          rows="5"
          [value]="draft()"
          (input)="onInput($any($event.target).value)"
          [readOnly]="!editable()"
          spellcheck="false"
          placeholder='{ "==": [{ "var": "nodes.…output.ok" }, true] }'
          [attr.aria-invalid]="!!error()"
          [attr.aria-describedby]="fid + '-hint'"
          data-testid="edge-condition-input"
        ></textarea>
        @if (error(); as err) {
          <p class="field-error" role="alert" data-testid="edge-condition-error">{{ err }}</p>
        }
        <p class="hint" [id]="fid + '-hint'">
          A JSON Logic rule: the edge is taken only when it holds. Scope: <code>nodes.{{ e.from }}.output</code>, <code>input</code>. Empty: always taken.
        </p>
      </div>
      @for (i of issues(); track $index) {
        <p class="field-error" [attr.data-severity]="i.severity" data-testid="edge-issue">{{ i.message }}</p>
      }
      @if (editable()) {
        <div class="actions">
          <button
            type="button"
            class="btn small"
            (click)="removeCondition()"
            [disabled]="e.condition === undefined && !draft().trim()"
            data-testid="edge-remove-condition"
          >
            Remove condition
          </button>
          <button type="button" class="btn small danger" (click)="deleted.emit()" data-testid="delete-edge">Delete edge</button>
        </div>
      }
    </form>
  `,
  styleUrl: './inspector-panel.css',
})
export class EdgeInspectorComponent {
  readonly edge = input.required<GraphEdge>();
  readonly index = input.required<number>();
  readonly editable = input(true);
  readonly issues = input<readonly GraphIssue[]>([]);

  /** A checked condition (`undefined`: none) and a key: typing in the box is one undo step. */
  readonly changed = output<{ condition: unknown; coalesce: string }>();
  readonly deleted = output<void>();

  protected readonly fid = `edge-condition-${Math.random().toString(36).slice(2, 8)}`;
  /** What is typed, kept while it does not parse or check (the spec keeps the last valid condition). */
  protected readonly draft = signal('');
  protected readonly error = computed(() => {
    const r = checkConditionText(this.draft());
    return r.ok ? null : r.message;
  });
  /** The condition this box sent last: when the spec comes back with it, the draft (and its formatting) stays. */
  private emitted: { index: number; condition: unknown } | null = null;

  constructor() {
    effect(() => {
      const edge = this.edge();
      const index = this.index();
      untracked(() => {
        const mine = this.emitted && this.emitted.index === index && JSON.stringify(this.emitted.condition) === JSON.stringify(edge.condition);
        if (mine) return;
        // Another edge, or the condition changed elsewhere (undo, redo): show the spec's.
        this.emitted = null;
        this.draft.set(jsonText(edge.condition));
      });
    });
  }

  protected onInput(text: string): void {
    this.draft.set(text);
    const r = checkConditionText(text);
    if (!r.ok || !this.editable()) return;
    this.send(r.value, `edge:${this.index()}:condition`);
  }

  protected removeCondition(): void {
    this.draft.set('');
    this.send(undefined, `edge:${this.index()}:remove`);
  }

  private send(condition: unknown, coalesce: string): void {
    this.emitted = { index: this.index(), condition };
    this.changed.emit({ condition, coalesce });
  }
}
