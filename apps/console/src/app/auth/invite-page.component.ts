import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, ElementRef, Injector, afterNextRender, effect, inject, input, signal, untracked, viewChild } from '@angular/core';
import { Router, RouterLink } from '@angular/router';
import type { InviteInfo } from '@omniai/contracts';
import { ROLE_HINT } from '../core/access';
import { ApiClient } from '../core/api-client';
import { FormState } from '../core/form-state';
import { SessionStore } from '../core/session.store';
import { FIELD } from '../shared/form-field.component';
import { AuthHeadComponent } from './auth-head.component';
import { type AcceptErrors, type InviteFailure, MIN_PASSWORD, inviteFailure, validateAccept } from './auth-forms';

/**
 * `/invite/:token`: the holder of an invite link sets their name and password and is signed in. The first admin's
 * one-time link (printed by the API on first start) is such a link too.
 */
@Component({
  selector: 'omni-invite-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [AuthHeadComponent, DatePipe, FIELD, RouterLink],
  template: `
    <div class="auth-shell">
      @if (failure(); as f) {
        <section class="card auth-card" role="alert" data-testid="invite-invalid">
          <omni-auth-head [heading]="f.title" [muted]="true">{{ f.text }}</omni-auth-head>
          <a class="btn block" routerLink="/login" data-testid="invite-to-login">Go to sign in</a>
        </section>
      } @else if (invite(); as inv) {
        <form class="card auth-card" (submit)="submit($event)" novalidate aria-labelledby="invite-title" data-testid="invite-form">
          <omni-auth-head heading="Join OmniAI" headingId="invite-title">Set your name and a password to finish creating your account.</omni-auth-head>

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

          @if (form.error(); as err) {
            <div class="form-error" role="alert" data-testid="invite-error">{{ err }}</div>
          }

          <omni-field label="Display name" for="invite-name" [form]="form" name="display_name">
            <input #name omniControl autocomplete="name" maxlength="120" />
          </omni-field>

          <omni-field
            label="Password"
            for="invite-password"
            [form]="form"
            name="password"
            [hint]="'At least ' + min + ' characters · ' + typed() + ' typed. A long phrase is easier to remember than symbols.'"
            [hintMet]="typed() >= min"
          >
            <input #password omniControl type="password" autocomplete="new-password" maxlength="256" (input)="typed.set(password.value.length)" />
          </omni-field>

          <omni-field label="Password again" for="invite-confirm" [form]="form" name="confirm">
            <input #confirm omniControl type="password" autocomplete="new-password" maxlength="256" />
          </omni-field>

          <button omniSubmit class="btn primary block" [busy]="form.busy()" busyLabel="Creating your account…" data-testid="invite-submit">
            Create account and sign in
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
  protected readonly form = new FormState<AcceptErrors>();
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

  protected submit(ev: Event): Promise<void> {
    const [name, password, confirm] = [this.nameField()!.nativeElement, this.passwordField()!.nativeElement, this.confirmField()!.nativeElement];
    return this.form.submit(ev, {
      check: () => validateAccept(name.value, password.value, confirm.value),
      focus: [
        ['display_name', () => name],
        ['password', () => password],
        ['confirm', () => confirm],
      ],
      send: async (body) => {
        this.session.set(await this.api.acceptInvite(this.token(), body));
        await this.router.navigateByUrl('/projects', { replaceUrl: true });
      },
      failed: (err) => {
        const f = inviteFailure(err, 'accept');
        // A link that stopped working meanwhile (used in another tab, expired) gets the full-page explanation.
        if (f.kind !== 'gone') return f.text;
        this.failure.set(f);
        return null;
      },
    });
  }
}
