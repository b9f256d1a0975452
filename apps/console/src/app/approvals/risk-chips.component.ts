import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';
import type { ToolRisk } from '@omniai/contracts';
import { SIDE_EFFECT_LABEL } from '../shared/approval-model';
import { PoisonFlagsComponent } from '../shared/poison-flags.component';

/**
 * A tool's risk at a glance: side effect, scopes, where it may connect to; limits on request. An MCP tool whose text
 * was flagged as possible poisoning (invisible characters, instructions, URLs) shows its flags, listed in full with
 * the limits.
 */
@Component({
  selector: 'omni-risk-chips',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [PoisonFlagsComponent],
  template: `
    <ul class="chips" role="list" aria-label="Risk" data-testid="risk-chips">
      <li class="chip" [attr.data-effect]="risk().side_effect" data-testid="risk-side-effect" title="Side effect">{{ effect() }}</li>
      @for (s of risk().scopes; track s) {
        <li class="chip scope" data-testid="risk-scope" title="Scope it needs">{{ s }}</li>
      }
      @for (h of risk().egress_hosts; track h) {
        <li class="chip egress" data-testid="risk-egress" title="Host it may connect to">↗ {{ h }}</li>
      } @empty {
        <li class="chip" data-testid="risk-no-egress" title="No egress hosts">no network</li>
      }
      @if (limits()) {
        <li class="chip limits" title="Limits">{{ risk().limits.timeout_ms / 1000 }} s · {{ risk().limits.memory_mb }} MB · {{ risk().limits.cpus }} CPU</li>
      }
    </ul>
    @if (risk().flags?.length) {
      <div class="flags" role="note" data-testid="risk-flags">
        <span class="small">Its published text is flagged (possible tool poisoning): </span>
        <omni-poison-flags [flags]="risk().flags ?? []" [detail]="limits()" />
      </div>
    }
  `,
  styles: `
    .chips {
      list-style: none;
      margin: 0;
      padding: 0;
      display: flex;
      flex-wrap: wrap;
      gap: 4px;
    }
    .chip {
      font-size: 11.5px;
      padding: 1px 7px;
      border-radius: 999px;
      background: var(--surface-2);
      color: var(--muted);
      border: 1px solid var(--border);
      white-space: nowrap;
    }
    .chip[data-effect='read'] {
      color: var(--ok);
      border-color: var(--ok);
    }
    .chip[data-effect='write'] {
      color: var(--warn);
      border-color: var(--warn);
      background: var(--warn-bg);
    }
    .chip[data-effect='external_write'],
    .chip.egress {
      color: var(--bad);
      border-color: var(--bad);
      background: var(--bad-bg);
    }
    .flags {
      margin-top: 6px;
      padding: 4px 8px;
      border-left: 3px solid var(--warn);
      background: var(--warn-bg);
      border-radius: 6px;
    }
    .chip.scope {
      font-family: var(--mono);
      color: var(--text);
    }
  `,
})
export class RiskChipsComponent {
  readonly risk = input.required<ToolRisk>();
  /** Also show the time, memory and CPU limits. */
  readonly limits = input(false);
  protected readonly effect = computed(() => SIDE_EFFECT_LABEL[this.risk().side_effect] ?? this.risk().side_effect);
}
