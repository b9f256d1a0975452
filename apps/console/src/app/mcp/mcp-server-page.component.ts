import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, effect, inject, input, signal, untracked } from '@angular/core';
import { Router, RouterLink } from '@angular/router';
import type { McpCatalog, McpCatalogTool, McpServer } from '@omniai/contracts';
import { ApiClient } from '../core/api-client';
import { errorText, loadInto } from '../core/api-error';
import { SessionStore } from '../core/session.store';
import { ConfirmComponent } from '../shared/confirm.component';
import { LoadErrorComponent } from '../shared/load-error.component';
import { PoisonFlagsComponent } from '../shared/poison-flags.component';
import { McpStatusComponent } from './mcp-badges.component';
import { AUTH_STATE_TEXT, TRANSPORT_TEXT, attentionOf, sortTools, transportSummary } from './mcp-model';
import { ToolDetailComponent } from './tool-detail.component';

type Tab = 'tools' | 'resources' | 'prompts';

/**
 * `/mcp/:serverId`: the server's header card (health, latency, protocol version, server info, authentication, Check
 * now) and its catalog: tools with their review state and flags beside the selected tool's detail (`?tool=` keeps the
 * choice in the URL), resources and prompts (read-only). Test ids: `mcp-server-*`, `mcp-tool-*`.
 */
