import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, ElementRef, Injector, afterNextRender, computed, effect, inject, signal, untracked, viewChild } from '@angular/core';
import type { CreatedInvite, Invite, ProjectMember, ProjectRole, Role, User } from '@omniai/contracts';
import { ticking } from '../shared/clock';
import { PROJECT_ROLES, ROLES, ROLE_HINT } from '../core/access';
import { ApiClient } from '../core/api-client';
import { errorText } from '../core/api-error';
import { SessionStore } from '../core/session.store';
import { copyText } from '../shared/clipboard';
import { WorkspaceStore } from '../core/workspace.store';
import { INVITE_EXPIRY_HOURS, type InviteErrors, durationLabel, inviteState, leavesNoAdmin, userState, validateInvite } from './identity-drafts';

const USER_STATE = { active: 'Active', invited: 'No password yet', disabled: 'Disabled' } as const;
const INVITE_STATE = { pending: 'Pending', accepted: 'Accepted', expired: 'Expired' } as const;
/** The membership role an invite proposes for a workspace role. */
const DEFAULT_PROJECT_ROLE: Record<Role, ProjectRole> = { admin: 'operator', operator: 'operator', reviewer: 'reviewer', viewer: 'viewer' };

/**
 * Settings → Users (admins): who has access and with which role, invites by link, and project memberships. Outside
 * the projects they are members of, non-admins see nothing; inside, their membership's role applies.
 */
