import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, ElementRef, Injector, afterNextRender, effect, inject, input, signal, untracked, viewChild } from '@angular/core';
import { Router, RouterLink } from '@angular/router';
import type { InviteInfo } from '@omniai/contracts';
import { ROLE_HINT } from '../core/access';
import { ApiClient } from '../core/api-client';
import { SessionStore } from '../core/session.store';
import { type AcceptErrors, type InviteFailure, MIN_PASSWORD, inviteFailure, validateAccept } from './auth-forms';

/**
 * `/invite/:token`: the holder of an invite link sets their name and password and is signed in. The first admin's
 * one-time link (printed by the API on first start) is such a link too.
 */
@Component({
  selector: 'omni-invite-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [DatePipe, RouterLink],
  template: `
    <div class="auth-shell">
      @if (failure(); as f) {
        <section class="card auth-card" role="alert" data-testid="invite-invalid">
          <div class="auth-head">
            <svg class="auth-mark muted-mark" viewBox="0 0 32 32" aria-hidden="true">
              <rect width="32" height="32" rx="8" />
              <circle cx="16" cy="16" r="7" />
            </svg>
            <h1>{{ f.title }}</h1>
            <p class="muted">{{ f.text }}</p>
          </div>
          <a class="btn block" routerLink="/login" data-testid="invite-to-login">Go to sign in</a>
        </section>
      } @else if (invite(); as inv) {
        <form class="card auth-card" (submit)="submit($event)" novalidate aria-labelledby="invite-title" data-testid="invite-form">
          <div class="auth-head">
            <svg class="auth-mark" viewBox="0 0 32 32" aria-hidden="true">
              <rect width="32" height="32" rx="8" />
              <circle cx="16" cy="16" r="7" />
            </svg>
            <h1 id="invite-title">Join OmniAI</h1>
            <p class="muted">Set your name and a password to finish creating your account.</p>
          </div>

          <dl class="facts invite-facts">
            <dt>Email</dt>
            <dd data-testid="invite-email">{{ inv.email }}</dd>
            <dt>Role</dt>
            <dd>
              <span class="role-badge" [attr.data-role]="inv.role" data-testid="invite-role">{{ inv.role }}</span><span class="muted small role-hint">{{
                hint[inv.role]
              }}</span>
            </dd>
            <dt>Link valid until</dt>
            <dd class="small">{{ inv.expires_at | date: 'medium' }}</dd>
          </dl>

          @if (serverError(); as err) {
            <div class="form-error" role="alert" data-testid="invite-error">{{ err }}</div>
          }

          <div class="field">
            <label for="invite-name">Display name</label>
            <input
              #name
              id="invite-name"
              autocomplete="name"
              maxlength="120"
              data-testid="invite-name"
              [attr.aria-invalid]="!!errors().display_name"
              [attr.aria-describedby]="errors().display_name ? 'invite-name-error' : null"
              (input)="clear('display_name')"
            />
            @if (errors().display_name; as e) {
              <p class="field-error" id="invite-name-error" data-testid="invite-name-error">{{ e }}</p>
            }
          </div>

          <div class="field">
            <label for="invite-password">Password</label>
            <input
              #password
              id="invite-password"
              type="password"
              autocomplete="new-password"
              maxlength="256"
              data-testid="invite-password"
              [attr.aria-invalid]="!!errors().password"
              [attr.aria-describedby]="errors().password ? 'invite-password-error' : 'invite-password-hint'"
              (input)="typed.set(password.value.length); clear('password')"
            />
            @if (errors().password; as e) {
              <p class="field-error" id="invite-password-error" data-testid="invite-password-error">{{ e }}</p>
            } @else {
              <p class="hint" id="invite-password-hint" [class.met]="typed() >= min">
                At least {{ min }} characters · {{ typed() }} typed. A long phrase is easier to remember than symbols.
              </p>
            }
          </div>

          <div class="field">
            <label for="invite-confirm">Password again</label>
            <input
              #confirm
              id="invite-confirm"
              type="password"
              autocomplete="new-password"
              maxlength="256"
              data-testid="invite-confirm"
              [attr.aria-invalid]="!!errors().confirm"
              [attr.aria-describedby]="errors().confirm ? 'invite-confirm-error' : null"
              (input)="clear('confirm')"
            />
            @if (errors().confirm; as e) {
              <p class="field-error" id="invite-confirm-error" data-testid="invite-confirm-error">{{ e }}</p>
            }
          </div>

          <button type="submit" class="btn primary block" [disabled]="submitting()" data-testid="invite-submit">
            {{ submitting() ? 'Creating your account…' : 'Create account and sign in' }}
          </button>
        </form>
      } @else {
        <div class="card auth-card skeleton invite-skeleton" aria-busy="true" data-testid="invite-loading">
          <span class="visually-hidden">Opening the invite…</span>
        </div>
      }
    </div>
  `,
  styles: `
    .invite-facts {
      padding: 10px 12px;
      border-radius: 8px;
      background: var(--surface-2);
      font-size: 13px;
    }
    .invite-facts dd {
      overflow-wrap: anywhere;
    }
    .role-hint {
      display: block;
      margin-top: 2px;
    }
    .invite-skeleton {
      min-height: 420px;
    }
    .hint.met {
      color: var(--ok);
    }
  `,
})
export class InvitePageComponent {
  readonly token = input.required<string>();
  private readonly api = inject(ApiClient);
  private readonly session = inject(SessionStore);
  private readonly router = inject(Router);
  private readonly injector = inject(Injector);
  private readonly nameField = viewChild<ElementRef<HTMLInputElement>>('name');
  private readonly passwordField = viewChild<ElementRef<HTMLInputElement>>('password');
  private readonly confirmField = viewChild<ElementRef<HTMLInputElement>>('confirm');
  protected readonly hint = ROLE_HINT;
  protected readonly min = MIN_PASSWORD;
  protected readonly invite = signal<InviteInfo | null>(null);
  protected readonly failure = signal<InviteFailure | null>(null);
  protected readonly errors = signal<AcceptErrors>({});
  protected readonly serverError = signal<string | null>(null);
  protected readonly submitting = signal(false);
  protected readonly typed = signal(0);

