import { ChangeDetectionStrategy, Component, computed, effect, inject, input, output, signal, untracked } from '@angular/core';
import type { McpCatalogTool, McpToolDiff } from '@omniai/contracts';
import { ApiClient } from '../core/api-client';
import { ApiError, errorText, loadInto } from '../core/api-error';
import { shortHash } from '../shared/approval-model';
import { PoisonFlagsComponent } from '../shared/poison-flags.component';
import { definitionDiff, revealInvisible } from './mcp-model';

/**
 * Drift review: the approved and the live definition of a tool side by side (title, description, schemas,
 * annotations), the live one's poisoning flags, and Approve, which approves exactly the live definition reviewed (its
 * hash; the API answers 409 if it changed again meanwhile). Test ids: `mcp-diff*`, `mcp-approve`.
 */
@Component({
  selector: 'omni-mcp-drift-review',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [PoisonFlagsComponent],
  template: `
    <section class="review" aria-labelledby="mcp-diff-title" data-testid="mcp-diff" [attr.data-status]="diff()?.status">
      <div class="row">
        <h3 id="mcp-diff-title">{{ diff()?.approved ? 'Review the change' : 'Review the definition' }}</h3>
        <span class="spacer"></span>
        @if (diff(); as d) {
          <span class="muted small">
            approved <code [title]="d.approved_hash ?? ''">{{ d.approved_hash ? short(d.approved_hash) : 'none' }}</code> → live
            <code [title]="d.live_hash ?? ''" data-testid="mcp-diff-live-hash">{{ d.live_hash ? short(d.live_hash) : 'gone' }}</code>
          </span>
        }
      </div>
      @if (error(); as err) {
        <div class="banner error" role="alert">
          Could not load the diff: {{ err }} <button type="button" class="btn small" (click)="load()">Try again</button>
        </div>
      }
      @if (diff(); as d) {
        @if (d.flags.length) {
          <div class="warning" data-testid="mcp-diff-flags">
            The live definition is flagged. Read it closely before approving:
            <omni-poison-flags [flags]="d.flags" [detail]="true" />
          </div>
        }
        @for (s of sections(); track s.title) {
          <div class="section" [attr.data-changed]="s.changed" data-testid="mcp-diff-section" [attr.data-section]="s.title">
            <div class="section-head">
              <strong>{{ s.title }}</strong>
              @if (s.changed) {
                <span class="pill" data-tone="warn">changed</span>
              } @else {
                <span class="muted small">unchanged</span>
              }
            </div>
            <table class="diff-table" [attr.aria-label]="s.title + ': approved and live side by side'">
              <thead>
                <tr>
                  <th scope="col">Approved</th>
                  <th scope="col">Live</th>
                </tr>
              </thead>
              <tbody>
                @for (r of s.rows; track $index) {
                  <tr [attr.data-kind]="r.kind" data-testid="mcp-diff-row">
                    <td class="left">
                      @if (r.kind === 'removed' || r.kind === 'changed') {
                        <span class="visually-hidden">removed: </span>
                      }
                      <span class="line">{{ r.left === null ? '' : reveal(r.left) }}</span>
                    </td>
                    <td class="right">
                      @if (r.kind === 'added' || r.kind === 'changed') {
                        <span class="visually-hidden">added: </span>
                      }
                      <span class="line">{{ r.right === null ? '' : reveal(r.right) }}</span>
                    </td>
                  </tr>
                }
              </tbody>
            </table>
          </div>
        }
        @if (approveError(); as err) {
          <div class="form-error" role="alert" data-testid="mcp-approve-error">{{ err }}</div>
        }
        @if (canApprove() && d.live_hash && d.status !== 'approved') {
          <div class="form-actions">
            <button type="button" class="btn approve" [disabled]="approving()" (click)="approve(d)" data-testid="mcp-approve">
              {{ approving() ? 'Approving…' : 'Approve the live definition' }}
            </button>
            <span class="muted small">Runs get the new version; approvals remembered for the old definition lapse.</span>
          </div>
        }
      } @else if (!error()) {
        <div class="skeleton" aria-busy="true" style="min-height: 80px"><span class="visually-hidden">Loading…</span></div>
      }
    </section>
  `,
  styleUrl: './mcp.css',
  styles: `
    .review {
      display: grid;
      gap: 10px;
    }
    h3 {
      margin: 0;
      font-size: 14px;
    }
    .section {
      display: grid;
      gap: 4px;
    }
    .section-head {
      display: flex;
      gap: 8px;
      align-items: center;
    }
    .diff-table {
      width: 100%;
      table-layout: fixed;
      border-collapse: collapse;
      font-family: var(--mono);
      font-size: 12px;
      border: 1px solid var(--border);
      border-radius: 6px;
    }
    .diff-table th {
      text-align: left;
      font-family: var(--font);
      font-weight: 600;
      font-size: 11px;
      color: var(--muted);
      padding: 4px 8px;
      border-bottom: 1px solid var(--border);
    }
    .diff-table td {
      padding: 1px 8px;
      vertical-align: top;
    }
    /* The line exactly as compared (indentation included); the cell's own template whitespace collapses. */
    .line {
      white-space: pre-wrap;
      word-break: break-word;
    }
    .diff-table td.left {
      border-right: 1px solid var(--border);
    }
    tr[data-kind='removed'] td.left,
    tr[data-kind='changed'] td.left {
      background: var(--bad-bg);
    }
    tr[data-kind='added'] td.right,
    tr[data-kind='changed'] td.right {
      background: var(--ok-bg);
    }
    .form-actions {
      align-items: center;
    }
  `,
})
export class DriftReviewComponent {
  readonly serverId = input.required<string>();
  readonly toolName = input.required<string>();
  readonly canApprove = input(false);
  /** The tool as approved (its catalog entry). */
  readonly approved = output<McpCatalogTool>();
  private readonly api = inject(ApiClient);
  protected readonly short = shortHash;
  protected readonly reveal = revealInvisible;
  protected readonly diff = signal<McpToolDiff | null>(null);
  protected readonly error = signal<string | null>(null);
  protected readonly approveError = signal<string | null>(null);
  protected readonly approving = signal(false);
  protected readonly sections = computed(() => {
    const d = this.diff();
    return d ? definitionDiff(d.approved, d.live) : [];
  });

  constructor() {
    effect(() => {
      this.serverId();
      this.toolName();
      untracked(() => void this.load());
    });
  }

  async load(): Promise<void> {
    this.diff.set(null);
    const [serverId, toolName] = [this.serverId(), this.toolName()];
    await loadInto(this.error, async () => this.diff.set(await this.api.getMcpToolDiff(serverId, toolName)));
  }

  protected async approve(d: McpToolDiff): Promise<void> {
    if (!d.live_hash || this.approving()) return;
    this.approving.set(true);
    this.approveError.set(null);
    try {
      this.approved.emit(await this.api.approveMcpTool(d.server_id, d.tool_name, d.live_hash));
    } catch (err) {
      if (err instanceof ApiError && err.status === 409) {
        this.approveError.set('Not approved: the server changed the tool again since this diff was loaded. Here is the new one.');
        await this.load();
      } else {
        this.approveError.set(`Not approved: ${errorText(err)}`);
      }
    } finally {
      this.approving.set(false);
    }
  }
}
