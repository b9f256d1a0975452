import { ChangeDetectionStrategy, Component, inject, signal, viewChild } from '@angular/core';
import type { Invite, User } from '@omniai/contracts';
import { ApiClient } from '../core/api-client';
import { loadInto } from '../core/api-error';
import { WorkspaceStore } from '../core/workspace.store';
import { LoadErrorComponent } from '../shared/load-error.component';
import { InviteFormComponent } from './invite-form.component';
import { ProjectMembersComponent } from './project-members.component';
import { UserListComponent } from './user-list.component';
import { PageHeadComponent } from '../shared/page-head.component';

/**
 * Settings → Users (admins): who has access and with which role, invites by link, and project memberships. Outside
 * the projects they are members of, non-admins see nothing; inside, their membership's role applies. The page loads
 * the users and invites its three parts share, and holds the status line they speak through.
 */
@Component({
  selector: 'omni-users-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [InviteFormComponent, LoadErrorComponent, ProjectMembersComponent, UserListComponent, PageHeadComponent],
  template: `
    <omni-page-head heading="Users">
      People with access to this workspace. Admins see every project; everyone else sees the projects they are members of, with the role of their membership
      there.
    </omni-page-head>

    <p class="visually-hidden" role="status" aria-live="polite" data-testid="users-status">{{ status() }}</p>
    <omni-load-error [error]="loadError()" what="users" testid="users-load-error" (retry)="load()" />

    <div class="settings-grid">
      <div class="stack">
        <omni-user-list
          [users]="users()"
          [invites]="invites()"
          [loadFailed]="!!loadError()"
          (userUpdated)="onUserUpdated($event)"
          (inviteRevoked)="onInviteRevoked($event)"
          (status)="status.set($event)"
        />
        <omni-project-members [users]="users()" (status)="status.set($event)" />
      </div>

      <aside aria-label="Invite someone">
        <omni-invite-form (invited)="load()" (status)="status.set($event)" />
      </aside>
    </div>
  `,
  styles: `
    :host {
      display: block;
    }
    .stack {
      display: flex;
      flex-direction: column;
      gap: 24px;
      min-width: 0;
    }
  `,
})
export class UsersPageComponent {
  private readonly api = inject(ApiClient);
  protected readonly users = signal<User[] | null>(null);
  protected readonly invites = signal<Invite[] | null>(null);
  protected readonly loadError = signal<string | null>(null);
  protected readonly status = signal('');
  private readonly members = viewChild.required(ProjectMembersComponent);
  private readonly inviteForm = viewChild.required(InviteFormComponent);

  constructor() {
    void this.load();
    void inject(WorkspaceStore).loadProjects();
  }

  protected load(): Promise<void> {
    return loadInto(this.loadError, async () => {
      const [users, invites] = await Promise.all([this.api.listUsers(), this.api.listInvites()]);
      this.users.set(users.items);
      this.invites.set(invites.items);
    });
  }

  protected onUserUpdated(updated: User): void {
    this.users.update((list) => (list ?? []).map((x) => (x.id === updated.id ? updated : x)));
    // A user's memberships may matter for the members panel (e.g. someone became admin).
    this.members().reload();
  }

  protected onInviteRevoked(revoked: Invite): void {
    this.inviteForm().forget(revoked.id);
    this.invites.update((list) => (list ?? []).filter((x) => x.id !== revoked.id));
  }
}
