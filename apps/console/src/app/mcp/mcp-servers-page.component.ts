import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { Router, RouterLink } from '@angular/router';
import type { McpServer, McpServerDetail } from '@omniai/contracts';
import { ApiClient } from '../core/api-client';
import { loadInto } from '../core/api-error';
import { SessionStore } from '../core/session.store';
import { LoadErrorComponent } from '../shared/load-error.component';
import { PageHeadComponent } from '../shared/page-head.component';
import { AddServerFormComponent } from './add-server-form.component';
import { AUTH_STATE_TEXT, TRANSPORT_TEXT, attentionOf, transportSummary } from './mcp-model';

/**
 * `/mcp`: every MCP server as a card (transport, health, latency, auth state, tools per review state and a drift
 * badge), and, for admins, the form that adds one. Test ids: `mcp-*`.
 */
@Component({
  selector: 'omni-mcp-servers-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [DatePipe, RouterLink, AddServerFormComponent, LoadErrorComponent, PageHeadComponent],
  template: `
    <omni-page-head heading="MCP servers">
      Tool servers OmniAI connects to. Each tool's definition is hashed when approved; a server that changes a tool later (drift) has that tool disabled until
      someone reviews the change.
      @if (isAdmin() && !adding()) {
        <button pageActions type="button" class="btn primary nowrap" (click)="adding.set(true)" data-testid="mcp-add">Add server</button>
      }
    </omni-page-head>

    @if (adding()) {
      <omni-add-server-form (added)="added($event)" (cancelled)="adding.set(false)" />
    }

    <omni-load-error [error]="error()" what="the MCP servers" testid="mcp-list-error" (retry)="load()" />
    @if (servers() === null && !error()) {
      <div class="card skeleton" aria-busy="true" style="min-height: 120px"><span class="visually-hidden">Loading…</span></div>
    } @else if (servers()?.length === 0) {
      <div class="empty" data-testid="mcp-empty">
        <h2>No MCP servers yet</h2>
        <p class="muted">
          {{ isAdmin() ? 'Add one: a Streamable HTTP endpoint, or a stdio server that runs in a sandboxed container.' : 'An admin adds them.' }}
        </p>
      </div>
    } @else if (servers(); as list) {
      <ul class="cards servers" aria-label="MCP servers">
        @for (s of list; track s.id) {
          <li
            class="card server"
            data-testid="mcp-server-card"
            [attr.data-server-id]="s.id"
            [attr.data-health]="s.health.status"
            [attr.data-enabled]="s.enabled"
          >
            <div class="row">
              <span class="dot" [attr.data-health]="s.health.status" aria-hidden="true"></span>
              <h2 class="name">
                <a [routerLink]="['/mcp', s.id]" data-testid="mcp-server-link">{{ s.name }}</a>
              </h2>
              <span class="spacer"></span>
              @if (attention(s); as a) {
                <span class="pill" [attr.data-tone]="a.kind === 'drifted' ? 'bad' : 'warn'" data-testid="mcp-drift-badge" [attr.data-kind]="a.kind">{{
                  a.text
                }}</span>
              }
            </div>
            <p class="muted small where" [title]="where(s)">
              <span class="pill" data-tone="accent">{{ transport[s.transport.type] }}</span> {{ where(s) }}
            </p>
            <dl class="facts tight">
              <dt>Health</dt>
              <dd data-testid="mcp-server-health">
                {{ s.health.status === 'unknown' ? 'not checked yet' : s.health.status }}
                @if (s.health.latency_ms !== null) {
                  <span class="muted" data-testid="mcp-server-latency">· {{ s.health.latency_ms }} ms</span>
                }
              </dd>
              <dt>Auth</dt>
              <dd data-testid="mcp-server-auth">{{ authText[s.health.auth_state] }}</dd>
              <dt>Tools</dt>
              <dd data-testid="mcp-server-tools">
                {{ s.tool_counts.approved }} approved
                @if (s.tool_counts.blocked) {
                  · {{ s.tool_counts.blocked }} blocked
                }
              </dd>
              <dt>Checked</dt>
              <dd>{{ s.health.checked_at ? (s.health.checked_at | date: 'short') : 'never' }}</dd>
            </dl>
            @if (s.health.error; as e) {
              <p class="error-text small" data-testid="mcp-server-error">{{ e.message }} ({{ e.code }})</p>
            }
            @if (!s.enabled) {
              <p class="muted small">Disabled: its tools are not offered to runs.</p>
            }
          </li>
        }
      </ul>
    }
  `,
  styleUrl: './mcp.css',
  styles: `
    .servers {
      grid-template-columns: repeat(auto-fill, minmax(300px, 1fr));
    }
    .server {
      display: grid;
      gap: 6px;
      align-content: start;
    }
    .name {
      margin: 0;
      font-size: 15px;
    }
    .where {
      margin: 0;
      overflow: hidden;
      text-overflow: ellipsis;
      white-space: nowrap;
    }
    .dot {
      width: 9px;
      height: 9px;
      border-radius: 50%;
      background: var(--muted);
    }
    .dot[data-health='ok'] {
      background: var(--ok);
    }
    .dot[data-health='error'] {
      background: var(--bad);
    }
    .server[data-health='error'] {
      border-color: var(--bad);
    }
    p {
      margin: 0;
    }
  `,
})
export class McpServersPageComponent {
  private readonly api = inject(ApiClient);
  private readonly router = inject(Router);
  private readonly session = inject(SessionStore);
  protected readonly transport = TRANSPORT_TEXT;
  protected readonly authText = AUTH_STATE_TEXT;
  protected readonly attention = attentionOf;
  protected readonly where = (s: McpServer) => transportSummary(s.transport);
  protected readonly servers = signal<McpServer[] | null>(null);
  protected readonly error = signal<string | null>(null);
  protected readonly adding = signal(false);
  protected readonly isAdmin = computed(() => this.session.can('admin'));

  constructor() {
    void this.load();
  }

  async load(): Promise<void> {
    await loadInto(this.error, async () => this.servers.set(await this.api.listMcpServers()));
  }

  /** A new server opens on its catalog, as just listed. */
  protected async added(detail: McpServerDetail): Promise<void> {
    this.adding.set(false);
    await this.router.navigate(['/mcp', detail.server.id]);
  }
}