  constructor() {
    effect(() => {
      const token = this.token();
      untracked(() => void this.load(token));
    });
  }

  private async load(token: string): Promise<void> {
    this.invite.set(null);
    this.failure.set(null);
    try {
      this.invite.set(await this.api.getInvite(token));
      afterNextRender(() => this.nameField()?.nativeElement.focus(), { injector: this.injector });
    } catch (err) {
      this.failure.set(inviteFailure(err));
    }
  }

  protected clear(field: keyof AcceptErrors): void {
    if (this.errors()[field]) this.errors.update((e) => ({ ...e, [field]: undefined }));
  }

  protected async submit(ev: Event): Promise<void> {
    ev.preventDefault();
    if (this.submitting()) return;
    this.serverError.set(null);
    const [name, password, confirm] = [this.nameField()!.nativeElement, this.passwordField()!.nativeElement, this.confirmField()!.nativeElement];
    const checked = validateAccept(name.value, password.value, confirm.value);
    if (!checked.ok) {
      this.errors.set(checked.errors);
      (checked.errors.display_name ? name : checked.errors.password ? password : confirm).focus();
      return;
    }
    this.errors.set({});
    this.submitting.set(true);
    try {
      this.session.set(await this.api.acceptInvite(this.token(), checked.body));
      await this.router.navigateByUrl('/projects', { replaceUrl: true });
    } catch (err) {
      const f = inviteFailure(err, 'accept');
      // A link that stopped working meanwhile (used in another tab, expired) gets the full-page explanation.
      if (f.kind === 'gone') this.failure.set(f);
      else this.serverError.set(f.text);
    } finally {
      this.submitting.set(false);
    }
  }
}