@Component({
  selector: 'omni-mcp-server-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [DatePipe, RouterLink, ConfirmComponent, LoadErrorComponent, PoisonFlagsComponent, McpStatusComponent, ToolDetailComponent],
  template: `
    <nav class="crumbs small" aria-label="Breadcrumb"><a routerLink="/mcp" data-testid="crumb-mcp">MCP servers</a> / {{ server()?.name ?? serverId() }}</nav>
    <omni-load-error [error]="error()" what="the server" testid="mcp-server-load-error" (retry)="load()" />

    @if (server(); as s) {
      <section class="card head" data-testid="mcp-server-head" [attr.data-health]="s.health.status" aria-labelledby="mcp-server-name">
        <div class="row">
          <span class="dot" [attr.data-health]="s.health.status" aria-hidden="true"></span>
          <h1 id="mcp-server-name" class="title">{{ s.name }}</h1>
          <span class="pill" data-tone="accent">{{ transport[s.transport.type] }}</span>
          @if (attention(s); as a) {
            <span class="pill" [attr.data-tone]="a.kind === 'drifted' ? 'bad' : 'warn'" data-testid="mcp-drift-badge" [attr.data-kind]="a.kind">{{
              a.text
            }}</span>
          }
          @if (!s.enabled) {
            <span class="pill">disabled</span>
          }
          <span class="spacer"></span>
          @if (canOperate()) {
            <button type="button" class="btn" [disabled]="checking()" (click)="check()" data-testid="mcp-check">
              {{ checking() ? 'Checking…' : 'Check now' }}
            </button>
          }
          @if (canAdmin() && s.auth.type === 'oauth') {
            <button
              type="button"
              class="btn"
              [class.primary]="s.health.auth_state !== 'ok'"
              [disabled]="authorizing()"
              (click)="authorize()"
              data-testid="mcp-authorize"
            >
              {{ authorizing() ? 'Starting…' : 'Authorize' }}
            </button>
          }
          @if (canAdmin()) {
            <button type="button" class="btn" [disabled]="toggling()" (click)="toggleEnabled(s)" data-testid="mcp-toggle-enabled">
              {{ s.enabled ? 'Disable' : 'Enable' }}
            </button>
            <omni-confirm
              label="Remove"
              busyLabel="Removing…"
              [busy]="removing()"
              [stepLabel]="'Confirm removing ' + s.name"
              [triggerLabel]="'Remove server ' + s.name"
              testid="mcp-remove"
              (confirmed)="remove(s)"
              >Remove {{ s.name }}? Its tools can no longer be called; runs keep their records.</omni-confirm
            >
          }
        </div>
        <p class="muted small where">{{ where(s) }}</p>
        @if (actionError(); as err) {
          <div class="form-error" role="alert" data-testid="mcp-action-error">{{ err }}</div>
        }
        @if (authNote(); as note) {
          <p class="small" role="status" data-testid="mcp-authorize-note">{{ note }}</p>
        }
        <dl class="facts facts-grid">
          <div>
            <dt>Health</dt>
            <dd data-testid="mcp-server-health" [attr.data-status]="s.health.status">
              {{ s.health.status === 'unknown' ? 'not checked yet' : s.health.status }}
            </dd>
          </div>
          <div>
            <dt>Latency</dt>
            <dd data-testid="mcp-server-latency">{{ s.health.latency_ms === null ? '—' : s.health.latency_ms + ' ms' }}</dd>
          </div>
          <div>
            <dt>Protocol</dt>
            <dd data-testid="mcp-server-protocol">{{ s.health.protocol_version ?? '—' }}</dd>
          </div>
          <div>
            <dt>Server</dt>
            <dd data-testid="mcp-server-info">
              @if (s.health.server_info; as info) {
                {{ info.title || info.name }} <span class="muted">{{ info.version }}</span>
              } @else {
                —
              }
            </dd>
          </div>
          <div>
            <dt>Auth</dt>
            <dd data-testid="mcp-server-auth">
              {{ authText[s.health.auth_state] }}
              @if (s.auth.type === 'headers') {
                <span class="muted small"
                  >· headers
                  @for (h of s.auth.headers; track h.name) {
                    <code [title]="'fingerprint ' + h.fingerprint">{{ h.name }}</code>
                  }
                </span>
              } @else if (s.auth.type === 'oauth') {
                <span class="muted small">· OAuth{{ s.auth.authorized ? '' : ' (not authorized yet)' }}</span>
              }
            </dd>
          </div>
          <div>
            <dt>Checked</dt>
            <dd>{{ s.health.checked_at ? (s.health.checked_at | date: 'medium') : 'never' }}</dd>
          </div>
        </dl>
        @if (s.health.error; as e) {
          <p class="error-text small" data-testid="mcp-server-error">Last check failed: {{ e.message }} ({{ e.code }})</p>
        }
      </section>

      <div class="tabs" role="tablist" aria-label="Catalog">
        @for (t of tabs; track t.id) {
          <button
            type="button"
            role="tab"
            [id]="'mcp-tab-' + t.id"
            [attr.aria-selected]="tab() === t.id"
            [attr.aria-controls]="'mcp-tab-panel'"
            [attr.tabindex]="tab() === t.id ? 0 : -1"
            (click)="tab.set(t.id)"
            (keydown.arrowRight)="stepTab(1)"
            (keydown.arrowLeft)="stepTab(-1)"
            [attr.data-testid]="'mcp-tab-' + t.id"
          >
            {{ t.label }} <span class="muted">{{ countOf(t.id) }}</span>
          </button>
        }
        <span class="spacer"></span>
        @if (catalog()?.listed_at; as at) {
          <span class="muted small listed">listed {{ at | date: 'medium' }}</span>
        }
      </div>

      <div id="mcp-tab-panel" role="tabpanel" [attr.aria-labelledby]="'mcp-tab-' + tab()">
        @if (catalog(); as c) {
          @switch (tab()) {
            @case ('tools') {
              @if (!c.tools.length) {
                <div class="empty" data-testid="mcp-tools-empty"><p class="muted">The server lists no tools.</p></div>
              } @else {
                <div class="split">
                  <ul class="tool-list" aria-label="Tools" data-testid="mcp-tool-list">
                    @for (t of tools(); track t.definition.name) {
                      <li>
                        <button
                          type="button"
                          class="tool-row"
                          [class.selected]="t.definition.name === selectedName()"
                          [attr.aria-current]="t.definition.name === selectedName() ? 'true' : null"
                          (click)="select(t.definition.name)"
                          data-testid="mcp-tool-row"
                          [attr.data-tool]="t.definition.name"
                          [attr.data-status]="t.status"
                        >
                          <span class="row">
                            <code class="tool-name">{{ t.definition.name }}</code>
                            <span class="spacer"></span>
                            <omni-mcp-status [status]="t.status" />
                          </span>
                          @if (t.definition.description; as d) {
                            <span class="muted small desc">{{ d }}</span>
                          }
                          @if (t.flags.length) {
                            <span class="row"><omni-poison-flags [flags]="t.flags" /></span>
                          }
                        </button>
                      </li>
                    }
                  </ul>
                  @if (selected(); as t) {
                    <omni-mcp-tool-detail [serverId]="s.id" [tool]="t" [canAdmin]="canAdmin()" [canOperate]="canOperate()" (changed)="toolChanged($event)" />
                  } @else {
                    <div class="empty"><p class="muted">Choose a tool to see its schema, try it or pin it.</p></div>
                  }
                </div>
              }
            }
            @case ('resources') {
              @for (r of c.resources; track r.uri) {
                <div class="card item" data-testid="mcp-resource">
                  <div class="row">
                    <strong>{{ r.name }}</strong> <code class="small">{{ r.uri }}</code><span class="spacer"></span
                    ><span class="muted small">{{ r.mime_type ?? '' }}</span>
                  </div>
                  @if (r.description) {
                    <p class="muted small">{{ r.description }}</p>
                  }
                </div>
              } @empty {
                <div class="empty"><p class="muted">The server lists no resources.</p></div>
              }
            }
            @case ('prompts') {
              @for (p of c.prompts; track p.name) {
                <div class="card item" data-testid="mcp-prompt">
                  <strong>{{ p.name }}</strong>
                  @if (p.description) {
                    <p class="muted small">{{ p.description }}</p>
                  }
                  @if (p.arguments?.length) {
                    <p class="small">
                      Arguments:
                      @for (a of p.arguments; track a.name; let last = $last) {
                        <code [title]="a.description ?? ''">{{ a.name }}{{ a.required ? '*' : '' }}</code
                        >{{ last ? '' : ', ' }}
                      }
                    </p>
                  }
                </div>
              } @empty {
                <div class="empty"><p class="muted">The server lists no prompts.</p></div>
              }
            }
          }
        } @else if (catalogError(); as err) {
          <div class="banner error" role="alert" data-testid="mcp-catalog-error">
            Could not load the catalog: {{ err }} <button type="button" class="btn small" (click)="load()">Try again</button>
          </div>
        } @else {
          <div class="card skeleton" aria-busy="true" style="min-height: 160px"><span class="visually-hidden">Loading…</span></div>
        }
      </div>
    } @else if (!error()) {
      <div class="card skeleton" aria-busy="true" style="min-height: 140px"><span class="visually-hidden">Loading…</span></div>
    }
  `,
  styleUrl: './mcp.css',
  styles: `
    .head {
      display: grid;
      gap: 8px;
      min-height: 0;
      margin-bottom: 12px;
    }
    .title {
      margin: 0;
      font-size: 20px;
    }
    .where {
      margin: 0;
      word-break: break-all;
    }
    .dot {
      width: 10px;
      height: 10px;
      border-radius: 50%;
      background: var(--muted);
    }
    .dot[data-health='ok'] {
      background: var(--ok);
    }
    .dot[data-health='error'] {
      background: var(--bad);
    }
    .facts-grid {
      display: grid;
      grid-template-columns: repeat(auto-fill, minmax(150px, 1fr));
      gap: 8px 16px;
    }
    .facts-grid dt {
      font-size: 12px;
    }
    .tabs {
      align-items: center;
    }
    .listed {
      padding-right: 4px;
    }
    .split {
      display: grid;
      grid-template-columns: minmax(240px, 340px) 1fr;
      gap: 16px;
      align-items: start;
    }
    .tool-list {
      list-style: none;
      margin: 0;
      padding: 0;
      display: grid;
      gap: 6px;
    }
    .tool-row {
      width: 100%;
      text-align: left;
      display: grid;
      gap: 4px;
      padding: 8px 10px;
      border: 1px solid var(--border);
      border-radius: 8px;
      background: var(--surface);
      color: var(--text);
      font: inherit;
      cursor: pointer;
    }
    .tool-row:hover {
      border-color: var(--accent);
    }
    .tool-row.selected {
      border-color: var(--accent);
      box-shadow: inset 3px 0 0 var(--accent);
    }
    .tool-row[data-status='drifted'] {
      border-color: var(--bad);
    }
    .tool-name {
      font-weight: 600;
      word-break: break-all;
    }
    .desc {
      display: -webkit-box;
      -webkit-line-clamp: 2;
      -webkit-box-orient: vertical;
      overflow: hidden;
    }
    .item {
      min-height: 0;
      margin-bottom: 8px;
    }
    .item p {
      margin: 4px 0 0;
    }
    @media (max-width: 900px) {
      .split {
        grid-template-columns: 1fr;
      }
    }
  `,
})
export class McpServerPageComponent {
  readonly serverId = input.required<string>();
  /** The selected tool, by name (query parameter `tool`). */
  readonly tool = input<string | undefined>();
  private readonly api = inject(ApiClient);
  private readonly router = inject(Router);
  private readonly session = inject(SessionStore);
  protected readonly transport = TRANSPORT_TEXT;
  protected readonly authText = AUTH_STATE_TEXT;
  protected readonly attention = attentionOf;
  protected readonly where = (s: McpServer) => transportSummary(s.transport);
  protected readonly tabs: ReadonlyArray<{ id: Tab; label: string }> = [
    { id: 'tools', label: 'Tools' },
    { id: 'resources', label: 'Resources' },
    { id: 'prompts', label: 'Prompts' },
  ];
  protected readonly tab = signal<Tab>('tools');
  protected readonly server = signal<McpServer | null>(null);
  protected readonly catalog = signal<McpCatalog | null>(null);
  protected readonly error = signal<string | null>(null);
  protected readonly catalogError = signal<string | null>(null);
  protected readonly actionError = signal<string | null>(null);
  protected readonly checking = signal(false);
  protected readonly toggling = signal(false);
  protected readonly removing = signal(false);
  protected readonly authorizing = signal(false);
  protected readonly authNote = signal<string | null>(null);
  protected readonly canAdmin = computed(() => this.session.can('admin'));
  protected readonly canOperate = computed(() => this.session.canAnywhere('operate'));
  protected readonly tools = computed(() => sortTools(this.catalog()?.tools ?? []));
  /** The tool named in the URL, else the first that needs a reviewer, else the first. */
  protected readonly selected = computed(() => {
    const list = this.tools();
    return list.find((t) => t.definition.name === this.tool()) ?? list[0] ?? null;
  });

