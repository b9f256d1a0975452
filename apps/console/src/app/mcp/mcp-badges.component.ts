import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';
import type { McpToolStatus } from '@omniai/contracts';
import { STATUS_TEXT } from './mcp-model';

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
