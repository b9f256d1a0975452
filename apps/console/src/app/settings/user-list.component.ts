import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, inject, input, output, signal } from '@angular/core';
import type { Invite, Role, User } from '@omniai/contracts';
import { ROLES } from '../core/access';
import { ApiClient } from '../core/api-client';
import { errorText } from '../core/api-error';
import { SessionStore } from '../core/session.store';
import { ticking } from '../shared/clock';
import { DATA_TABLE } from '../shared/data-table.component';
import { inviteState, leavesNoAdmin, userState } from './identity-drafts';

const USER_STATE = { active: 'Active', invited: 'No password yet', disabled: 'Disabled' } as const;
const INVITE_STATE = { pending: 'Pending', accepted: 'Accepted', expired: 'Expired' } as const;

/** Settings → Users, the lists: people with their role and status (change role, disable), and the invites sent. */
@Component({
  selector: 'omni-user-list',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [DatePipe, DATA_TABLE],
  template: `
    <section aria-labelledby="people-title">
      <h2 id="people-title" class="section-title">People</h2>
      @if (users() === null && !loadFailed()) {
        <div class="card table-card skeleton" aria-busy="true" data-testid="users-loading"><span class="visually-hidden">Loading users…</span></div>
      } @else if (users(); as list) {
        <omni-data-table testid="users-table" [columns]="['User', 'Role', 'Status']" [actions]="true">
          @for (u of list; track u.id) {
            <tr data-testid="user-row" [attr.data-user-id]="u.id" [attr.data-email]="u.email" [attr.data-state]="userState(u)">
              <td>
                <div class="person">
                  <span class="avatar" aria-hidden="true">{{ initial(u) }}</span>
                  <span
                    ><strong>{{ u.display_name || u.email }}</strong>
                    @if (u.id === me()?.id) {
                      <span class="badge neutral">you</span>
                    }
                    <br /><span class="muted small">{{ u.email }}</span></span
                  >
                </div>
              </td>
              <td>
                <select
                  class="inline-select"
                  [attr.aria-label]="'Role of ' + u.email"
                  [disabled]="busy() === u.id"
                  (change)="changeRole(u, $any($event.target))"
                  data-testid="user-role-select"
                >
                  @for (r of roles; track r) {
                    <option [value]="r" [selected]="r === u.role">{{ r }}</option>
                  }
                </select>
              </td>
              <td>
                <span class="state-pill" [attr.data-state]="userState(u)" data-testid="user-status">{{ userLabel[userState(u)] }}</span>
              </td>
              <td class="actions-cell">
                @if (u.id !== me()?.id) {
                  <button
                    type="button"
                    class="btn small"
                    [class.danger]="!u.disabled"
                    [disabled]="busy() === u.id"
                    (click)="toggleDisabled(u)"
                    data-testid="user-toggle-disabled"
                    [attr.aria-label]="(u.disabled ? 'Enable ' : 'Disable ') + u.email"
                  >
                    {{ u.disabled ? 'Enable' : 'Disable' }}
                  </button>
                }
              </td>
            </tr>
            @if (rowError()?.id === u.id) {
              <tr [omniRowError]="rowError()!.message" testid="user-row-error"></tr>
            }
          }
        </omni-data-table>
      }
    </section>

    <section aria-labelledby="invites-title">
      <h2 id="invites-title" class="section-title">Invites</h2>
      @if (invites(); as list) {
        @if (list.length) {
          <omni-data-table testid="invites-table" [columns]="['Email', 'Role', 'Sent', 'Status']" [actions]="true">
            @for (i of list; track i.id) {
              <tr data-testid="invite-row" [attr.data-email]="i.email" [attr.data-state]="inviteState(i)">
                <td>{{ i.email }}</td>
                <td>
                  <span class="role-badge" [attr.data-role]="i.role">{{ i.role }}</span>
                </td>
                <td class="nowrap">{{ i.created_at | date: 'short' }}</td>
                <td>
                  <span class="state-pill" [attr.data-state]="inviteState(i)" data-testid="invite-state">{{ inviteLabel[inviteState(i)] }}</span>
                  <span class="muted small">
                    @switch (inviteState(i)) {
                      @case ('pending') {
                        until {{ i.expires_at | date: 'short' }}
                      }
                      @case ('accepted') {
                        {{ i.accepted_at | date: 'short' }}
                      }
                    }
                  </span>
                </td>
                <td class="nowrap">
                  @if (inviteState(i) === 'pending') {
                    <button
                      type="button"
                      class="btn small danger"
                      [disabled]="busy() === i.id"
                      (click)="revokeInvite(i)"
                      [attr.aria-label]="'Revoke the invite for ' + i.email"
                      data-testid="invite-revoke"
                    >
                      Revoke
                    </button>
                  }
                </td>
              </tr>
            }
          </omni-data-table>
        } @else {
          <p class="muted small empty-line" data-testid="invites-empty">No invites yet. Invite someone with the form; the link is shown once.</p>
        }
      }
    </section>
  `,
  styles: `
    :host {
      display: contents;
    }
    .person {
      display: flex;
      align-items: center;
      gap: 10px;
    }
    .actions-cell {
      text-align: right;
    }
    .empty-line {
      padding: 12px 0;
    }
  `,
})
export class UserListComponent {
  readonly users = input.required<User[] | null>();
  readonly invites = input.required<Invite[] | null>();
  /** Loading failed (the page shows why): no skeleton then. */
  readonly loadFailed = input(false);
  readonly userUpdated = output<User>();
  readonly inviteRevoked = output<Invite>();
  /** A line for the page's status region. */
  readonly status = output<string>();
  private readonly api = inject(ApiClient);
  private readonly now = ticking(60_000);
  protected readonly me = inject(SessionStore).user;
  protected readonly roles = ROLES;
  protected readonly userLabel = USER_STATE;
  protected readonly inviteLabel = INVITE_STATE;
  protected readonly userState = userState;
  protected readonly busy = signal<string | null>(null);
  protected readonly rowError = signal<{ id: string; message: string } | null>(null);

  protected initial(u: User): string {
    return (u.display_name || u.email).charAt(0).toUpperCase();
  }

  protected inviteState(i: Invite) {
    return inviteState(i, this.now());
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
      this.userUpdated.emit(await this.api.updateUser(u.id, change));
      this.status.emit(done);
    } catch (err) {
      revert?.();
      this.rowError.set({ id: u.id, message: `Not changed: ${errorText(err)}` });
    } finally {
      this.busy.set(null);
    }
  }

  /** Revokes a pending invite: its link stops working at once (the list keeps accepted ones only). */
  protected async revokeInvite(i: Invite): Promise<void> {
    this.busy.set(i.id);
    try {
      await this.api.revokeInvite(i.id);
      this.status.emit(`Revoked the invite for ${i.email}: its link no longer works.`);
      this.inviteRevoked.emit(i);
    } catch (err) {
      this.status.emit(`Not revoked: ${errorText(err)}`);
    } finally {
      this.busy.set(null);
    }
  }
}