@Component({
  selector: 'omni-users-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [DatePipe],
  template: `
    <div class="page-head">
      <div>
        <h1>Users</h1>
        <p class="muted">People with access to this workspace. Admins see every project; everyone else sees the projects they are members of, with the role of their membership there.</p>
      </div>
    </div>

    <p class="visually-hidden" role="status" aria-live="polite" data-testid="users-status">{{ status() }}</p>
    @if (loadError(); as err) {
      <div class="banner error" role="alert" data-testid="users-load-error">
        Could not load users: {{ err }}
        <button type="button" class="btn small" (click)="load()">Try again</button>
      </div>
    }

    <div class="settings-grid">
      <div class="stack">
        <section aria-labelledby="people-title">
          <h2 id="people-title" class="section-title">People</h2>
          @if (users() === null && !loadError()) {
            <div class="card table-card skeleton" aria-busy="true" data-testid="users-loading"><span class="visually-hidden">Loading users…</span></div>
          } @else if (users(); as list) {
            <div class="card table-card">
              <table class="data-table" data-testid="users-table">
                <thead><tr><th scope="col">User</th><th scope="col">Role</th><th scope="col">Status</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
                <tbody>
                  @for (u of list; track u.id) {
                    <tr data-testid="user-row" [attr.data-user-id]="u.id" [attr.data-email]="u.email" [attr.data-state]="userState(u)">
                      <td>
                        <div class="person">
                          <span class="avatar" aria-hidden="true">{{ initial(u) }}</span>
                          <span><strong>{{ u.display_name || u.email }}</strong>@if (u.id === me()?.id) { <span class="badge neutral">you</span> }<br /><span class="muted small">{{ u.email }}</span></span>
                        </div>
                      </td>
                      <td>
                        <select class="inline-select" [attr.aria-label]="'Role of ' + u.email" [disabled]="busy() === u.id" (change)="changeRole(u, $any($event.target))" data-testid="user-role-select">
                          @for (r of roles; track r) { <option [value]="r" [selected]="r === u.role">{{ r }}</option> }
                        </select>
                      </td>
                      <td><span class="state-pill" [attr.data-state]="userState(u)" data-testid="user-status">{{ userLabel[userState(u)] }}</span></td>
                      <td class="actions-cell">
                        @if (u.id !== me()?.id) {
                          <button type="button" class="btn small" [class.danger]="!u.disabled" [disabled]="busy() === u.id" (click)="toggleDisabled(u)" data-testid="user-toggle-disabled"
                                  [attr.aria-label]="(u.disabled ? 'Enable ' : 'Disable ') + u.email">{{ u.disabled ? 'Enable' : 'Disable' }}</button>
                        }
                      </td>
                    </tr>
                    @if (rowError()?.id === u.id) {
                      <tr><td colspan="4"><p class="field-error" role="alert" data-testid="user-row-error">{{ rowError()!.message }}</p></td></tr>
                    }
                  }
                </tbody>
              </table>
            </div>
          }
        </section>

        <section aria-labelledby="invites-title">
          <h2 id="invites-title" class="section-title">Invites</h2>
          @if (invites(); as list) {
            @if (list.length) {
              <div class="card table-card">
                <table class="data-table" data-testid="invites-table">
                  <thead><tr><th scope="col">Email</th><th scope="col">Role</th><th scope="col">Sent</th><th scope="col">Status</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
                  <tbody>
                    @for (i of list; track i.id) {
                      <tr data-testid="invite-row" [attr.data-email]="i.email" [attr.data-state]="inviteState(i)">
                        <td>{{ i.email }}</td>
                        <td><span class="role-badge" [attr.data-role]="i.role">{{ i.role }}</span></td>
                        <td class="nowrap">{{ i.created_at | date: 'short' }}</td>
                        <td>
                          <span class="state-pill" [attr.data-state]="inviteState(i)" data-testid="invite-state">{{ inviteLabel[inviteState(i)] }}</span>
                          <span class="muted small">
                            @switch (inviteState(i)) {
                              @case ('pending') { until {{ i.expires_at | date: 'short' }} }
                              @case ('accepted') { {{ i.accepted_at | date: 'short' }} }
                            }
                          </span>
                        </td>
                        <td class="nowrap">
                          @if (inviteState(i) === 'pending') {
                            <button type="button" class="btn small danger" [disabled]="busy() === i.id" (click)="revokeInvite(i)" [attr.aria-label]="'Revoke the invite for ' + i.email" data-testid="invite-revoke">Revoke</button>
                          }
                        </td>
                      </tr>
                    }
                  </tbody>
                </table>
              </div>
            } @else {
              <p class="muted small empty-line" data-testid="invites-empty">No invites yet. Invite someone with the form; the link is shown once.</p>
            }
          }
        </section>

        <section aria-labelledby="members-title">
          <h2 id="members-title" class="section-title">Project members</h2>
          <div class="card members-card" data-testid="members-panel">
            @if ((store.projects() ?? []).length === 0) {
              <p class="muted small">No projects yet. Members are managed per project once one exists.</p>
            } @else {
              <div class="field-row">
                <label for="members-project" class="strong">Project</label>
                <select id="members-project" class="inline-select" (change)="memberProject.set($any($event.target).value)" data-testid="members-project-select">
                  @for (p of store.projects() ?? []; track p.id) { <option [value]="p.id" [selected]="p.id === memberProject()">{{ p.name }}</option> }
                </select>
              </div>
              @if (members() === null) {
                <div class="skeleton members-skeleton" aria-busy="true"><span class="visually-hidden">Loading members…</span></div>
              } @else {
                <table class="data-table" data-testid="members-table">
                  <thead><tr><th scope="col">Member</th><th scope="col">Role in project</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
                  <tbody>
                    @for (m of members(); track m.user_id) {
                      <tr data-testid="member-row" [attr.data-email]="m.email">
                        <td><strong>{{ m.display_name || m.email }}</strong><br /><span class="muted small">{{ m.email }}</span></td>
                        <td>
                          <select class="inline-select" [attr.aria-label]="'Role of ' + m.email + ' in this project'" (change)="setMember(m.user_id, $any($event.target).value)" data-testid="member-role-select">
                            @for (r of projectRoles; track r) { <option [value]="r" [selected]="r === m.role">{{ r }}</option> }
                          </select>
                        </td>
                        <td class="actions-cell">
                          <button type="button" class="btn small danger" (click)="removeMember(m)" [attr.aria-label]="'Remove ' + m.email + ' from this project'" data-testid="member-remove">Remove</button>
                        </td>
                      </tr>
                    } @empty {
                      <tr><td colspan="3" class="muted small" data-testid="members-empty">No members: only admins see this project.</td></tr>
                    }
                  </tbody>
                </table>
                @if (candidates().length) {
                  <form class="add-member" (submit)="addMember($event, addUser.value, addRole.value)" data-testid="member-add-form">
                    <select #addUser class="inline-select" aria-label="User to add" data-testid="member-add-user">
                      @for (u of candidates(); track u.id) { <option [value]="u.id">{{ u.display_name || u.email }} · {{ u.email }}</option> }
                    </select>
                    <select #addRole class="inline-select" aria-label="Role in this project" data-testid="member-add-role">
                      @for (r of projectRoles; track r) { <option [value]="r">{{ r }}</option> }
                    </select>
                    <button type="submit" class="btn small" data-testid="member-add">Add member</button>
                  </form>
                }
                <p class="hint">Admins are not listed: they see every project.</p>
              }
              @if (memberError(); as err) { <p class="field-error" role="alert" data-testid="member-error">{{ err }}</p> }
            }
          </div>
        </section>
      </div>

      <aside aria-label="Invite someone">
        <h2 id="invite-title" class="section-title">Invite someone</h2>
        @if (createdInvite(); as c) {
          <section class="card link-card" aria-labelledby="invite-link-title" data-testid="invite-link-card">
            <div class="card-head">
              <h3 id="invite-link-title" tabindex="-1">Invite link for {{ c.invite.email }}</h3>
              <span class="badge">shown once</span>
            </div>
            <p class="muted small">Send it to them through a channel you trust. It works once, until {{ c.invite.expires_at | date: 'medium' }}.</p>
            <code class="secret" data-testid="invite-link">{{ linkOf(c) }}</code>
            <div class="link-actions">
              <button type="button" class="btn small primary" (click)="copy(linkOf(c))" data-testid="invite-copy">{{ copied() ? 'Copied' : 'Copy link' }}</button>
              <button type="button" class="btn small" (click)="dismissLink()" data-testid="invite-link-dismiss">Done</button>
            </div>
            @if (copyFailed()) { <p class="field-error small">The browser did not allow copying: select the link and copy it yourself.</p> }
          </section>
        }
        <form class="card form-card" (submit)="invite($event)" novalidate aria-labelledby="invite-title" data-testid="invite-create-form">
          @if (inviteError(); as err) { <div class="form-error" role="alert" data-testid="invite-create-error">{{ err }}</div> }
          <div class="field">
            <label for="invite-email-input">Email</label>
            <input #email id="invite-email-input" type="email" maxlength="254" autocomplete="off" spellcheck="false" placeholder="name@example.com" data-testid="invite-email-input"
                   [attr.aria-invalid]="!!errors().email" [attr.aria-describedby]="errors().email ? 'invite-email-error' : null" (input)="clear('email')" />
            @if (errors().email; as e) { <p class="field-error" id="invite-email-error" data-testid="invite-email-error">{{ e }}</p> }
          </div>
          <div class="field">
            <label for="invite-role-select">Role</label>
            <select id="invite-role-select" (change)="pickRole($any($event.target).value)" data-testid="invite-role-select" aria-describedby="invite-role-hint">
              @for (r of roles; track r) { <option [value]="r" [selected]="r === inviteRole()">{{ r }}</option> }
            </select>
            <p class="hint" id="invite-role-hint">{{ roleHint[inviteRole()] }}</p>
          </div>
          @if (inviteRole() !== 'admin') {
            <fieldset class="field projects-field">
              <legend>Projects <span class="muted">(optional)</span></legend>
              @for (p of store.projects() ?? []; track p.id) {
                <div class="project-pick" [attr.data-project-id]="p.id" data-testid="invite-project">
                  <label class="check">
                    <input type="checkbox" [checked]="picked().has(p.id)" (change)="toggleProject(p.id)" data-testid="invite-project-check" />
                    <span>{{ p.name }}</span>
                  </label>
                  @if (picked().get(p.id); as role) {
                    <select class="inline-select" [attr.aria-label]="'Role in ' + p.name" (change)="setPickedRole(p.id, $any($event.target).value)" data-testid="invite-project-role">
                      @for (r of projectRoles; track r) { <option [value]="r" [selected]="r === role">{{ r }}</option> }
                    </select>
                  }
                </div>
              } @empty {
                <p class="hint">No projects yet: add memberships later under Project members.</p>
              }
              @if (errors().projects; as e) { <p class="field-error">{{ e }}</p> }
            </fieldset>
          } @else {
            <p class="hint">Admins see every project: no memberships needed.</p>
          }
          <div class="field">
            <label for="invite-expiry">Link valid for</label>
            <select #expiry id="invite-expiry" data-testid="invite-expiry">
              @for (h of expiryHours; track h) { <option [value]="h" [selected]="h === 72">{{ duration(h) }}</option> }
            </select>
          </div>
          <div class="form-actions">
            <button type="submit" class="btn primary" [disabled]="inviting()" data-testid="invite-submit">{{ inviting() ? 'Creating link…' : 'Create invite link' }}</button>
          </div>
        </form>
      </aside>
    </div>
  `,
  styles: `
    :host { display: block; }
    .stack { display: flex; flex-direction: column; gap: 24px; min-width: 0; }
    .person { display: flex; align-items: center; gap: 10px; }
    .actions-cell { text-align: right; }
    .empty-line { padding: 12px 0; }
    .members-card { min-height: 0; display: grid; gap: 12px; }
    .members-card .field-row select { flex: 0 1 280px; }
    .members-skeleton { min-height: 80px; border-radius: 8px; }
    .strong { font-weight: 600; font-size: 13px; }
    .add-member { display: flex; gap: 8px; flex-wrap: wrap; align-items: center; }
    .add-member select:first-child { flex: 1 1 220px; min-width: 0; }
    .link-card { min-height: 0; margin-bottom: 14px; border-color: var(--accent); display: grid; gap: 8px; }
    .link-card h3 { flex: 1; font-size: 14px; margin: 0; outline: none; overflow-wrap: anywhere; }
    .secret { display: block; padding: 8px 10px; border-radius: 8px; background: var(--surface-2); word-break: break-all; user-select: all; }
    .link-actions { display: flex; gap: 8px; justify-content: flex-end; }
    .projects-field { border: 0; padding: 0; margin: 0; gap: 6px; }
    .projects-field legend { font-weight: 600; font-size: 13px; padding: 0; margin-bottom: 4px; }
    .project-pick { display: flex; align-items: center; justify-content: space-between; gap: 8px; min-height: 30px; }
    .check { display: flex; gap: 8px; align-items: center; font-weight: normal; cursor: pointer; overflow-wrap: anywhere; }
  `,
})
export class UsersPageComponent {
  protected readonly store = inject(WorkspaceStore);
  private readonly api = inject(ApiClient);
  private readonly session = inject(SessionStore);
  private readonly injector = inject(Injector);
  private readonly host = inject<ElementRef<HTMLElement>>(ElementRef);
  private readonly now = ticking(60_000);
  protected readonly roles = ROLES;
  protected readonly projectRoles = PROJECT_ROLES;
  protected readonly roleHint = ROLE_HINT;
  protected readonly userLabel = USER_STATE;
  protected readonly inviteLabel = INVITE_STATE;
  protected readonly expiryHours = INVITE_EXPIRY_HOURS;
  protected readonly duration = durationLabel;
  protected readonly userState = userState;
  protected readonly me = this.session.user;

