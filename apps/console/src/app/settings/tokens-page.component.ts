import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, ElementRef, Injector, afterNextRender, inject, signal, viewChild } from '@angular/core';
import type { ApiToken, CreatedToken, TokenScope } from '@omniai/contracts';
import { ticking } from '../shared/clock';
import { ApiClient } from '../core/api-client';
import { loadInto } from '../core/api-error';
import { ConfirmedAction } from '../core/confirmed-action';
import { FormState } from '../core/form-state';
import { SessionStore } from '../core/session.store';
import { DATA_TABLE } from '../shared/data-table.component';
import { FIELD } from '../shared/form-field.component';
import { ConfirmComponent } from '../shared/confirm.component';
import { LoadErrorComponent } from '../shared/load-error.component';
import { SecretOnceComponent } from '../shared/secret-once.component';
import { SCOPE_HINT, TOKEN_EXPIRY_DAYS, TOKEN_SCOPES, type TokenErrors, tokenState, validateToken } from './identity-drafts';
import { PageHeadComponent } from '../shared/page-head.component';

const STATE_LABEL = { active: 'Active', expired: 'Expired', revoked: 'Revoked' } as const;

/**
 * Settings → API tokens: bearer tokens for the public lane (`/v1/public/*`) that act as you within their scopes.
 * The secret is shown once, right after creating the token; the list shows only its prefix.
 */
@Component({
  selector: 'omni-tokens-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [DatePipe, ConfirmComponent, DATA_TABLE, FIELD, LoadErrorComponent, SecretOnceComponent, PageHeadComponent],
  template: `
    <omni-page-head heading="API tokens">
      Tokens let scripts and CI call <code>/v1/public/…</code> as you, with <code>Authorization: Bearer &lt;token&gt;</code>. A token can do only what its
      scopes and your role both allow, and it always expires.
    </omni-page-head>

    <p class="visually-hidden" role="status" aria-live="polite" data-testid="tokens-status">{{ status() }}</p>

    @if (created(); as c) {
      <omni-secret-once
        [secret]="c.secret"
        [heading]="'Copy your new token “' + c.token.name + '”'"
        [level]="2"
        what="token"
        doneLabel="I have stored it"
        testid="token-secret"
        copyTestid="token-copy"
        (copied)="status.set('Token copied.')"
        (dismissed)="dismiss()"
      >
        Store it in your secret manager now: OmniAI keeps only a hash and cannot show it again.
      </omni-secret-once>
    }

    <omni-load-error [error]="loadError()" what="your tokens" testid="tokens-load-error" (retry)="load()" />

    <div class="settings-grid">
      <section aria-labelledby="tokens-title">
        <h2 id="tokens-title" class="section-title" tabindex="-1">Your tokens</h2>
        @if (tokens() === null && !loadError()) {
          <div class="card table-card skeleton" aria-busy="true" data-testid="tokens-loading"><span class="visually-hidden">Loading tokens…</span></div>
        } @else if (tokens()?.length === 0) {
          <omni-empty heading="No tokens yet" data-testid="tokens-empty">
            Create one for each script or pipeline, so that you can revoke them one at a time.
          </omni-empty>
        } @else if (tokens(); as list) {
          <omni-data-table testid="tokens-table" [columns]="['Name', 'Token', 'Scopes', 'Expires', 'Last used']" [actions]="true">
            @for (t of list; track t.id) {
              <tr data-testid="token-row" [attr.data-token-id]="t.id" [attr.data-state]="state(t)">
                <td>
                  <strong data-testid="token-name-cell">{{ t.name }}</strong>
                  @if (state(t) !== 'active') {
                    <span class="state-pill" [attr.data-state]="state(t)" data-testid="token-state">{{ label[state(t)] }}</span>
                  }
                </td>
                <td>
                  <code data-testid="token-prefix">{{ t.prefix }}…</code>
                </td>
                <td>
                  @for (s of t.scopes; track s) {
                    <span class="scope-chip">{{ s }}</span>
                  }
                </td>
                <td class="nowrap" [title]="t.expires_at">{{ t.expires_at | date: 'mediumDate' }}</td>
                <td class="nowrap" data-testid="token-last-used">
                  @if (t.last_used_at) {
                    {{ t.last_used_at | date: 'short' }}
                  } @else {
                    <span class="muted">never</span>
                  }
                </td>
                <td class="actions-cell">
                  @if (state(t) === 'active') {
                    <omni-confirm
                      class="inline"
                      testid="token-revoke"
                      label="Revoke"
                      busyLabel="Revoking…"
                      [busy]="revocation.busy()"
                      [triggerLabel]="'Revoke token ' + t.name"
                      [stepLabel]="'Confirm revoking ' + t.name"
                      [open]="revocation.open() === t.id"
                      (openChange)="revocation.toggle(t.id, $event)"
                      (confirmed)="revoke(t)"
                    >
                      Revoke? Callers using it fail at once.
                    </omni-confirm>
                  }
                </td>
              </tr>
              @if (revocation.errorOf(t.id); as message) {
                <tr [omniRowError]="message" testid="token-revoke-error"></tr>
              }
            }
          </omni-data-table>
        }
      </section>

      <aside aria-label="Create token">
        <h2 id="create-token-title" class="section-title">Create token</h2>
        <form class="card form-card" (submit)="create($event)" novalidate aria-labelledby="create-token-title" data-testid="token-form">
          @if (form.error(); as err) {
            <div class="form-error" role="alert" data-testid="token-form-error">{{ err }}</div>
          }
          <omni-field label="Name" for="token-name" [form]="form" name="name">
            <input #name omniControl maxlength="80" autocomplete="off" placeholder="e.g. CI pipeline" />
          </omni-field>
          <fieldset
            class="field scopes"
            [attr.aria-invalid]="!!form.errors().scopes"
            [attr.aria-describedby]="form.errors().scopes ? 'token-scopes-error' : null"
          >
            <legend>Scopes</legend>
            @for (s of scopeList; track s) {
              <label class="check" [class.disabled]="!allowed(s)">
                <input
                  type="checkbox"
                  [checked]="scopes().includes(s)"
                  [disabled]="!allowed(s)"
                  (change)="toggleScope(s)"
                  [attr.data-testid]="'token-scope-' + s"
                />
                <span
                  ><strong>{{ s }}</strong
                  ><span class="muted small"> · {{ allowed(s) ? scopeHint[s] : 'your role does not grant it' }}</span></span
                >
              </label>
            }
            @if (form.errors().scopes; as e) {
              <p class="field-error" id="token-scopes-error">{{ e }}</p>
            }
          </fieldset>
          <omni-field label="Expires after" for="token-expiry">
            <select #expiry omniControl>
              @for (d of expiryDays; track d) {
                <option [value]="d" [selected]="d === 30">{{ d }} days</option>
              }
            </select>
          </omni-field>
          <div class="form-actions">
            <button omniSubmit class="btn primary" [busy]="form.busy()" busyLabel="Creating…" data-testid="token-submit">Create token</button>
          </div>
        </form>
      </aside>
    </div>
  `,
  styles: `
    :host {
      display: block;
    }
    omni-secret-once {
      margin-bottom: 20px;
      max-width: 1200px;
    }
    .scopes {
      border: 0;
      padding: 0;
      margin: 0;
      gap: 6px;
    }
    .scopes legend {
      font-weight: 600;
      font-size: 13px;
      padding: 0;
      margin-bottom: 4px;
    }
    .check {
      display: flex;
      gap: 8px;
      align-items: baseline;
      font-weight: normal;
      cursor: pointer;
    }
    .check.disabled {
      opacity: 0.55;
      cursor: default;
    }
    .actions-cell {
      text-align: right;
    }
  `,
})
export class TokensPageComponent {
  private readonly api = inject(ApiClient);
  private readonly session = inject(SessionStore);
  private readonly injector = inject(Injector);
  private readonly host = inject<ElementRef<HTMLElement>>(ElementRef);
  private readonly now = ticking(60_000);
  protected readonly label = STATE_LABEL;
  protected readonly scopeList = TOKEN_SCOPES;
  protected readonly scopeHint = SCOPE_HINT;
  protected readonly expiryDays = TOKEN_EXPIRY_DAYS;
  protected readonly tokens = signal<ApiToken[] | null>(null);
  protected readonly loadError = signal<string | null>(null);
  protected readonly scopes = signal<TokenScope[]>(['read']);
  protected readonly form = new FormState<TokenErrors>();
  protected readonly created = signal<CreatedToken | null>(null);
  protected readonly revocation = new ConfirmedAction();
  protected readonly status = signal('');
  private readonly nameField = viewChild.required<ElementRef<HTMLInputElement>>('name');
  private readonly expiryField = viewChild.required<ElementRef<HTMLSelectElement>>('expiry');

