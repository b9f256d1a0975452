import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';
import type { McpPoisonFlag } from '@omniai/contracts';

/** Words for a poisoning flag's kind. */
export const POISON_FLAG_TEXT: Record<McpPoisonFlag['kind'], string> = {
  invisible_unicode: 'invisible characters',
  instructions: 'instruction-like text',
  url: 'URL',
};

/**
 * Poisoning flags on an MCP tool's text (its description and parameter docs): one pill per kind, with where and what
 * as its tooltip, and with `detail` the list of them. Shown in the MCP catalog and on approval cards. Test ids:
 * `poison-flag` (with `data-kind`), `poison-flag-list`.
 */
@Component({
  selector: 'omni-poison-flags',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <span class="pills" role="list" aria-label="Poisoning flags">
      @for (k of kinds(); track k.kind) {
        <span class="flag" role="listitem" data-testid="poison-flag" [attr.data-kind]="k.kind" [title]="k.title"
          >⚑ {{ k.text }}{{ k.count > 1 ? ' ×' + k.count : '' }}</span
        >
      }
    </span>
    @if (detail()) {
      <ul class="list small" data-testid="poison-flag-list">
        @for (f of flags(); track $index) {
          <li>
            <code>{{ f.where }}</code> · {{ text[f.kind] }}: <q>{{ f.excerpt }}</q>
          </li>
        }
      </ul>
    }
  `,
  styles: `
    :host {
      display: contents;
    }
    .pills {
      display: inline-flex;
      flex-wrap: wrap;
      gap: 4px;
    }
    .flag {
      font-size: 11px;
      line-height: 18px;
      padding: 0 7px;
      border-radius: 999px;
      background: var(--warn-bg);
      color: var(--warn);
      white-space: nowrap;
    }
    .list {
      margin: 4px 0 0;
      padding-left: 18px;
      word-break: break-word;
    }
  `,
})
export class PoisonFlagsComponent {
  readonly flags = input.required<readonly McpPoisonFlag[]>();
  /** Also list every flag with where it is and the offending text. */
  readonly detail = input(false);
  protected readonly text = POISON_FLAG_TEXT;
  protected readonly kinds = computed(() => {
    const by = new Map<McpPoisonFlag['kind'], McpPoisonFlag[]>();
    for (const f of this.flags()) by.set(f.kind, [...(by.get(f.kind) ?? []), f]);
    return [...by].map(([kind, list]) => ({
      kind,
      text: POISON_FLAG_TEXT[kind],
      count: list.length,
      title: list.map((f) => `${f.where}: ${f.excerpt}`).join('\n'),
    }));
  });
}
