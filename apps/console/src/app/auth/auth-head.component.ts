import { ChangeDetectionStrategy, Component, input } from '@angular/core';

/** The head of a sign-in card: the mark, the title and a line under it (the projected text). */
@Component({
  selector: 'omni-auth-head',
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: { class: 'auth-head' },
  template: `
    <svg class="auth-mark" [class.muted-mark]="muted()" viewBox="0 0 32 32" aria-hidden="true">
      <rect width="32" height="32" rx="8" />
      <circle cx="16" cy="16" r="7" />
    </svg>
    <h1 [attr.id]="headingId()">{{ heading() }}</h1>
    <p class="muted"><ng-content /></p>
  `,
})
export class AuthHeadComponent {
  readonly heading = input.required<string>();
  readonly headingId = input<string | null>(null);
  /** The greyed mark of a card that explains why it cannot go on. */
  readonly muted = input(false);
}
