import { ChangeDetectionStrategy, Component, ElementRef, inject, output, signal } from '@angular/core';
import type { McpServerDetail } from '@omniai/contracts';
import { ApiClient } from '../core/api-client';
import { ApiError, errorText } from '../core/api-error';
import { FormState } from '../core/form-state';
import { FIELD } from '../shared/form-field.component';
import { type ServerDraft, type ServerErrors, blankServerDraft, createServerRequest, errorsOfServerIssues } from './mcp-model';

/** Why adding a server failed, with what the admin can do about it (by the status the route documents). */
function addFailure(err: unknown): string {
  if (!(err instanceof ApiError)) return `Not added: ${errorText(err)}`;
  const hint: Record<number, string> = {
    403: ' Allow its host in Settings → Policy (a loopback or private host needs an entry that allows it explicitly).',
    409: ' Choose another id.',
    502: ' Check that the server is running and speaks MCP at this address.',
  };
  return `Not added: ${errorText(err)}.${hint[err.status] ?? ''}`;
}

/**
 * "Add server": an id and name, the transport (Streamable HTTP: a URL; stdio: image, command, environment, egress
 * hosts, memory) and the authentication (none; static headers whose values are write-only: sealed by the API and
 * never shown again; or OAuth 2.1 for a remote server, authorized afterwards from the server's page). On success OmniAI has connected, listed the catalog and approved what it listed. Test ids:
 * `mcp-add-*`.
 */
