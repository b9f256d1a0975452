import { ChangeDetectionStrategy, Component, computed, effect, inject, input, output, signal, untracked } from '@angular/core';
import type { ReviewedArguments } from '@omniai/contracts';
import { previewIsTruncated } from '@omniai/contracts/pure';
import { ApiClient } from '../core/api-client';
import { errorText } from '../core/api-error';
import { JsonTreeComponent } from '../shared/json-tree.component';
import { type CheckedArguments, checkArguments } from './reviewed-arguments';

/** Which approval's full arguments were checked, against which hash. */
export interface CheckedApproval {
  approvalId: string;
  argumentsHash: string;
}

/** Whether `checked` vouches for this approval and hash (what a decision form needs before it enables Approve). */
export const isChecked = (checked: CheckedApproval | null, approvalId: string, argumentsHash: string): boolean =>
  checked !== null && checked.approvalId === approvalId && checked.argumentsHash === argumentsHash;

type View = { kind: 'preview' } | { kind: 'loading' } | { kind: 'full'; checked: CheckedArguments } | { kind: 'error'; message: string };

/**
 * The arguments of a call waiting for a reviewer (D42). A preview (cut at its limits, known secret values masked) only
 * until the full arguments are here: inline ones are checked at once, claim-checked ones when the reviewer opens them
 * ("truncated in preview — open full"). The full arguments are shown whole in a scrollable block with their byte count,
 * and their canonical-JSON sha256 is recomputed here: `verified` turns true only when it is the hash the decision binds.
 */
@Component({
  selector: 'omni-approval-arguments',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [JsonTreeComponent],
  template: `
    @switch (view().kind) {
      @case ('full') {
        @if (checked(); as c) {
          <div class="head">
            <span data-testid="approval-arguments-bytes">Full arguments · {{ c.bytes.toLocaleString() }} bytes</span>
            @if (c.matches) {
              <span class="ok" data-testid="approval-arguments-verified" [title]="c.hash">✓ sha256 matches the hash this decision binds</span>
            } @else {
              <span class="bad" role="alert" data-testid="approval-arguments-mismatch">
                ✗ These arguments hash to {{ c.hash.slice(0, 12) }}…, not to the call's hash: do not approve.
              </span>
            }
          </div>
          @if (c.masked) {
            <p class="note" data-testid="approval-arguments-masked">{{ c.masked }} known secret value(s) masked (provider keys, tokens, credentials).</p>
          }
          <pre class="full" tabindex="0" data-testid="approval-arguments-full">{{ c.text }}</pre>
        }
      }
      @default {
        @if (truncated() || !fullInline()) {
          <div class="truncated" role="status" data-testid="approval-arguments-truncated">
            <strong>{{ truncated() ? 'Truncated in preview' : 'Preview only' }}</strong>
            <span>
              @if (artifactBytes(); as n) {
                — the full arguments are {{ n.toLocaleString() }} bytes.
              }
              Approve unlocks once the full arguments are loaded and match the decision's hash.
            </span>
            <button type="button" class="btn small" [disabled]="view().kind === 'loading'" (click)="openFull()" data-testid="approval-arguments-open-full">
              {{ view().kind === 'loading' ? 'Loading…' : 'Open full arguments' }}
            </button>
          </div>
        }
        @if (error(); as err) {
          <p class="bad" role="alert" data-testid="approval-arguments-error">{{ err }}</p>
        }
        <div class="label">Preview</div>
        <div class="args" data-testid="approval-arguments-preview"><omni-json-tree [value]="preview()" /></div>
      }
    }
  `,
  styles: `
    :host {
      display: grid;
      gap: 6px;
      min-width: 0;
    }
    .head {
      display: flex;
      flex-wrap: wrap;
      gap: 8px;
      font-size: 12px;
      align-items: baseline;
    }
    .ok {
      color: var(--ok);
    }
    .bad {
      color: var(--bad);
      margin: 0;
      font-size: 12.5px;
    }
    .note {
      margin: 0;
      font-size: 12px;
      color: var(--warn);
    }
    .truncated {
      display: grid;
      gap: 6px;
      justify-items: start;
      padding: 8px 10px;
      border: 2px solid var(--warn);
      border-radius: 6px;
      background: var(--warn-bg);
      color: var(--text);
      font-size: 12.5px;
    }
    .truncated strong {
      color: var(--warn);
      text-transform: uppercase;
      letter-spacing: 0.04em;
    }
    .label {
      font-size: 11px;
      text-transform: uppercase;
      letter-spacing: 0.05em;
      color: var(--muted);
    }
    .args,
    .full {
      background: var(--surface-2);
      border-radius: 6px;
      padding: 6px 8px;
      overflow: auto;
      max-height: 360px;
    }
    .full {
      margin: 0;
      font-family: var(--mono);
      font-size: 12px;
      white-space: pre-wrap;
      overflow-wrap: anywhere;
    }
  `,
})
export class ApprovalArgumentsComponent {
  readonly approvalId = input.required<string>();
  readonly runId = input.required<string>();
  /** The hash the decision binds (`arguments_hash`). */
  readonly argumentsHash = input.required<string>();
  /** `arguments_redacted`: the preview. */
  readonly preview = input<unknown>(null);
  /** The full arguments from the approval's detail; undefined while unknown (opening them asks the API). */
  readonly full = input<ReviewedArguments | null | undefined>(undefined);
  /**
   * The approval and hash whose full arguments are now shown and hash to it; null otherwise (and again on a new
   * approval). Naming them lets a parent enable Approve only for the very approval it shows.
   */
  readonly verified = output<CheckedApproval | null>();
  private readonly api = inject(ApiClient);

