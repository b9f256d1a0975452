import { ChangeDetectionStrategy, Component, type Provider, computed, inject, input } from '@angular/core';
import type { RunEvent } from '@omniai/contracts';
import { ApprovalCardComponent } from '../../approvals/approval-card.component';
import { STATUS_LABEL, approvalDecided, approvalRequested, isPolicyDenied, policyDenied, reasonText, shortHash } from '../../shared/approval-model';
import { ArtifactViewer } from '../../core/artifact-viewer';
import { type CardRenderer, CARD_RUN_EVENTS, provideCardRenderer } from '../../shared/card-registry';
import { JsonTreeComponent } from '../../shared/json-tree.component';
import { inlineValue, isDiff, isProcessOutput, isTable } from './card-payload';

/** The tool call a result or error answers (from the run's events, when the view provides them). */
function callOf(events: readonly RunEvent[] | undefined, callId: string): Extract<RunEvent, { kind: 'tool_call' }> | undefined {
  return events?.find((e): e is Extract<RunEvent, { kind: 'tool_call' }> => e.kind === 'tool_call' && e.payload.call_id === callId);
}

const SHARED_STYLES = `
  .tool-card { display: grid; gap: 6px; }
  header { display: flex; align-items: baseline; gap: 6px; flex-wrap: wrap; }
  .tool { font-weight: 600; font-size: 13px; }
  .label { font-size: 11px; text-transform: uppercase; letter-spacing: .05em; color: var(--muted); }
  .box { background: var(--surface-2); border-radius: 6px; padding: 6px 8px; overflow: auto; max-height: 260px; }
`;

/** `tool_call`: which tool at which version (and manifest), and the arguments as a tree or an artifact to open. */
@Component({
  selector: 'omni-tool-call-card',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [JsonTreeComponent],
  template: `
    <div class="tool-card" data-testid="card-tool-call">
      <header>
        <code class="tool" data-testid="tool-call-tool">{{ p().tool_id }}</code><span class="muted small">&#64;{{ p().tool_version }}</span>
      </header>
      <dl class="facts tight">
        <dt>Call</dt>
        <dd>
          <code>{{ p().call_id }}</code>
        </dd>
        <dt>Manifest</dt>
        <dd>
          <code [title]="p().manifest_hash" data-testid="tool-call-manifest">{{ short(p().manifest_hash) }}</code>
        </dd>
      </dl>
      <div class="label">Arguments</div>
      @if (artifact(); as a) {
        <div>
          <button type="button" class="btn small" (click)="viewer.open(event().run_id, a.sha256)" data-testid="open-artifact">
            Open arguments ({{ a.size_bytes.toLocaleString() }} bytes)
          </button>
        </div>
      } @else {
        <div class="box" data-testid="tool-call-arguments"><omni-json-tree [value]="args()" /></div>
      }
    </div>
  `,
  styles: SHARED_STYLES,
})
export class ToolCallCardComponent {
  readonly event = input.required<RunEvent>();
  protected readonly viewer = inject(ArtifactViewer);
  protected readonly short = shortHash;
  protected readonly p = computed(() => (this.event() as Extract<RunEvent, { kind: 'tool_call' }>).payload);
  protected readonly artifact = computed(() =>
    'artifact' in this.p().arguments ? (this.p().arguments as { artifact: { sha256: string; size_bytes: number } }).artifact : null,
  );
  protected readonly args = computed(() => inlineValue(this.event()));
}