@Component({
  selector: 'omni-add-server-form',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [FIELD],
  template: `
    <form class="card form-card" (submit)="submit($event)" novalidate aria-labelledby="mcp-add-title" data-testid="mcp-add-form">
      <div class="row">
        <h2 class="section-title" id="mcp-add-title">Add an MCP server</h2>
        <span class="spacer"></span>
        <button type="button" class="btn small" (click)="cancelled.emit()" data-testid="mcp-add-cancel">Cancel</button>
      </div>
      @if (form.error(); as err) {
        <div class="form-error" role="alert" data-testid="mcp-add-error">{{ err }}</div>
      }
      <div class="grid2">
        <omni-field label="Id" for="mcp-add-id" [form]="form" name="id" hint="Its tools become mcp.<id>.<tool>: lower-case letters, digits, _ and -.">
          <input omniControl spellcheck="false" autocomplete="off" [value]="draft().id" (input)="set('id', $any($event.target).value)" />
        </omni-field>
        <omni-field label="Name (optional)" for="mcp-add-name" [form]="form" name="name">
          <input omniControl [value]="draft().name" (input)="set('name', $any($event.target).value)" />
        </omni-field>
      </div>

      <fieldset>
        <legend>Transport</legend>
        <div class="choice" role="radiogroup" aria-label="Transport">
          <label>
            <input
              type="radio"
              name="mcp-transport"
              value="streamable_http"
              [checked]="draft().transport === 'streamable_http'"
              (change)="set('transport', 'streamable_http')"
              data-testid="mcp-add-transport-http"
            />
            Streamable HTTP
          </label>
          <label>
            <input
              type="radio"
              name="mcp-transport"
              value="stdio"
              [checked]="draft().transport === 'stdio'"
              (change)="set('transport', 'stdio')"
              data-testid="mcp-add-transport-stdio"
            />
            stdio, in a sandboxed container
          </label>
        </div>
        @if (draft().transport === 'streamable_http') {
          <omni-field
            label="URL"
            for="mcp-add-url"
            [form]="form"
            name="url"
            hint="The server's MCP endpoint. Its host must be on the policy's egress allowlist; a local or private host only through an entry that allows it."
          >
            <input
              omniControl
              type="url"
              spellcheck="false"
              placeholder="https://mcp.example.org/mcp"
              [value]="draft().url"
              (input)="set('url', $any($event.target).value)"
            />
          </omni-field>
        } @else {
          <div class="grid2">
            <omni-field
              label="Image (optional)"
              for="mcp-add-image"
              [form]="form"
              name="image"
              hint="Empty: the image setup builds (Node and the pinned reference servers)."
            >
              <input omniControl spellcheck="false" placeholder="omniai/mcp-node" [value]="draft().image" (input)="set('image', $any($event.target).value)" />
            </omni-field>
            <omni-field label="Memory (MB)" for="mcp-add-memory" [form]="form" name="memoryMb" hint="64 to 2048.">
              <input omniControl type="number" min="64" max="2048" [value]="draft().memoryMb" (input)="set('memoryMb', +$any($event.target).value)" />
            </omni-field>
          </div>
          <omni-field label="Command" for="mcp-add-command" [form]="form" name="command" hint="One argument per line; run as is, never through a shell.">
            <textarea
              omniControl
              rows="3"
              spellcheck="false"
              placeholder="mcp-server-everything&#10;stdio"
              [value]="draft().command"
              (input)="set('command', $any($event.target).value)"
            ></textarea>
          </omni-field>
          <div class="grid2">
            <omni-field
              label="Environment (optional)"
              for="mcp-add-env"
              [form]="form"
              name="env"
              hint="NAME=value, one per line. Not for secrets: use headers."
            >
              <textarea omniControl rows="2" spellcheck="false" [value]="draft().env" (input)="set('env', $any($event.target).value)"></textarea>
            </omni-field>
            <omni-field
              label="Egress hosts (optional)"
              for="mcp-add-egress"
              [form]="form"
              name="egressHosts"
              hint="Hosts the container may reach through the egress proxy (the workspace must allow them too)."
            >
              <textarea
                omniControl
                rows="2"
                spellcheck="false"
                [value]="draft().egressHosts"
                (input)="set('egressHosts', $any($event.target).value)"
              ></textarea>
            </omni-field>
          </div>
        }
      </fieldset>

      <fieldset>
        <legend>Authentication</legend>
        <div class="choice" role="radiogroup" aria-label="Authentication">
          <label>
            <input
              type="radio"
              name="mcp-auth"
              value="none"
              [checked]="draft().auth === 'none'"
              (change)="set('auth', 'none')"
              data-testid="mcp-add-auth-none"
            />
            None
          </label>
          <label>
            <input
              type="radio"
              name="mcp-auth"
              value="headers"
              [checked]="draft().auth === 'headers'"
              (change)="set('auth', 'headers')"
              data-testid="mcp-add-auth-headers"
            />
            Static headers
          </label>
          @if (draft().transport === 'streamable_http') {
            <label>
              <input
                type="radio"
                name="mcp-auth"
                value="oauth"
                [checked]="draft().auth === 'oauth'"
                (change)="set('auth', 'oauth')"
                data-testid="mcp-add-auth-oauth"
              />
              OAuth 2.1
            </label>
          }
        </div>
        @if (draft().auth === 'headers') {
          <p class="hint">Values are write-only: sealed when saved, sent only by the worker, never shown again (a fingerprint identifies them).</p>
          @for (h of draft().headers; track $index; let i = $index) {
            <div class="header-row" data-testid="mcp-add-header">
              <label class="visually-hidden" [for]="'mcp-add-header-name-' + i">Header {{ i + 1 }} name</label>
              <input
                [id]="'mcp-add-header-name-' + i"
                placeholder="Authorization"
                spellcheck="false"
                [value]="h.name"
                (input)="setHeader(i, 'name', $any($event.target).value)"
                data-testid="mcp-add-header-name"
              />
              <label class="visually-hidden" [for]="'mcp-add-header-value-' + i">Header {{ i + 1 }} value</label>
              <input
                [id]="'mcp-add-header-value-' + i"
                type="password"
                autocomplete="off"
                placeholder="value"
                [value]="h.value"
                (input)="setHeader(i, 'value', $any($event.target).value)"
                data-testid="mcp-add-header-value"
              />
              <button
                type="button"
                class="btn small"
                [attr.aria-label]="'Remove header ' + (i + 1)"
                (click)="removeHeader(i)"
                [disabled]="draft().headers.length === 1"
              >
                Remove
              </button>
            </div>
          }
          @if (form.errors().headers; as e) {
            <p class="field-error" data-testid="mcp-add-headers-error">{{ e }}</p>
          }
          <div>
            <button type="button" class="btn small" (click)="addHeader()" [disabled]="draft().headers.length >= 10">Add a header</button>
          </div>
        } @else if (draft().auth === 'oauth') {
          <p class="hint">
            After adding, <strong>Authorize</strong> on the server's page sends you to its authorization server (PKCE). Without a client id, OmniAI registers
            itself where the server allows it. Tokens and the secret are sealed, never shown again.
          </p>
          <div class="grid2">
            <omni-field label="Client id (optional)" for="mcp-add-client-id" [form]="form" name="clientId">
              <input omniControl spellcheck="false" autocomplete="off" [value]="draft().clientId" (input)="set('clientId', $any($event.target).value)" />
            </omni-field>
            <omni-field label="Client secret (optional)" for="mcp-add-client-secret" [form]="form" name="clientSecret">
              <input omniControl type="password" autocomplete="off" [value]="draft().clientSecret" (input)="set('clientSecret', $any($event.target).value)" />
            </omni-field>
          </div>
          <omni-field label="Scopes (optional)" for="mcp-add-scopes" [form]="form" name="scopes" hint="Space- or comma-separated.">
            <input omniControl spellcheck="false" [value]="draft().scopes" (input)="set('scopes', $any($event.target).value)" />
          </omni-field>
        }
      </fieldset>

      <div class="form-actions">
        <button omniSubmit class="btn primary" [busy]="form.busy()" busyLabel="Connecting…" data-testid="mcp-add-submit">Add and list its tools</button>
      </div>
    </form>
  `,
  styleUrl: './mcp.css',
  styles: `
    form {
      display: grid;
      gap: 12px;
      margin-bottom: 20px;
    }
    .grid2 {
      display: grid;
      grid-template-columns: repeat(auto-fit, minmax(240px, 1fr));
      gap: 12px;
    }
    .header-row {
      display: grid;
      grid-template-columns: 1fr 2fr auto;
      gap: 8px;
    }
    h2 {
      margin: 0;
    }
  `,
})
export class AddServerFormComponent {
  readonly added = output<McpServerDetail>();
  readonly cancelled = output<void>();
  private readonly api = inject(ApiClient);
  private readonly host = inject<ElementRef<HTMLElement>>(ElementRef);
  protected readonly form = new FormState<ServerErrors>();
  protected readonly draft = signal<ServerDraft>(blankServerDraft());

