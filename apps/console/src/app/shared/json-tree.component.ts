import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';

/** A JSON value as a collapsible tree (the first two levels open). */
@Component({
  selector: 'omni-json-tree',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    @if (isObject()) {
      <details [open]="depth() < 2" class="json-node">
        <summary>{{ label() }}{{ isArray() ? '[' + entries().length + ']' : '{' + entries().length + '}' }}</summary>
        @for (e of entries(); track e[0]) {
          <omni-json-tree [value]="e[1]" [label]="e[0] + ': '" [depth]="depth() + 1" />
        }
      </details>
    } @else {
      <div class="json-leaf">
        <span class="json-key">{{ label() }}</span><span [class]="'json-' + kind()">{{ text() }}</span>
      </div>
    }
  `,
})
export class JsonTreeComponent {
  readonly value = input<unknown>();
  readonly label = input('');
  readonly depth = input(0);
  protected readonly isArray = computed(() => Array.isArray(this.value()));
  protected readonly isObject = computed(() => this.value() !== null && typeof this.value() === 'object');
  protected readonly entries = computed(() => Object.entries(this.value() as object));
  protected readonly kind = computed(() => (this.value() === null ? 'null' : typeof this.value()));
  protected readonly text = computed(() => JSON.stringify(this.value()) ?? 'undefined');
}