  protected readonly selectedName = computed(() => this.selected()?.definition.name ?? null);

  constructor() {
    effect(() => {
      this.serverId();
      untracked(() => void this.load());
    });
  }

  async load(): Promise<void> {
    const id = this.serverId();
    void loadInto(this.catalogError, async () => this.catalog.set(await this.api.getMcpCatalog(id)));
    await loadInto(this.error, async () => this.server.set(await this.api.getMcpServer(id)));
  }

  protected countOf(tab: Tab): string {
    const c = this.catalog();
    return c ? String(c[tab].length) : '';
  }

  protected stepTab(by: number): void {
    const ids = this.tabs.map((t) => t.id);
    const next = ids[(ids.indexOf(this.tab()) + by + ids.length) % ids.length]!;
    this.tab.set(next);
    queueMicrotask(() => document.getElementById(`mcp-tab-${next}`)?.focus());
  }

  protected select(name: string): void {
    void this.router.navigate([], { queryParams: { tool: name }, replaceUrl: true });
  }

  /** Connect, re-list and compare now: the answer is the server and its catalog as just seen. */
  protected async check(): Promise<void> {
    this.checking.set(true);
    this.actionError.set(null);
    try {
      const detail = await this.api.checkMcpServer(this.serverId());
      this.server.set(detail.server);
      this.catalog.set(detail.catalog);
    } catch (err) {
      this.actionError.set(`Not checked: ${errorText(err)}`);
    } finally {
      this.checking.set(false);
    }
  }