  protected readonly view = signal<View>({ kind: 'preview' });
  protected readonly checked = computed(() => {
    const v = this.view();
    return v.kind === 'full' ? v.checked : null;
  });
  protected readonly error = computed(() => {
    const v = this.view();
    return v.kind === 'error' ? v.message : null;
  });
  protected readonly truncated = computed(() => previewIsTruncated(this.preview()));
  protected readonly fullInline = computed(() => {
    const f = this.full();
    return !!f && 'inline' in f;
  });
  protected readonly artifactBytes = computed(() => {
    const f = this.full();
    return f && 'artifact' in f ? f.artifact.size_bytes : null;
  });

  constructor() {
    effect(() => {
      const id = this.approvalId();
      const full = this.full();
      untracked(() => {
        this.view.set({ kind: 'preview' });
        this.verified.emit(null);
        // Inline arguments are at most a few KiB: shown whole at once. Claim-checked ones wait for "open full".
        if (full && 'inline' in full) void this.show(id, full.inline);
      });
    });
  }

  /** Loads the full arguments (from the detail, or its artifact) and checks them against the hash. */
  protected async openFull(): Promise<void> {
    const id = this.approvalId();
    this.view.set({ kind: 'loading' });
    try {
      const full = this.full() ?? (await this.api.getApproval(id)).arguments;
      if (!full) throw new Error('the call event holding them cannot be found');
      const args = 'inline' in full ? full.inline : (JSON.parse(await this.api.artifactText(this.runId(), full.artifact.sha256)) as unknown);
      await this.show(id, args);
    } catch (err) {
      this.fail(id, err);
    }
  }

  private async show(id: string, args: unknown): Promise<void> {
    try {
      const checked = await checkArguments(args, this.argumentsHash());
      if (id !== this.approvalId()) return; // another approval was selected meanwhile
      this.view.set({ kind: 'full', checked });
      this.verified.emit(checked.matches ? { approvalId: id, argumentsHash: checked.hash } : null);
    } catch (err) {
      // Web Crypto is missing outside secure contexts (plain http to a remote host): nothing can be checked then.
      this.fail(id, err);
    }
  }

  private fail(id: string, err: unknown): void {
    if (id === this.approvalId()) this.view.set({ kind: 'error', message: `Could not load and check the full arguments: ${errorText(err)}` });
  }
}