  protected readonly users = signal<User[] | null>(null);
  protected readonly invites = signal<Invite[] | null>(null);
  protected readonly loadError = signal<string | null>(null);
  protected readonly busy = signal<string | null>(null);
  protected readonly rowError = signal<{ id: string; message: string } | null>(null);
  protected readonly status = signal('');

  protected readonly inviteRole = signal<Role>('operator');
  /** Projects the invite adds the new user to, with their membership role. */
  protected readonly picked = signal<ReadonlyMap<string, ProjectRole>>(new Map());
  protected readonly errors = signal<InviteErrors>({});
  protected readonly inviteError = signal<string | null>(null);
  protected readonly inviting = signal(false);
  protected readonly createdInvite = signal<CreatedInvite | null>(null);
  protected readonly copied = signal(false);
  protected readonly copyFailed = signal(false);
  private readonly emailField = viewChild.required<ElementRef<HTMLInputElement>>('email');
  private readonly expiryField = viewChild.required<ElementRef<HTMLSelectElement>>('expiry');

  protected readonly memberProject = signal<string | null>(null);
  protected readonly members = signal<ProjectMember[] | null>(null);
  protected readonly memberError = signal<string | null>(null);
  /** Users who could join the selected project: not admins (they see everything), not disabled, not members yet. */
  protected readonly candidates = computed(() => {
    const taken = new Set((this.members() ?? []).map((m) => m.user_id));
    return (this.users() ?? []).filter((u) => u.role !== 'admin' && !u.disabled && !taken.has(u.id));
  });