  /** A tool approved, blocked or unblocked: its new entry, and the server's counts as the API now has them. */
  protected async toolChanged(tool: McpCatalogTool): Promise<void> {
    this.catalog.update((c) => c && { ...c, tools: c.tools.map((t) => (t.definition.name === tool.definition.name ? tool : t)) });
    try {
      this.server.set(await this.api.getMcpServer(this.serverId()));
    } catch {
      // the card keeps its last counts; the next load corrects them
    }
  }

  /**
   * OAuth 2.1 with PKCE: the API answers where to send the admin (the authorization server's page, which redirects
   * back to OmniAI's callback and from there to this page), or null when the stored token still works.
   */
  protected async authorize(): Promise<void> {
    this.authorizing.set(true);
    this.actionError.set(null);
    this.authNote.set(null);
    try {
      const start = await this.api.authorizeMcpServer(this.serverId());
      if (start.authorization_url) {
        this.authNote.set(`Opening the authorization server… (OmniAI's redirect URI: ${start.redirect_uri})`);
        location.assign(start.authorization_url);
        return;
      }
      this.authNote.set('Authorized: the stored token still works.');
      this.server.set(await this.api.getMcpServer(this.serverId()));
    } catch (err) {
      this.actionError.set(`Not authorized: ${errorText(err)}`);
    } finally {
      this.authorizing.set(false);
    }
  }

  protected async toggleEnabled(s: McpServer): Promise<void> {
    this.toggling.set(true);
    this.actionError.set(null);
    try {
      this.server.set(await this.api.updateMcpServer(s.id, { enabled: !s.enabled }));
    } catch (err) {
      this.actionError.set(`${s.enabled ? 'Not disabled' : 'Not enabled'}: ${errorText(err)}`);
    } finally {
      this.toggling.set(false);
    }
  }

  protected async remove(s: McpServer): Promise<void> {
    this.removing.set(true);
    this.actionError.set(null);
    try {
      await this.api.deleteMcpServer(s.id);
      await this.router.navigate(['/mcp']);
    } catch (err) {
      this.actionError.set(`Not removed: ${errorText(err)}`);
    } finally {
      this.removing.set(false);
    }
  }
}
