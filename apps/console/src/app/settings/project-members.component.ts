import { ChangeDetectionStrategy, Component, computed, effect, inject, input, output, signal, untracked } from '@angular/core';
import type { ProjectMember, ProjectRole, User } from '@omniai/contracts';
import { PROJECT_ROLES } from '../core/access';
import { ApiClient } from '../core/api-client';
import { errorText } from '../core/api-error';
import { WorkspaceStore } from '../core/workspace.store';
import { DATA_TABLE } from '../shared/data-table.component';

/** Settings → Users, project members: pick a project, then add, re-role or remove its members. */
@Component({
  selector: 'omni-project-members',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [DATA_TABLE],
  template: `
    <section aria-labelledby="members-title">
      <h2 id="members-title" class="section-title">Project members</h2>
      <div class="card members-card" data-testid="members-panel">
        @if ((store.projects() ?? []).length === 0) {
          <p class="muted small">No projects yet. Members are managed per project once one exists.</p>
        } @else {
          <div class="field-row">
            <label for="members-project" class="strong">Project</label>
            <select id="members-project" class="inline-select" (change)="project.set($any($event.target).value)" data-testid="members-project-select">
              @for (p of store.projects() ?? []; track p.id) {
                <option [value]="p.id" [selected]="p.id === project()">{{ p.name }}</option>
              }
            </select>
          </div>
          @if (members() === null) {
            <div class="skeleton members-skeleton" aria-busy="true"><span class="visually-hidden">Loading members…</span></div>
          } @else {
            <omni-data-table testid="members-table" [columns]="['Member', 'Role in project']" [actions]="true" [plain]="true">
              @for (m of members(); track m.user_id) {
                <tr data-testid="member-row" [attr.data-email]="m.email">
                  <td>
                    <strong>{{ m.display_name || m.email }}</strong><br /><span class="muted small">{{ m.email }}</span>
                  </td>
                  <td>
                    <select
                      class="inline-select"
                      [attr.aria-label]="'Role of ' + m.email + ' in this project'"
                      (change)="setMember(m.user_id, $any($event.target).value)"
                      data-testid="member-role-select"
                    >
                      @for (r of projectRoles; track r) {
                        <option [value]="r" [selected]="r === m.role">{{ r }}</option>
                      }
                    </select>
                  </td>
                  <td class="actions-cell">
                    <button
                      type="button"
                      class="btn small danger"
                      (click)="removeMember(m)"
                      [attr.aria-label]="'Remove ' + m.email + ' from this project'"
                      data-testid="member-remove"
                    >
                      Remove
                    </button>
                  </td>
                </tr>
              } @empty {
                <tr>
                  <td colspan="3" class="muted small" data-testid="members-empty">No members: only admins see this project.</td>
                </tr>
              }
            </omni-data-table>
            @if (candidates().length) {
              <form class="add-member" (submit)="addMember($event, addUser.value, addRole.value)" data-testid="member-add-form">
                <select #addUser class="inline-select" aria-label="User to add" data-testid="member-add-user">
                  @for (u of candidates(); track u.id) {
                    <option [value]="u.id">{{ u.display_name || u.email }} · {{ u.email }}</option>
                  }
                </select>
                <select #addRole class="inline-select" aria-label="Role in this project" data-testid="member-add-role">
                  @for (r of projectRoles; track r) {
                    <option [value]="r">{{ r }}</option>
                  }
                </select>
                <button type="submit" class="btn small" data-testid="member-add">Add member</button>
              </form>
            }
            <p class="hint">Admins are not listed: they see every project.</p>
          }
          @if (error(); as err) {
            <p class="field-error" role="alert" data-testid="member-error">{{ err }}</p>
          }
        }
      </div>
    </section>
  `,
  styles: `
    :host {
      display: block;
    }
    .actions-cell {
      text-align: right;
    }
    .members-card {
      min-height: 0;
      display: grid;
      gap: 12px;
    }
    .members-card .field-row select {
      flex: 0 1 280px;
    }
    .members-skeleton {
      min-height: 80px;
      border-radius: 8px;
    }
    .strong {
      font-weight: 600;
      font-size: 13px;
    }
    .add-member {
      display: flex;
      gap: 8px;
      flex-wrap: wrap;
      align-items: center;
    }
    .add-member select:first-child {
      flex: 1 1 220px;
      min-width: 0;
    }
  `,
})
export class ProjectMembersComponent {
  /** The workspace's users: those who could join the selected project are offered. */
  readonly users = input.required<User[] | null>();
  /** A line for the page's status region. */
  readonly status = output<string>();
  protected readonly store = inject(WorkspaceStore);
  private readonly api = inject(ApiClient);
  protected readonly projectRoles = PROJECT_ROLES;
  protected readonly project = signal<string | null>(null);
  protected readonly members = signal<ProjectMember[] | null>(null);
  protected readonly error = signal<string | null>(null);
  /** Users who could join the selected project: not admins (they see everything), not disabled, not members yet. */
  protected readonly candidates = computed(() => {
    const taken = new Set((this.members() ?? []).map((m) => m.user_id));
    return (this.users() ?? []).filter((u) => u.role !== 'admin' && !u.disabled && !taken.has(u.id));
  });

  constructor() {
    effect(() => {
      const projects = this.store.projects();
      untracked(() => {
        if (projects?.length && !projects.some((p) => p.id === this.project())) this.project.set(projects[0]!.id);
      });
    });
    effect(() => {
      const id = this.project();
      untracked(() => id && void this.load(id));
    });
  }

  /** Reads the selected project's members again (a user's change, e.g. becoming admin, may change them). */
  reload(): void {
    const id = this.project();
    if (id) void this.load(id);
  }

  private async load(projectId: string): Promise<void> {
    this.error.set(null);
    if (this.members() === null || this.project() !== projectId) this.members.set(null);
    try {
      const { items } = await this.api.listMembers(projectId);
      if (this.project() === projectId) this.members.set(items);
    } catch (err) {
      this.members.set([]);
      this.error.set(`Could not load members: ${errorText(err)}`);
    }
  }

  protected async addMember(ev: Event, userId: string, role: string): Promise<void> {
    ev.preventDefault();
    await this.setMember(userId, role as ProjectRole);
  }

  protected async setMember(userId: string, role: ProjectRole): Promise<void> {
    const projectId = this.project();
    if (!projectId || !userId) return;
    this.error.set(null);
    try {
      const member = await this.api.putMember(projectId, userId, role);
      this.status.emit(`${member.email} is ${role} in this project.`);
      await this.load(projectId);
    } catch (err) {
      this.error.set(`Not changed: ${errorText(err)}`);
    }
  }

  protected async removeMember(m: ProjectMember): Promise<void> {
    this.error.set(null);
    try {
      await this.api.removeMember(m.project_id, m.user_id);
      this.status.emit(`Removed ${m.email} from this project.`);
      await this.load(m.project_id);
    } catch (err) {
      this.error.set(`Not removed: ${errorText(err)}`);
    }
  }
}