  constructor() {
    void this.load();
  }

  protected load(): Promise<void> {
    return loadInto(this.loadError, async () => {
      const { items } = await this.api.listTokens();
      // Usable tokens first, newest first within each group.
      const rank = (t: ApiToken) => (tokenState(t, Date.now()) === 'active' ? 0 : 1);
      this.tokens.set([...items].sort((a, b) => rank(a) - rank(b) || b.created_at.localeCompare(a.created_at)));
    });
  }

  protected state(t: ApiToken) {
    return tokenState(t, this.now());
  }

  protected allowed(scope: TokenScope): boolean {
    return this.session.canAnywhere(scope);
  }

  protected toggleScope(scope: TokenScope): void {
    this.scopes.update((list) => (list.includes(scope) ? list.filter((s) => s !== scope) : [...list, scope]));
    this.form.clear('scopes');
  }

  protected create(ev: Event): Promise<void> {
    const name = this.nameField().nativeElement;
    return this.form.submit(ev, {
      check: () => validateToken(name.value, this.scopes(), Number(this.expiryField().nativeElement.value)),
      focus: [['name', () => name]],
      send: async (body) => {
        const created = await this.api.createToken(body);
        this.created.set(created);
        name.value = '';
        this.status.set(`Created token “${created.token.name}”. Copy it now: it is shown once.`);
        void this.load();
      },
      failurePrefix: 'Not created',
    });
  }

  protected dismiss(): void {
    this.created.set(null);
    this.focusAfterRender('#tokens-title');
  }

  protected revoke(t: ApiToken): Promise<void> {
    return this.revocation.run(
      t.id,
      async () => {
        await this.api.revokeToken(t.id);
        this.status.set(`Revoked “${t.name}”.`);
        if (this.created()?.token.id === t.id) this.created.set(null);
        await this.load();
        this.focusAfterRender('#tokens-title');
      },
      'Not revoked',
    );
  }

  private focusAfterRender(selector: string): void {
    afterNextRender(() => this.host.nativeElement.querySelector<HTMLElement>(selector)?.focus(), { injector: this.injector });
  }
}