  constructor() {
    void this.load();
    void this.store.loadProjects();
    effect(() => {
      const projects = this.store.projects();
      untracked(() => {
        if (projects?.length && !projects.some((p) => p.id === this.memberProject())) this.memberProject.set(projects[0]!.id);
      });
    });
    effect(() => {
      const id = this.memberProject();
      untracked(() => id && void this.loadMembers(id));
    });
  }

  protected async load(): Promise<void> {
    this.loadError.set(null);
    try {
      const [users, invites] = await Promise.all([this.api.listUsers(), this.api.listInvites()]);
      this.users.set(users.items);
      this.invites.set(invites.items);
    } catch (err) {
      this.loadError.set(errorText(err));
    }
  }

  protected initial(u: User): string {
    return (u.display_name || u.email).charAt(0).toUpperCase();
  }

  protected inviteState(i: Invite) {
    return inviteState(i, this.now());
  }

  protected linkOf(c: CreatedInvite): string {
    return `${location.origin}${c.path}`;
  }

  protected async changeRole(u: User, select: HTMLSelectElement): Promise<void> {
    const role = select.value as Role;
    if (role === u.role) return;
    if (leavesNoAdmin(this.users() ?? [], u.id, { role })) {
      select.value = u.role;
      this.rowError.set({ id: u.id, message: 'The workspace needs at least one enabled admin: make someone else admin first.' });
      return;
    }
    await this.update(u, { role }, `${u.email} is now ${role}.`, () => (select.value = u.role));
  }

