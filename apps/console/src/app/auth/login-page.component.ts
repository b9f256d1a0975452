import { ChangeDetectionStrategy, Component, ElementRef, Injector, afterNextRender, inject, input, signal, viewChild } from '@angular/core';
import { Router } from '@angular/router';
import { safeNext } from '../core/access';
import { SessionStore } from '../core/session.store';
import { type LoginErrors, signInFailure, validateLogin } from './auth-forms';

/** Sign in with email and password, then go where the user was heading (`?next=`). */
@Component({
  selector: 'omni-login-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <div class="auth-shell">
      <form class="card auth-card" (submit)="submit($event)" novalidate aria-labelledby="login-title" data-testid="login-form">
        <div class="auth-head">
          <svg class="auth-mark" viewBox="0 0 32 32" aria-hidden="true">
            <rect width="32" height="32" rx="8" />
            <circle cx="16" cy="16" r="7" />
          </svg>
          <h1 id="login-title">Sign in to OmniAI</h1>
          <p class="muted">Use the email and password of your workspace account.</p>
        </div>

        @if (error(); as err) {
          <div class="form-error" role="alert" data-testid="login-error">{{ err }}</div>
        }

        <div class="field">
          <label for="login-email">Email</label>
          <input
            #email
            id="login-email"
            type="email"
            autocomplete="username"
            spellcheck="false"
            maxlength="254"
            data-testid="login-email"
            [attr.aria-invalid]="!!errors().email"
            [attr.aria-describedby]="errors().email ? 'login-email-error' : null"
            (input)="clearField('email')"
          />
          @if (errors().email; as e) {
            <p class="field-error" id="login-email-error">{{ e }}</p>
          }
        </div>

        <div class="field">
          <label for="login-password">Password</label>
          <input
            #password
            id="login-password"
            type="password"
            autocomplete="current-password"
            maxlength="256"
            data-testid="login-password"
            [attr.aria-invalid]="!!errors().password"
            [attr.aria-describedby]="errors().password ? 'login-password-error' : null"
            (input)="clearField('password')"
          />
          @if (errors().password; as e) {
            <p class="field-error" id="login-password-error">{{ e }}</p>
          }
        </div>

        <button type="submit" class="btn primary block" [disabled]="submitting()" data-testid="login-submit">
          {{ submitting() ? 'Signing in…' : 'Sign in' }}
        </button>
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
  protected readonly errors = signal<LoginErrors>({});
  protected readonly error = signal<string | null>(null);
  protected readonly submitting = signal(false);

  constructor() {
    afterNextRender(() => this.emailField().nativeElement.focus(), { injector: inject(Injector) });
  }

  protected clearField(field: keyof LoginErrors): void {
    if (this.errors()[field]) this.errors.update((e) => ({ ...e, [field]: undefined }));
  }

  protected async submit(ev: Event): Promise<void> {
    ev.preventDefault();
    if (this.submitting()) return;
    this.error.set(null);
    const password = this.passwordField().nativeElement;
    const checked = validateLogin(this.emailField().nativeElement.value, password.value);
    if (!checked.ok) {
      this.errors.set(checked.errors);
      (checked.errors.email ? this.emailField() : this.passwordField()).nativeElement.focus();
      return;
    }
    this.errors.set({});
    this.submitting.set(true);
    try {
      await this.session.signIn(checked.body);
      await this.router.navigateByUrl(safeNext(this.next()), { replaceUrl: true });
    } catch (err) {
      this.error.set(signInFailure(err));
      password.value = '';
      password.focus();
    } finally {
      this.submitting.set(false);
    }
  }
}