/** `tool_result` of a program run (`python.compute`): exit code, stdout and stderr as monospace blocks. */
@Component({
  selector: 'omni-process-result-card',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <div class="tool-card" data-testid="card-process-result">
      <header>
        @if (tool(); as t) {
          <code class="tool">{{ t }}</code>
        }
        <span class="exit" [class.failed]="out().exit_code !== 0" data-testid="exit-code">exit {{ out().exit_code }}</span>
        <span class="muted small">{{ duration() }} ms</span>
      </header>
      <div class="label">stdout</div>
      @if (out().stdout) {
        <pre class="stream" data-testid="stdout">{{ out().stdout }}</pre>
      } @else {
        <p class="muted small" data-testid="stdout-empty">(empty)</p>
      }
      <div class="label">stderr</div>
      @if (out().stderr) {
        <pre class="stream err" data-testid="stderr">{{ out().stderr }}</pre>
      } @else {
        <p class="muted small" data-testid="stderr-empty">(empty)</p>
      }
    </div>
  `,
  styles: `
    ${SHARED_STYLES}
    .exit {
      font-family: var(--mono);
      font-size: 12px;
      padding: 0 6px;
      border-radius: 6px;
      background: var(--ok-bg);
      color: var(--ok);
    }
    .exit.failed {
      background: var(--bad-bg);
      color: var(--bad);
    }
    .stream {
      margin: 0;
      font-family: var(--mono);
      font-size: 12px;
      white-space: pre-wrap;
      word-break: break-word;
      background: var(--surface-2);
      border-radius: 6px;
      padding: 6px 8px;
      max-height: 260px;
      overflow: auto;
    }
    .stream.err {
      color: var(--bad);
    }
    p {
      margin: 0;
    }
  `,
})
export class ProcessResultCardComponent {
  readonly event = input.required<RunEvent>();
  private readonly events = inject(CARD_RUN_EVENTS, { optional: true });
  protected readonly out = computed(() => inlineValue(this.event()) as { stdout: string; stderr: string; exit_code: number });
  protected readonly duration = computed(() => Math.round((this.event() as Extract<RunEvent, { kind: 'tool_result' }>).payload.duration_ms));
  protected readonly tool = computed(() => {
    const e = this.event();
    return e.kind === 'tool_result' ? callOf(this.events?.(), e.payload.call_id)?.payload.tool_id : undefined;
  });
}

/** Any other inline `tool_result` that is not a table, diff or text (those keep their built-in cards): a JSON tree. */
@Component({
  selector: 'omni-tool-result-card',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [JsonTreeComponent],
  template: `
    <div class="tool-card" data-testid="card-tool-result">
      <header>
        @if (tool(); as t) {
          <code class="tool">{{ t }}</code>
        }
        <span class="muted small">call {{ p().call_id }} · {{ duration() }} ms</span>
      </header>
      <div class="box"><omni-json-tree [value]="value()" /></div>
    </div>
  `,
  styles: SHARED_STYLES,
})
export class ToolResultCardComponent {
  readonly event = input.required<RunEvent>();
  private readonly events = inject(CARD_RUN_EVENTS, { optional: true });
  protected readonly p = computed(() => (this.event() as Extract<RunEvent, { kind: 'tool_result' }>).payload);
  protected readonly value = computed(() => inlineValue(this.event()));
  protected readonly duration = computed(() => Math.round(this.p().duration_ms));
  protected readonly tool = computed(() => callOf(this.events?.(), this.p().call_id)?.payload.tool_id);
}

/** `tool_error`: code and message in error styling, and which call failed. */
@Component({
  selector: 'omni-tool-error-card',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <div class="error-card" role="alert" data-testid="card-tool-error">
      <strong data-testid="tool-error-code">{{ p().code }}</strong> <span data-testid="tool-error-message">{{ p().message }}</span>
      <div class="small">{{ tool() ? tool() + ' · ' : '' }}call {{ p().call_id }}</div>
    </div>
  `,
  styles: `
    .small {
      opacity: 0.8;
      margin-top: 2px;
    }
  `,
})
export class ToolErrorCardComponent {
  readonly event = input.required<RunEvent>();
  private readonly events = inject(CARD_RUN_EVENTS, { optional: true });
  protected readonly p = computed(() => (this.event() as Extract<RunEvent, { kind: 'tool_error' }>).payload);
  protected readonly tool = computed(() => callOf(this.events?.(), this.p().call_id)?.payload.tool_id);
}

