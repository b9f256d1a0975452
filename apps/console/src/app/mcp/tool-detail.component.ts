import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, inject, input, output, signal } from '@angular/core';
import type { McpCatalogTool } from '@omniai/contracts';
import { ApiClient } from '../core/api-client';
import { errorText } from '../core/api-error';
import { shortHash } from '../shared/approval-model';
import { JsonTreeComponent } from '../shared/json-tree.component';
import { DriftReviewComponent } from './drift-review.component';
import { PoisonFlagsComponent } from '../shared/poison-flags.component';
import { McpStatusComponent } from './mcp-badges.component';
import { revealInvisible, schemaFields, usable } from './mcp-model';
import { PinPanelComponent } from './pin-panel.component';
import { TryPanelComponent } from './try-panel.component';

type Pane = 'schema' | 'try' | 'review';

/**
 * One tool of a server: its definition (description with invisible characters shown, the input schema as a property
 * table and a tree, annotations), its hashes and review state, its flags; Try and Pin when its live definition is the
 * approved one; the drift review when it is not; Block / Unblock for admins. Test ids: `mcp-tool-*`.
 */
@Component({
  selector: 'omni-mcp-tool-detail',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [DatePipe, JsonTreeComponent, DriftReviewComponent, PoisonFlagsComponent, McpStatusComponent, PinPanelComponent, TryPanelComponent],
  template: `
    @let t = tool();
    <article
      class="card tool-detail"
      data-testid="mcp-tool-detail"
      [attr.data-tool]="t.definition.name"
      [attr.data-status]="t.status"
      aria-labelledby="mcp-tool-name"
    >
      <header class="row">
        <h2 id="mcp-tool-name" class="name">{{ t.definition.title || t.definition.name }}</h2>
        <omni-mcp-status [status]="t.status" />
        <omni-poison-flags [flags]="t.flags" />
        <span class="spacer"></span>
        @if (canAdmin() && t.status !== 'removed') {
          <button
            type="button"
            class="btn small"
            [class.danger]="t.status !== 'blocked'"
            [disabled]="blocking()"
            (click)="toggleBlock()"
            data-testid="mcp-tool-block"
            [attr.aria-label]="(t.status === 'blocked' ? 'Unblock ' : 'Block ') + t.definition.name"
          >
            {{ blocking() ? '…' : t.status === 'blocked' ? 'Unblock' : 'Block' }}
          </button>
        }
      </header>
      @if (blockError(); as err) {
        <div class="form-error" role="alert">{{ err }}</div>
      }
      @if (t.definition.description; as desc) {
        <p class="desc" data-testid="mcp-tool-description">{{ reveal(desc) }}</p>
      }
      @switch (t.status) {
        @case ('drifted') {
          <p class="warning" data-testid="mcp-tool-drift-note">
            The server changed this tool after it was approved. Its calls are refused (E_TOOL_DRIFTED) until someone reviews the change and approves it.
          </p>
        }
        @case ('new') {
          <p class="warning">Listed after the server was added: not offered to runs until approved.</p>
        }
        @case ('blocked') {
          <p class="warning">Blocked: its calls are refused.</p>
        }
      }
      @if (t.unusable; as why) {
        <p class="warning">Cannot be offered to runs: {{ why }}</p>
      }
      <dl class="facts tight">
        <dt>Tool id</dt>
        <dd>
          <code data-testid="mcp-tool-id">{{ t.tool_id ?? '—' }}</code>
        </dd>
        <dt>Version</dt>
        <dd>
          <code data-testid="mcp-tool-version">{{ t.approved_version ?? 'not approved' }}</code>
        </dd>
        <dt>Live hash</dt>
        <dd>
          <code class="hash" [title]="t.definition_hash" data-testid="mcp-tool-hash">{{ short(t.definition_hash) }}</code>
        </dd>
        <dt>Approved</dt>
        <dd>
          <code class="hash" [title]="t.approved_hash ?? ''">{{ t.approved_hash ? short(t.approved_hash) : '—' }}</code>
        </dd>
        <dt>Changed</dt>
        <dd>{{ t.changed_at | date: 'short' }}</dd>
      </dl>

      <div class="tabs" role="tablist" aria-label="Tool">
        @for (p of panes(); track p.id) {
          <button
            type="button"
            role="tab"
            [id]="'mcp-pane-' + p.id"
            [attr.aria-selected]="pane() === p.id"
            [attr.aria-controls]="'mcp-pane-' + p.id + '-panel'"
            [attr.tabindex]="pane() === p.id ? 0 : -1"
            (click)="set(p.id)"
            (keydown.arrowRight)="step(1)"
            (keydown.arrowLeft)="step(-1)"
            [attr.data-testid]="'mcp-pane-' + p.id"
          >
            {{ p.label }}
          </button>
        }
      </div>
      <div role="tabpanel" [id]="'mcp-pane-' + pane() + '-panel'" [attr.aria-labelledby]="'mcp-pane-' + pane()">
        @switch (pane()) {
          @case ('schema') {
            <div class="schema" data-testid="mcp-schema">
              @if (fields(); as list) {
                <table class="props">
                  <caption class="visually-hidden">
                    Input parameters
                  </caption>
                  <thead>
                    <tr>
                      <th scope="col">Parameter</th>
                      <th scope="col">Type</th>
                      <th scope="col">Description</th>
                    </tr>
                  </thead>
                  <tbody>
                    @for (f of list; track f.name) {
                      <tr data-testid="mcp-schema-prop" [attr.data-name]="f.name">
                        <td>
                          <code>{{ f.name }}</code>
                          @if (f.required) {
                            <span class="pill" data-tone="accent">required</span>
                          }
                        </td>
                        <td class="mono">{{ f.kind === 'enum' ? f.options.join(' | ') : f.kind === 'json' ? typeText(f.name) : f.kind }}</td>
                        <td>{{ f.description ? reveal(f.description) : '' }}</td>
                      </tr>
                    } @empty {
                      <tr>
                        <td colspan="3" class="muted">No parameters.</td>
                      </tr>
                    }
                  </tbody>
                </table>
              }
              <details>
                <summary>Input schema (JSON)</summary>
                <div class="box"><omni-json-tree [value]="t.definition.input_schema" /></div>
              </details>
              @if (t.definition.output_schema; as out) {
                <details>
                  <summary>Output schema</summary>
                  <div class="box"><omni-json-tree [value]="out" /></div>
                </details>
              }
              <div>
                <strong class="small">Annotations</strong>
                @if (t.definition.annotations; as a) {
                  <div class="box" data-testid="mcp-annotations"><omni-json-tree [value]="a" /></div>
                  <p class="muted small">What the server says about the tool; advisory only (the policy decides on the registered risk).</p>
                } @else {
                  <p class="muted small">None.</p>
                }
              </div>
              @if (t.flags.length) {
                <div>
                  <strong class="small">Flags</strong>
                  <omni-poison-flags [flags]="t.flags" [detail]="true" />
                </div>
              }
            </div>
          }
          @case ('try') {
            @if (canUse()) {
              <omni-mcp-try-panel [serverId]="serverId()" [tool]="t" />
              <hr />
              <omni-mcp-pin-panel [tool]="t" />
            } @else {
              <p class="muted">Only an approved tool can be tried or pinned.</p>
            }
          }
          @case ('review') {
            <omni-mcp-drift-review [serverId]="serverId()" [toolName]="t.definition.name" [canApprove]="canAdmin()" (approved)="changed.emit($event)" />
          }
        }
      </div>
    </article>
  `,
  styleUrl: './mcp.css',
  styles: `
    .tool-detail {
      display: grid;
      gap: 10px;
      align-content: start;
    }
    .name {
      margin: 0;
      font-size: 16px;
      word-break: break-word;
    }
    .desc {
      margin: 0;
      white-space: pre-wrap;
    }
    .tabs {
      margin: 0;
      padding: 0;
    }
    .schema {
      display: grid;
      gap: 10px;
    }
    .props {
      width: 100%;
      border-collapse: collapse;
      font-size: 13px;
    }
    .props th {
      text-align: left;
      color: var(--muted);
      font-weight: 600;
      font-size: 12px;
      border-bottom: 1px solid var(--border);
      padding: 4px 6px;
    }
    .props td {
      border-bottom: 1px solid var(--border);
      padding: 4px 6px;
      vertical-align: top;
    }
    .box {
      background: var(--surface-2);
      border-radius: 6px;
      padding: 6px 8px;
      overflow: auto;
      max-height: 320px;
    }
    summary {
      cursor: pointer;
      font-size: 13px;
    }
    hr {
      border: 0;
      border-top: 1px solid var(--border);
      margin: 12px 0;
    }
    p {
      margin: 0;
    }
  `,
})
export class ToolDetailComponent {
  readonly serverId = input.required<string>();
  readonly tool = input.required<McpCatalogTool>();
  readonly canAdmin = input(false);
  readonly canOperate = input(false);
  /** The tool after an approval, a block or an unblock. */
  readonly changed = output<McpCatalogTool>();
  private readonly api = inject(ApiClient);
  protected readonly short = shortHash;
  protected readonly reveal = revealInvisible;
  protected readonly blocking = signal(false);
  protected readonly blockError = signal<string | null>(null);
  protected readonly chosen = signal<Pane | null>(null);
  protected readonly fields = computed(() => schemaFields(this.tool().definition.input_schema));
  protected readonly canUse = computed(() => usable(this.tool()) && this.canOperate());
  protected readonly needsReview = computed(() => this.tool().status === 'drifted' || this.tool().status === 'new');
  protected readonly panes = computed(() => {
    const list: Array<{ id: Pane; label: string }> = [{ id: 'schema', label: 'Schema' }];
    if (this.canUse()) list.push({ id: 'try', label: 'Try & pin' });
    if (this.needsReview()) list.push({ id: 'review', label: this.tool().status === 'drifted' ? 'Review drift' : 'Review' });
    return list;
  });
  /** The chosen pane while the tool offers it; else a drifted tool opens on its review, any other on its schema. */
  protected readonly pane = computed<Pane>(() => {
    const c = this.chosen();
    if (c && this.panes().some((p) => p.id === c)) return c;
    return this.needsReview() ? 'review' : 'schema';
  });

  protected typeText(name: string): string {
    const prop = (this.tool().definition.input_schema['properties'] as Record<string, { type?: unknown }> | undefined)?.[name];
    return prop?.type === undefined ? 'any (JSON)' : `${JSON.stringify(prop.type)} (JSON)`;
  }

  protected set(pane: Pane): void {
    this.chosen.set(pane);
  }

  /** Arrow keys move between the tabs (and take the focus along), as a tablist does. */
  protected step(by: number): void {
    const ids = this.panes().map((p) => p.id);
    const next = ids[(ids.indexOf(this.pane()) + by + ids.length) % ids.length]!;
    this.chosen.set(next);
    queueMicrotask(() => document.getElementById(`mcp-pane-${next}`)?.focus());
  }

  protected async toggleBlock(): Promise<void> {
    const t = this.tool();
    this.blocking.set(true);
    this.blockError.set(null);
    try {
      this.changed.emit(await this.api.blockMcpTool(this.serverId(), t.definition.name, t.status !== 'blocked'));
    } catch (err) {
      this.blockError.set(`${t.status === 'blocked' ? 'Not unblocked' : 'Not blocked'}: ${errorText(err)}`);
    } finally {
      this.blocking.set(false);
    }
  }
}
