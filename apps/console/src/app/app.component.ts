import { ChangeDetectionStrategy, Component, ElementRef, computed, effect, inject, signal, untracked } from '@angular/core';
import { NgTemplateOutlet } from '@angular/common';
import { RouterLink, RouterLinkActive, RouterOutlet } from '@angular/router';
import { MetaStore } from './core/meta.store';
import { PendingApprovals } from './core/pending-approvals';
import { SessionStore } from './core/session.store';
import { ThemeService } from './core/theme.service';

@Component({
  selector: 'omni-root',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [NgTemplateOutlet, RouterOutlet, RouterLink, RouterLinkActive],
  host: { '(document:click)': 'closeMenuOutside($event)' },
  template: `
    <a class="skip-link" href="#main">Skip to content</a>
    <header class="topbar">
      <a class="brand" routerLink="/" data-testid="brand">
        <svg viewBox="0 0 32 32" aria-hidden="true">
          <rect width="32" height="32" rx="8" />
          <circle cx="16" cy="16" r="7" />
        </svg>
        OmniAI
      </a>
      <span class="conn" [attr.data-state]="metaStore.connection()" data-testid="connection-state">
        <span class="dot"></span>
        @switch (metaStore.connection()) {
          @case ('online') {
            {{ metaStore.healthy() ? 'All systems healthy' : 'Degraded' }}
          }
          @case ('offline') {
            API unreachable
          }
          @default {
            Connecting…
          }
        }
      </span>
      <span class="spacer"></span>
      @if (metaStore.meta()?.version; as version) {
        <span class="version" data-testid="version">v{{ version }}</span>
      }
      <button
        type="button"
        class="icon-btn"
        (click)="theme.toggle()"
        data-testid="theme-toggle"
        [attr.aria-label]="theme.theme() === 'dark' ? 'Switch to light theme' : 'Switch to dark theme'"
      >
        {{ theme.theme() === 'dark' ? '☀' : '☾' }}
      </button>
      @if (session.user(); as user) {
        <div class="user-menu">
          <button
            type="button"
            class="user-btn"
            (click)="menuOpen.set(!menuOpen())"
            [attr.aria-expanded]="menuOpen()"
            aria-controls="user-menu-panel"
            aria-haspopup="true"
            data-testid="user-menu"
          >
            <span class="avatar" aria-hidden="true">{{ initial() }}</span>
            <span class="who">
              <span class="email" data-testid="user-menu-email">{{ user.email }}</span>
              <span class="role" data-testid="user-menu-role">{{ user.role }}</span>
            </span>
            <span class="caret" aria-hidden="true">▾</span>
          </button>
          @if (menuOpen()) {
            <div class="menu-panel card" id="user-menu-panel" (keydown.escape)="closeMenu(true)" data-testid="user-menu-panel">
              <p class="menu-name">{{ user.display_name || user.email }}</p>
              <p class="muted small">{{ user.email }} · {{ user.role }}</p>
              <a routerLink="/settings/tokens" (click)="closeMenu()" data-testid="user-menu-tokens">API tokens</a>
              <button type="button" class="btn small" (click)="signOut()" [disabled]="signingOut()" data-testid="sign-out">
                {{ signingOut() ? 'Signing out…' : 'Sign out' }}
              </button>
            </div>
          }
        </div>
      }
    </header>
    @if (session.user()) {
      <div class="layout">
        <nav class="sidenav" aria-label="Main">
          <div class="nav-section">Workspace</div>
          <a routerLink="/projects" routerLinkActive="active" data-testid="nav-projects">Projects</a>
          @if (showApprovals()) {
            <a routerLink="/approvals" routerLinkActive="active" data-testid="nav-approvals">
              Approvals
              @if (approvals.count(); as n) {
                <span class="nav-badge" data-testid="nav-approvals-badge" [attr.aria-label]="n + (approvals.more() ? ' or more' : '') + ' pending'">{{
                  approvals.more() ? '99+' : n
                }}</span>
              }
            </a>
          }
          @if (showMcp()) {
            <a routerLink="/mcp" routerLinkActive="active" data-testid="nav-mcp">MCP</a>
          }
          <div class="nav-section">Settings</div>
          @if (session.isAdmin()) {
            <a routerLink="/settings/providers" routerLinkActive="active" data-testid="nav-providers">Providers</a>
            <a routerLink="/settings/policy" routerLinkActive="active" data-testid="nav-policy">Policy</a>
            <a routerLink="/settings/users" routerLinkActive="active" data-testid="nav-users">Users</a>
          }
          <a routerLink="/settings/tokens" routerLinkActive="active" data-testid="nav-tokens">API tokens</a>
          @if (session.isAdmin()) {
            <a routerLink="/settings/audit" routerLinkActive="active" data-testid="nav-audit">Audit log</a>
          }
          <div class="nav-section">Platform</div>
          <a routerLink="/system" routerLinkActive="active" data-testid="nav-system">System health</a>
        </nav>
        <main id="main" class="content" tabindex="-1">
          <ng-container [ngTemplateOutlet]="page" />
        </main>
      </div>
    } @else {
      <main id="main" class="content bare" tabindex="-1">
        <ng-container [ngTemplateOutlet]="page" />
      </main>
    }
    <!-- The page itself, under the navigation when signed in and alone on the sign-in and invite pages. -->
    <ng-template #page>
      @if (metaStore.connection() === 'offline') {
        <div class="banner error" role="alert" data-testid="error-banner">
          Cannot reach the OmniAI API ({{ metaStore.lastError() }}). Retrying every 5 seconds.
        </div>
      }
      <router-outlet />
    </ng-template>
  `,
})
export class AppComponent {
  protected readonly metaStore = inject(MetaStore);
  protected readonly theme = inject(ThemeService);
  protected readonly approvals = inject(PendingApprovals);
  protected readonly session = inject(SessionStore);
  private readonly host = inject<ElementRef<HTMLElement>>(ElementRef);
  protected readonly menuOpen = signal(false);
  protected readonly signingOut = signal(false);
  protected readonly initial = computed(() => (this.session.user()?.display_name || this.session.user()?.email || '?').charAt(0).toUpperCase());
  /** The inbox is for those who can decide something, and only while the feature is on. */
  protected readonly showApprovals = computed(() => this.metaStore.meta()?.features.approvals !== false && this.session.canAnywhere('review'));

  /** The MCP hub, while the feature is on (hidden, not greyed out, when this deployment turned it off). */
  protected readonly showMcp = computed(() => this.metaStore.meta()?.features.mcp === true);

  constructor() {
    this.metaStore.start();
    // Poll the pending count only for someone who sees the badge (a signed-out poll would only collect 401s).
    effect(() => {
      const show = this.showApprovals();
      untracked(() => (show ? this.approvals.start() : this.approvals.stop()));
    });
  }

  protected closeMenu(focusButton = false): void {
    this.menuOpen.set(false);
    if (focusButton) this.host.nativeElement.querySelector<HTMLElement>('[data-testid=user-menu]')?.focus();
  }

  protected closeMenuOutside(ev: MouseEvent): void {
    if (!this.menuOpen()) return;
    const menu = this.host.nativeElement.querySelector('.user-menu');
    if (menu && !menu.contains(ev.target as Node)) this.menuOpen.set(false);
  }

  protected async signOut(): Promise<void> {
    this.signingOut.set(true);
    await this.session.signOut();
    // A fresh page, so that nothing of this user's (projects, open run streams, caches) outlives their session.
    location.assign('/login');
  }
}
