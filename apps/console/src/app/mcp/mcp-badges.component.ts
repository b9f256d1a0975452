import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';
import type { McpPoisonFlag, McpToolStatus } from '@omniai/contracts';
import { FLAG_TEXT, STATUS_TEXT } from './mcp-model';

const STATUS_TONE: Record<McpToolStatus, string> = { approved: 'ok', drifted: 'bad', new: 'warn', blocked: 'bad', removed: 'neutral' };

/** A tool's review state as a pill (approved, drifted, new, blocked, removed). Test id: `mcp-tool-status`. */
@Component({
  selector: 'omni-mcp-status',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `<span class="pill" [attr.data-tone]="tone()" [attr.data-status]="status()" data-testid="mcp-tool-status">{{ text() }}</span>`,
  styleUrl: './mcp.css',
  host: { style: 'display: contents' },
})
export class McpStatusComponent {
  readonly status = input.required<McpToolStatus>();
  protected readonly tone = computed(() => STATUS_TONE[this.status()]);
  protected readonly text = computed(() => STATUS_TEXT[this.status()]);
}

/**
 * A tool's poisoning flags, one pill per kind with where and what as its tooltip (the detail lists them in full).
 * Test id: `mcp-flag` with `data-kind`.
 */
@Component({
  selector: 'omni-mcp-flags',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    @for (k of kinds(); track k.kind) {
      <span class="pill" data-tone="warn" data-testid="mcp-flag" [attr.data-kind]="k.kind" [title]="k.title"
        >⚑ {{ k.text }}{{ k.count > 1 ? ' ×' + k.count : '' }}</span
      >
    }
  `,
  styleUrl: './mcp.css',
  host: { style: 'display: contents' },
})
export class McpFlagsComponent {
  readonly flags = input.required<readonly McpPoisonFlag[]>();
  protected readonly kinds = computed(() => {
    const by = new Map<McpPoisonFlag['kind'], McpPoisonFlag[]>();
    for (const f of this.flags()) by.set(f.kind, [...(by.get(f.kind) ?? []), f]);
    return [...by].map(([kind, list]) => ({
      kind,
      text: FLAG_TEXT[kind],
      count: list.length,
      title: list.map((f) => `${f.where}: ${f.excerpt}`).join('\n'),
    }));
  });
}
