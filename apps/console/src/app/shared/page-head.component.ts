import { ChangeDetectionStrategy, Component, input } from '@angular/core';

/** A page's title and what the page is for (the projected text), with its actions (elements marked `pageActions`). */
@Component({
  selector: 'omni-page-head',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <div class="page-head">
      <div>
        <h1>{{ heading() }}</h1>
        <p class="muted"><ng-content /></p>
      </div>
      <ng-content select="[pageActions]" />
    </div>
  `,
  styles: `
    :host {
      display: contents;
    }
  `,
})
export class PageHeadComponent {
  readonly heading = input.required<string>();
}
