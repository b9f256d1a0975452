import { ChangeDetectionStrategy, Component, ElementRef, Injector, afterNextRender, inject, input, viewChild } from '@angular/core';
import { Router } from '@angular/router';
import { safeNext } from '../core/access';
import { FormState } from '../core/form-state';
import { SessionStore } from '../core/session.store';
import { FIELD } from '../shared/form-field.component';
import { AuthHeadComponent } from './auth-head.component';
import { type LoginErrors, signInFailure, validateLogin } from './auth-forms';

/** Sign in with email and password, then go where the user was heading (`?next=`). */
@Component({
  selector: 'omni-login-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [AuthHeadComponent, FIELD],
  template: `
    <div class="auth-shell">
      <form class="card auth-card" (submit)="submit($event)" novalidate aria-labelledby="login-title" data-testid="login-form">
        <omni-auth-head heading="Sign in to OmniAI" headingId="login-title">Use the email and password of your workspace account.</omni-auth-head>

        @if (form.error(); as err) {
          <div class="form-error" role="alert" data-testid="login-error">{{ err }}</div>
        }

        <omni-field label="Email" for="login-email" [form]="form" name="email">
          <input #email omniControl type="email" autocomplete="username" spellcheck="false" maxlength="254" />
        </omni-field>

        <omni-field label="Password" for="login-password" [form]="form" name="password">
          <input #password omniControl type="password" autocomplete="current-password" maxlength="256" />
        </omni-field>

        <button omniSubmit class="btn primary block" [busy]="form.busy()" busyLabel="Signing in…" data-testid="login-submit">Sign in</button>
        <p class="muted small auth-foot">No account yet? Ask an administrator of this workspace for an invite link.</p>
      </form>
    </div>
  `,
})
export class LoginPageComponent {
  /** `?next=`: the page that asked for a session. */
  readonly next = input<string>();
  private readonly session = inject(SessionStore);
  private readonly router = inject(Router);
  private readonly emailField = viewChild.required<ElementRef<HTMLInputElement>>('email');
  private readonly passwordField = viewChild.required<ElementRef<HTMLInputElement>>('password');
  protected readonly form = new FormState<LoginErrors>();

  constructor() {
    afterNextRender(() => this.emailField().nativeElement.focus(), { injector: inject(Injector) });
  }

  protected submit(ev: Event): Promise<void> {
    const [email, password] = [this.emailField().nativeElement, this.passwordField().nativeElement];
    return this.form.submit(ev, {
      check: () => validateLogin(email.value, password.value),
      focus: [
        ['email', () => email],
        ['password', () => password],
      ],
      send: async (body) => {
        await this.session.signIn(body);
        await this.router.navigateByUrl(safeNext(this.next()), { replaceUrl: true });
      },
      failed: (err) => {
        password.value = '';
        password.focus();
        return signInFailure(err);
      },
    });
  }
}