  protected async toggleDisabled(u: User): Promise<void> {
    const disabled = !u.disabled;
    if (disabled && leavesNoAdmin(this.users() ?? [], u.id, { disabled })) {
      this.rowError.set({ id: u.id, message: 'The workspace needs at least one enabled admin.' });
      return;
    }
    await this.update(u, { disabled }, disabled ? `Disabled ${u.email}: their sessions and tokens stopped working.` : `Enabled ${u.email}.`);
  }

  private async update(u: User, change: { role?: Role; disabled?: boolean }, done: string, revert?: () => void): Promise<void> {
    this.busy.set(u.id);
    this.rowError.set(null);
    try {
      const updated = await this.api.updateUser(u.id, change);
      this.users.update((list) => (list ?? []).map((x) => (x.id === updated.id ? updated : x)));
      this.status.set(done);
      // A user's memberships may matter for the panel below (e.g. someone became admin).
      const project = this.memberProject();
      if (project) void this.loadMembers(project);
    } catch (err) {
      revert?.();
      this.rowError.set({ id: u.id, message: `Not changed: ${errorText(err)}` });
    } finally {
      this.busy.set(null);
    }
  }

  protected pickRole(role: Role): void {
    this.inviteRole.set(role);
    // Proposed membership roles follow the workspace role until the admin changes them.
    this.picked.update((m) => new Map([...m.keys()].map((id) => [id, DEFAULT_PROJECT_ROLE[role]])));
  }

  protected toggleProject(projectId: string): void {
    this.picked.update((m) => {
      const next = new Map(m);
      if (!next.delete(projectId)) next.set(projectId, DEFAULT_PROJECT_ROLE[this.inviteRole()]);
      return next;
    });
  }

