import { ChangeDetectionStrategy, Component, computed, inject, input } from '@angular/core';

/**
 * A table of records: a card holding the table, its column headers (plus an unlabelled Actions column when `actions`
 * is on), and the projected rows. Test id: `testid` on the table. Add the class `plain` on the host for a table that
 * already sits in a card.
 */
@Component({
  selector: 'omni-data-table',
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: { '[class.card]': '!plain()', '[class.table-card]': '!plain()' },
  template: `
    <table class="data-table" [attr.data-testid]="testid()">
      <thead>
        <tr>
          @for (c of columns(); track $index) {
            <th scope="col">{{ c }}</th>
          }
          @if (actions()) {
            <th scope="col"><span class="visually-hidden">Actions</span></th>
          }
        </tr>
      </thead>
      <tbody>
        <ng-content />
      </tbody>
    </table>
  `,
  styles: `
    :host {
      display: block;
    }
  `,
})
export class DataTableComponent {
  readonly columns = input.required<readonly string[]>();
  readonly actions = input(false);
  readonly testid = input.required<string>();
  /** No card around the table (it is in one already). */
  readonly plain = input(false);
  /** How many columns a full-width row spans. */
  readonly width = computed(() => this.columns().length + (this.actions() ? 1 : 0));
}

/** A full-width row under a record saying why an action on it failed. Test id: `testid` on the message. */
@Component({
  selector: 'tr[omniRowError]',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <td [attr.colspan]="table.width()">
      <p class="field-error" role="alert" [attr.data-testid]="testid()">{{ omniRowError() }}</p>
    </td>
  `,
})
export class RowErrorComponent {
  readonly omniRowError = input.required<string>();
  readonly testid = input.required<string>();
  protected readonly table = inject(DataTableComponent);
}

/** What a list shows when it has nothing yet: a heading and what to do (the projected text). */
@Component({
  selector: 'omni-empty',
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: { class: 'empty' },
  template: `
    @if (level() === 2) {
      <h2>{{ heading() }}</h2>
    } @else {
      <h3>{{ heading() }}</h3>
    }
    <p class="muted"><ng-content /></p>
  `,
  styles: `
    :host {
      display: block;
    }
  `,
})
export class EmptyComponent {
  readonly heading = input.required<string>();
  readonly level = input<2 | 3>(3);
}

/** The table, its error row and the empty state, for a component's `imports`. */
export const DATA_TABLE = [DataTableComponent, RowErrorComponent, EmptyComponent] as const;
