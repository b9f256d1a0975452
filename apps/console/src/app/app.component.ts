import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { RouterLink, RouterLinkActive, RouterOutlet } from '@angular/router';
import { MetaStore } from './core/meta.store';
import { PendingApprovals } from './core/pending-approvals';
import { ThemeService } from './core/theme.service';

@Component({
  selector: 'omni-root',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [RouterOutlet, RouterLink, RouterLinkActive],
  template: `
    <a class="skip-link" href="#main">Skip to content</a>
    <header class="topbar">
      <a class="brand" routerLink="/" data-testid="brand">
        <svg viewBox="0 0 32 32" aria-hidden="true"><rect width="32" height="32" rx="8" /><circle cx="16" cy="16" r="7" /></svg>
        OmniAI
      </a>
      <span class="conn" [attr.data-state]="metaStore.connection()" data-testid="connection-state">
        <span class="dot"></span>
        @switch (metaStore.connection()) {
          @case ('online') { {{ metaStore.healthy() ? 'All systems healthy' : 'Degraded' }} }
          @case ('offline') { API unreachable }
          @default { Connecting… }
        }
      </span>
      <span class="spacer"></span>
      @if (metaStore.meta(); as meta) {
        <span class="version" data-testid="version">v{{ meta.version }}</span>
      }
      <button type="button" class="icon-btn" (click)="theme.toggle()" data-testid="theme-toggle"
              [attr.aria-label]="theme.theme() === 'dark' ? 'Switch to light theme' : 'Switch to dark theme'">
        {{ theme.theme() === 'dark' ? '☀' : '☾' }}
      </button>
    </header>
    <div class="layout">
      <nav class="sidenav" aria-label="Main">
        <div class="nav-section">Workspace</div>
        <a routerLink="/projects" routerLinkActive="active" data-testid="nav-projects">Projects</a>
        <a routerLink="/approvals" routerLinkActive="active" data-testid="nav-approvals">
          Approvals
          @if (approvals.count(); as n) {
            <span class="nav-badge" data-testid="nav-approvals-badge" [attr.aria-label]="n + (approvals.more() ? ' or more' : '') + ' pending'">{{ approvals.more() ? '99+' : n }}</span>
          }
        </a>
        <div class="nav-section">Settings</div>
        <a routerLink="/settings/providers" routerLinkActive="active" data-testid="nav-providers">Providers</a>
        <a routerLink="/settings/policy" routerLinkActive="active" data-testid="nav-policy">Policy</a>
        <div class="nav-section">Platform</div>
        <a routerLink="/system" routerLinkActive="active" data-testid="nav-system">System health</a>
      </nav>
      <main id="main" class="content" tabindex="-1">
        @if (metaStore.connection() === 'offline') {
          <div class="banner error" role="alert" data-testid="error-banner">
            Cannot reach the OmniAI API ({{ metaStore.lastError() }}). Retrying every 5 seconds.
          </div>
        }
        <router-outlet />
      </main>
    </div>
  `,
})
export class AppComponent {
  protected readonly metaStore = inject(MetaStore);
  protected readonly theme = inject(ThemeService);
  protected readonly approvals = inject(PendingApprovals);

  constructor() {
    this.metaStore.start();
    this.approvals.start();
  }
}