  protected setPickedRole(projectId: string, role: ProjectRole): void {
    this.picked.update((m) => new Map(m).set(projectId, role));
  }

  protected clear(field: keyof InviteErrors): void {
    if (this.errors()[field]) this.errors.update((e) => ({ ...e, [field]: undefined }));
  }

  protected async invite(ev: Event): Promise<void> {
    ev.preventDefault();
    if (this.inviting()) return;
    this.inviteError.set(null);
    const checked = validateInvite({
      email: this.emailField().nativeElement.value,
      role: this.inviteRole(),
      projects: [...this.picked()].map(([project_id, role]) => ({ project_id, role })),
      expiresInHours: Number(this.expiryField().nativeElement.value),
    });
    if (!checked.ok) {
      this.errors.set(checked.errors);
      if (checked.errors.email) this.emailField().nativeElement.focus();
      return;
    }
    this.errors.set({});
    this.inviting.set(true);
    try {
      const created = await this.api.createInvite(checked.body);
      this.createdInvite.set(created);
      this.copied.set(false);
      this.copyFailed.set(false);
      this.emailField().nativeElement.value = '';
      this.picked.set(new Map());
      this.status.set(`Invite link for ${created.invite.email} created. Copy it now: it is shown once.`);
      this.focusAfterRender('#invite-link-title');
      void this.load();
    } catch (err) {
      this.inviteError.set(`No invite created: ${errorText(err)}`);
    } finally {
      this.inviting.set(false);
    }
  }

  protected async copy(link: string): Promise<void> {
    const ok = await copyText(link);
    this.copied.set(ok);
    this.copyFailed.set(!ok);
    if (ok) this.status.set('Invite link copied.');
  }

  protected dismissLink(): void {
    this.createdInvite.set(null);
    this.focusAfterRender('#invite-email-input');
  }

  private async loadMembers(projectId: string): Promise<void> {
    this.memberError.set(null);
    if (this.members() === null || this.memberProject() !== projectId) this.members.set(null);
    try {
      const { items } = await this.api.listMembers(projectId);
      if (this.memberProject() === projectId) this.members.set(items);
    } catch (err) {
      this.members.set([]);
      this.memberError.set(`Could not load members: ${errorText(err)}`);
    }
  }

  protected async addMember(ev: Event, userId: string, role: string): Promise<void> {
    ev.preventDefault();
    await this.setMember(userId, role as ProjectRole);
  }

  protected async setMember(userId: string, role: ProjectRole): Promise<void> {
    const projectId = this.memberProject();
    if (!projectId || !userId) return;
    this.memberError.set(null);
    try {
      const member = await this.api.putMember(projectId, userId, role);
      this.status.set(`${member.email} is ${role} in this project.`);
      await this.loadMembers(projectId);
    } catch (err) {
      this.memberError.set(`Not changed: ${errorText(err)}`);
    }
  }

  /** Revokes a pending invite: its link stops working at once (the list keeps accepted ones only). */
  protected async revokeInvite(i: Invite): Promise<void> {
    this.busy.set(i.id);
    try {
      await this.api.revokeInvite(i.id);
      this.status.set(`Revoked the invite for ${i.email}: its link no longer works.`);
      if (this.createdInvite()?.invite.id === i.id) this.createdInvite.set(null);
      this.invites.update((list) => (list ?? []).filter((x) => x.id !== i.id));
    } catch (err) {
      this.status.set(`Not revoked: ${errorText(err)}`);
    } finally {
      this.busy.set(null);
    }
  }

  protected async removeMember(m: ProjectMember): Promise<void> {
    this.memberError.set(null);
    try {
      await this.api.removeMember(m.project_id, m.user_id);
      this.status.set(`Removed ${m.email} from this project.`);
      await this.loadMembers(m.project_id);
    } catch (err) {
      this.memberError.set(`Not removed: ${errorText(err)}`);
    }
  }

  private focusAfterRender(selector: string): void {
    afterNextRender(() => this.host.nativeElement.querySelector<HTMLElement>(selector)?.focus(), { injector: this.injector });
  }
}