  protected set<K extends keyof ServerDraft>(key: K, value: ServerDraft[K]): void {
    // OAuth is for remote servers: a stdio server falls back to no authentication.
    this.draft.update((d) => ({ ...d, [key]: value, ...(key === 'transport' && value === 'stdio' && d.auth === 'oauth' ? { auth: 'none' as const } : {}) }));
  }

  protected setHeader(i: number, key: 'name' | 'value', value: string): void {
    this.draft.update((d) => ({ ...d, headers: d.headers.map((h, j) => (j === i ? { ...h, [key]: value } : h)) }));
    this.form.clear('headers');
  }

  protected addHeader(): void {
    this.draft.update((d) => ({ ...d, headers: [...d.headers, { name: '', value: '' }] }));
  }

  protected removeHeader(i: number): void {
    this.draft.update((d) => ({ ...d, headers: d.headers.filter((_, j) => j !== i) }));
  }

  protected async submit(ev: Event): Promise<void> {
    const el = (id: string) => this.host.nativeElement.querySelector<HTMLElement>(`#${id}`) ?? undefined;
    await this.form.submit(ev, {
      check: () => createServerRequest(this.draft()),
      focus: [
        ['id', () => el('mcp-add-id')],
        ['name', () => el('mcp-add-name')],
        ['url', () => el('mcp-add-url')],
        ['image', () => el('mcp-add-image')],
        ['memoryMb', () => el('mcp-add-memory')],
        ['command', () => el('mcp-add-command')],
        ['env', () => el('mcp-add-env')],
        ['egressHosts', () => el('mcp-add-egress')],
        ['headers', () => el('mcp-add-header-name-0')],
        ['clientId', () => el('mcp-add-client-id')],
        ['clientSecret', () => el('mcp-add-client-secret')],
        ['scopes', () => el('mcp-add-scopes')],
      ],
      send: async (body) => {
        const detail = await this.api.createMcpServer(body);
        // The header values and the client secret leave the page with the request: nothing keeps them.
        this.draft.set(blankServerDraft());
        this.added.emit(detail);
      },
      failed: (err) => {
        if (err instanceof ApiError && err.issues.length) {
          const { errors, rest } = errorsOfServerIssues(err.issues);
          this.form.errors.set(errors);
          if (!rest.length) return `Not added: ${err.message}`;
          return `Not added: ${err.message} (${rest.map((i) => `${i.path}: ${i.message}`).join('; ')})`;
        }
        return addFailure(err);
      },
    });
  }
}
