import { ChangeDetectionStrategy, Component, ElementRef, Injector, afterNextRender, effect, inject, input, model, output, viewChild } from '@angular/core';

/**
 * Confirm before acting: a button that turns into a confirm step (the projected question, the action, Cancel). The
 * action button takes the focus when the step opens; Cancel and Escape close it and give the focus back to the button.
 * Bind `open` to keep one step open at a time in a list; with `trigger` off there is no button and the parent opens
 * the step. Test ids: `<testid>` (the button), `-confirm-step`, `-confirm`, `-cancel`. Add the class `inline` on the
 * host for a step inside a table cell, `neutral` for a step that does not destroy anything.
 */
@Component({
  selector: 'omni-confirm',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    @if (open()) {
      <div class="confirm" role="group" [attr.aria-label]="stepLabel()" (keydown.escape)="cancel()" [attr.data-testid]="testid() + '-confirm-step'">
        <span class="small"><ng-content /></span>
        <button
          #action
          type="button"
          class="btn small solid"
          [class.danger]="tone() === 'danger'"
          [class.approve]="tone() === 'approve'"
          [disabled]="busy()"
          (click)="confirmed.emit()"
          [attr.data-testid]="testid() + '-confirm'"
        >
          {{ busy() ? busyLabel() : label() }}
        </button>
        <button type="button" class="btn small" (click)="cancel()" [attr.data-testid]="testid() + '-cancel'">Cancel</button>
      </div>
    } @else if (trigger()) {
      <button
        #ask
        type="button"
        class="btn small"
        [class.danger]="tone() === 'danger'"
        [class.approve]="tone() === 'approve'"
        (click)="open.set(true)"
        [attr.aria-label]="triggerLabel()"
        [attr.data-testid]="testid()"
      >
        {{ label() }}
      </button>
    }
  `,
  styles: `
    :host {
      display: contents;
    }
    :host(.inline) .confirm {
      justify-content: flex-end;
      min-width: 300px;
    }
    :host(.inline) .confirm span {
      min-width: 0;
    }
    :host(.neutral) .confirm {
      background: var(--surface-2);
    }
  `,
})
export class ConfirmComponent {
  /** The verb, on the button and on the action ("Delete"). */
  readonly label = input.required<string>();
  /** The action's label while it runs ("Deleting…"). */
  readonly busyLabel = input('');
  readonly busy = input(false);
  readonly tone = input<'danger' | 'approve'>('danger');
  /** The button's accessible name ("Delete provider Ollama"). */
  readonly triggerLabel = input<string | null>(null);
  /** The step's accessible name ("Confirm deleting Ollama"). */
  readonly stepLabel = input.required<string>();
  readonly testid = input.required<string>();
  readonly trigger = input(true);
  readonly open = model(false);
  readonly confirmed = output<void>();
  private readonly injector = inject(Injector);
  private readonly action = viewChild<ElementRef<HTMLElement>>('action');
  private readonly ask = viewChild<ElementRef<HTMLElement>>('ask');

  constructor() {
    // A step that opens, or asks another question while open (approve, then deny), takes the focus.
    effect(() => {
      this.label();
      if (this.open()) this.focusAfterRender(() => this.action());
    });
  }

  protected cancel(): void {
    this.open.set(false);
    this.focusAfterRender(() => this.ask());
  }

  private focusAfterRender(target: () => ElementRef<HTMLElement> | undefined): void {
    afterNextRender(() => target()?.nativeElement.focus(), { injector: this.injector });
  }
}
