import { ChangeDetectionStrategy, Component, input, output } from '@angular/core';

/** The banner of a page whose data did not load: what, why, and Try again. Shows nothing while `error` is null. */
@Component({
  selector: 'omni-load-error',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    @if (error(); as err) {
      <div class="banner error" role="alert" [attr.data-testid]="testid()">
        Could not load {{ what() }}: {{ err }}
        <button type="button" class="btn small" (click)="retry.emit()">Try again</button>
      </div>
    }
  `,
  styles: `
    :host {
      display: contents;
    }
  `,
})
export class LoadErrorComponent {
  readonly error = input.required<string | null>();
  /** What did not load, as in "Could not load …". */
  readonly what = input.required<string>();
  readonly testid = input.required<string>();
  readonly retry = output<void>();
}
