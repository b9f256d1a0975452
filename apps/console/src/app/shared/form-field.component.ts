import { ChangeDetectionStrategy, Component, Directive, computed, inject, input } from '@angular/core';

/** Where a field finds its error and clears it as the user edits (the console's `FormState`). */
export interface FieldErrors {
  errors(): Partial<Record<string, string>>;
  clear(field: string): void;
}

/**
 * A labelled form field: the label, the projected control (marked `omniControl`), and under it the field's error (the
 * `form`'s error for `name`) or, when there is none, its hint. The control takes its id, test id, `aria-invalid` and
 * `aria-describedby` from the field, and clears the field's error when edited. Test ids: `<for>` on the control,
 * `<for>-error` on the error.
 */
@Component({
  selector: 'omni-field',
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: { class: 'field' },
  template: `
    <label [for]="for()">{{ label() }}</label>
    <ng-content />
    @if (error(); as e) {
      <p class="field-error" [id]="for() + '-error'" [attr.data-testid]="for() + '-error'">{{ e }}</p>
    } @else if (hint(); as h) {
      <p class="hint" [id]="for() + '-hint'" [class.met]="hintMet()">{{ h }}</p>
    }
  `,
})
export class FieldComponent {
  readonly label = input.required<string>();
  /** The control's id. */
  readonly for = input.required<string>();
  readonly form = input<FieldErrors | null>(null);
  /** The field's key in the form's errors. */
  readonly name = input<string | null>(null);
  readonly hint = input<string | null>(null);
  /** The hint reads as satisfied (e.g. the password is long enough). */
  readonly hintMet = input(false);
  readonly error = computed(() => {
    const [form, name] = [this.form(), this.name()];
    return form && name ? (form.errors()[name] ?? null) : null;
  });
  readonly describedBy = computed(() => (this.error() ? `${this.for()}-error` : this.hint() ? `${this.for()}-hint` : null));

  edited(): void {
    const [form, name] = [this.form(), this.name()];
    if (form && name) form.clear(name);
  }
}

/** The control of an `omni-field`: its id and what describes it come from the field. */
@Directive({
  selector: '[omniControl]',
  host: {
    '[id]': 'field.for()',
    '[attr.data-testid]': 'field.for()',
    '[attr.aria-invalid]': '!!field.error()',
    '[attr.aria-describedby]': 'field.describedBy()',
    '(input)': 'field.edited()',
  },
})
export class FieldControlDirective {
  protected readonly field = inject(FieldComponent);
}

/** A form's submit button: disabled while the form sends (or while `blocked`), saying what it does meanwhile. */
@Component({
  selector: 'button[omniSubmit]',
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: { type: 'submit', '[disabled]': 'busy() || blocked()' },
  template: `
    @if (busy()) {
      {{ busyLabel() }}
    } @else {
      <ng-content />
    }
  `,
})
export class SubmitButtonComponent {
  readonly busy = input.required<boolean>();
  /** The label while sending ("Signing in…"). */
  readonly busyLabel = input.required<string>();
  /** Nothing to send yet (no change, an invalid field). */
  readonly blocked = input(false);
}

/** The field component, its control directive and the submit button, for a component's `imports`. */
export const FIELD = [FieldComponent, FieldControlDirective, SubmitButtonComponent] as const;