/** `approval_decided`: the verdict, who gave it and why — green when approved, red when denied or expired. */
@Component({
  selector: 'omni-approval-decided-card',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    @if (data(); as d) {
      <div class="verdict" [attr.data-status]="d.status" data-testid="card-approval-decided">
        <div>
          <span class="tag">{{ label[d.status] }}</span> {{ message() }}
        </div>
        <dl class="facts tight">
          <dt>By</dt>
          <dd data-testid="decided-by">{{ d.decided_by ?? 'nobody (timeout)' }}</dd>
          @if (d.reason) {
            <dt>Reason</dt>
            <dd data-testid="decided-reason">{{ d.reason }}</dd>
          }
          <dt>Approval</dt>
          <dd>
            <code>{{ d.approval_id }}</code>
          </dd>
        </dl>
      </div>
    }
  `,
  styles: `
    .verdict {
      display: grid;
      gap: 6px;
      padding: 6px 10px;
      border-radius: 6px;
      border-left: 3px solid var(--ok);
      background: var(--ok-bg);
    }
    .verdict:not([data-status='approved']) {
      border-left-color: var(--bad);
      background: var(--bad-bg);
    }
    .tag {
      font-size: 11px;
      text-transform: uppercase;
      letter-spacing: 0.04em;
      font-weight: 700;
      color: var(--ok);
    }
    .verdict:not([data-status='approved']) .tag {
      color: var(--bad);
    }
  `,
})
export class ApprovalDecidedCardComponent {
  readonly event = input.required<RunEvent>();
  protected readonly label = STATUS_LABEL;
  protected readonly data = computed(() => approvalDecided(this.event()));
  protected readonly message = computed(() => (this.event() as Extract<RunEvent, { kind: 'system_event' }>).payload.message);
}

/** `policy_denied`: the policy (or a reviewer) stopped a call; the tool never ran. */
@Component({
  selector: 'omni-policy-denied-card',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <div class="denied" data-testid="card-policy-denied">
      <div>
        <span class="tag" aria-hidden="true">⛔</span> <strong>Policy denied</strong>
        @if (tool(); as t) {
          <code>{{ t }}</code>
        }
      </div>
      <p>{{ message() }}</p>
      @if (code(); as c) {
        <p class="small" data-testid="policy-denied-reason">
          <code>{{ c }}</code> · {{ reason(c) }}
        </p>
      }
    </div>
  `,
  styles: `
    .denied {
      display: grid;
      gap: 4px;
      padding: 6px 10px;
      border: 1px dashed var(--bad);
      border-left: 3px solid var(--bad);
      border-radius: 6px;
      color: var(--bad);
    }
    p {
      margin: 0;
      color: var(--text);
    }
    .small {
      color: var(--muted);
    }
  `,
})
export class PolicyDeniedCardComponent {
  readonly event = input.required<RunEvent>();
  protected readonly reason = reasonText;
  private readonly payload = computed(() => (this.event() as Extract<RunEvent, { kind: 'system_event' }>).payload);
  protected readonly message = computed(() => this.payload().message);
  protected readonly tool = computed(() => policyDenied(this.event())?.tool_id ?? null);
  protected readonly code = computed(() => policyDenied(this.event())?.reason_code ?? null);
}

const inlineToolResult = (e: RunEvent) => e.kind === 'tool_result' && 'inline' in e.payload.result;

/**
 * Cards for the tool runtime's events, chosen by payload. Registered through the card registry (ahead of the
 * built-ins), so a table, diff or text result still gets its built-in card and an artifact result the artifact card.
 */
export const TOOL_CARD_RENDERERS: readonly CardRenderer[] = [
  { id: 'approval', matches: (e) => approvalRequested(e) !== null, component: ApprovalCardComponent },
  { id: 'approval-decided', matches: (e) => approvalDecided(e) !== null, component: ApprovalDecidedCardComponent },
  { id: 'policy-denied', matches: isPolicyDenied, component: PolicyDeniedCardComponent },
  { id: 'tool-call', matches: (e) => e.kind === 'tool_call', component: ToolCallCardComponent },
  { id: 'process-result', matches: (e) => inlineToolResult(e) && isProcessOutput(inlineValue(e)), component: ProcessResultCardComponent },
  {
    id: 'tool-result',
    matches: (e) => {
      const v = inlineValue(e);
      return inlineToolResult(e) && typeof v !== 'string' && !isTable(v) && !isDiff(v);
    },
    component: ToolResultCardComponent,
  },
  { id: 'tool-error', matches: (e) => e.kind === 'tool_error', component: ToolErrorCardComponent },
];

/** Registers the tool cards (in a component's or route's providers). */
export const provideToolCards = (): Provider[] => TOOL_CARD_RENDERERS.map(provideCardRenderer);
