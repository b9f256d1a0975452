import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, ElementRef, inject, output, signal, viewChild } from '@angular/core';
import type { CreatedInvite, ProjectRole, Role } from '@omniai/contracts';
import { PROJECT_ROLES, ROLES, ROLE_HINT } from '../core/access';
import { ApiClient } from '../core/api-client';
import { FormState } from '../core/form-state';
import { WorkspaceStore } from '../core/workspace.store';
import { FIELD } from '../shared/form-field.component';
import { SecretOnceComponent } from '../shared/secret-once.component';
import { INVITE_EXPIRY_HOURS, type InviteErrors, durationLabel, validateInvite } from './identity-drafts';

/** The membership role an invite proposes for a workspace role. */
const DEFAULT_PROJECT_ROLE: Record<Role, ProjectRole> = { admin: 'operator', operator: 'operator', reviewer: 'reviewer', viewer: 'viewer' };

/** Settings → Users, "Invite someone": email, role, optional project memberships and lifetime; the link is shown once. */
@Component({
  selector: 'omni-invite-form',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [DatePipe, FIELD, SecretOnceComponent],
  template: `
    <h2 id="invite-title" class="section-title">Invite someone</h2>
    @if (created(); as c) {
      <omni-secret-once
        [secret]="linkOf(c)"
        [heading]="'Invite link for ' + c.invite.email"
        what="link"
        copyLabel="Copy link"
        testid="invite-link"
        copyTestid="invite-copy"
        (copied)="status.emit('Invite link copied.')"
        (dismissed)="dismissLink()"
      >
        Send it to them through a channel you trust. It works once, until {{ c.invite.expires_at | date: 'medium' }}.
      </omni-secret-once>
    }
    <form class="card form-card" (submit)="invite($event)" novalidate aria-labelledby="invite-title" data-testid="invite-create-form">
      @if (form.error(); as err) {
        <div class="form-error" role="alert" data-testid="invite-create-error">{{ err }}</div>
      }
      <omni-field label="Email" for="invite-email-input" [form]="form" name="email">
        <input #email omniControl type="email" maxlength="254" autocomplete="off" spellcheck="false" placeholder="name@example.com" />
      </omni-field>
      <omni-field label="Role" for="invite-role-select" [hint]="roleHint[role()]">
        <select omniControl (change)="pickRole($any($event.target).value)">
          @for (r of roles; track r) {
            <option [value]="r" [selected]="r === role()">{{ r }}</option>
          }
        </select>
      </omni-field>
      @if (role() !== 'admin') {
        <fieldset class="field projects-field">
          <legend>Projects <span class="muted">(optional)</span></legend>
          @for (p of store.projects() ?? []; track p.id) {
            <div class="project-pick" [attr.data-project-id]="p.id" data-testid="invite-project">
              <label class="check">
                <input type="checkbox" [checked]="picked().has(p.id)" (change)="toggleProject(p.id)" data-testid="invite-project-check" />
                <span>{{ p.name }}</span>
              </label>
              @if (picked().get(p.id); as role) {
                <select
                  class="inline-select"
                  [attr.aria-label]="'Role in ' + p.name"
                  (change)="setPickedRole(p.id, $any($event.target).value)"
                  data-testid="invite-project-role"
                >
                  @for (r of projectRoles; track r) {
                    <option [value]="r" [selected]="r === role">{{ r }}</option>
                  }
                </select>
              }
            </div>
          } @empty {
            <p class="hint">No projects yet: add memberships later under Project members.</p>
          }
          @if (form.errors().projects; as e) {
            <p class="field-error">{{ e }}</p>
          }
        </fieldset>
      } @else {
        <p class="hint">Admins see every project: no memberships needed.</p>
      }
      <omni-field label="Link valid for" for="invite-expiry">
        <select #expiry omniControl>
          @for (h of expiryHours; track h) {
            <option [value]="h" [selected]="h === 72">{{ duration(h) }}</option>
          }
        </select>
      </omni-field>
      <div class="form-actions">
        <button omniSubmit class="btn primary" [busy]="form.busy()" busyLabel="Creating link…" data-testid="invite-submit">Create invite link</button>
      </div>
    </form>
  `,
  styles: `
    :host {
      display: block;
    }
    .projects-field {
      border: 0;
      padding: 0;
      margin: 0;
      gap: 6px;
    }
    .projects-field legend {
      font-weight: 600;
      font-size: 13px;
      padding: 0;
      margin-bottom: 4px;
    }
    .project-pick {
      display: flex;
      align-items: center;
      justify-content: space-between;
      gap: 8px;
      min-height: 30px;
    }
    .check {
      display: flex;
      gap: 8px;
      align-items: center;
      font-weight: normal;
      cursor: pointer;
      overflow-wrap: anywhere;
    }
  `,
})
export class InviteFormComponent {
  /** An invite was created (the page reloads its lists). */
  readonly invited = output<CreatedInvite>();
  /** A line for the page's status region. */
  readonly status = output<string>();
  protected readonly store = inject(WorkspaceStore);
  private readonly api = inject(ApiClient);
  protected readonly roles = ROLES;
  protected readonly projectRoles = PROJECT_ROLES;
  protected readonly roleHint = ROLE_HINT;
  protected readonly expiryHours = INVITE_EXPIRY_HOURS;
  protected readonly duration = durationLabel;
  protected readonly role = signal<Role>('operator');
  /** Projects the invite adds the new user to, with their membership role. */
  protected readonly picked = signal<ReadonlyMap<string, ProjectRole>>(new Map());
  protected readonly form = new FormState<InviteErrors>();
  protected readonly created = signal<CreatedInvite | null>(null);
  private readonly emailField = viewChild.required<ElementRef<HTMLInputElement>>('email');
  private readonly expiryField = viewChild.required<ElementRef<HTMLSelectElement>>('expiry');

  /** Stops showing the link of an invite that was revoked. */
  forget(inviteId: string): void {
    if (this.created()?.invite.id === inviteId) this.created.set(null);
  }

  protected linkOf(c: CreatedInvite): string {
    return `${location.origin}${c.path}`;
  }

  protected pickRole(role: Role): void {
    this.role.set(role);
    // Proposed membership roles follow the workspace role until the admin changes them.
    this.picked.update((m) => new Map([...m.keys()].map((id) => [id, DEFAULT_PROJECT_ROLE[role]])));
  }

  protected toggleProject(projectId: string): void {
    this.picked.update((m) => {
      const next = new Map(m);
      if (!next.delete(projectId)) next.set(projectId, DEFAULT_PROJECT_ROLE[this.role()]);
      return next;
    });
  }

  protected setPickedRole(projectId: string, role: ProjectRole): void {
    this.picked.update((m) => new Map(m).set(projectId, role));
  }

  protected invite(ev: Event): Promise<void> {
    const email = this.emailField().nativeElement;
    return this.form.submit(ev, {
      check: () =>
        validateInvite({
          email: email.value,
          role: this.role(),
          projects: [...this.picked()].map(([project_id, role]) => ({ project_id, role })),
          expiresInHours: Number(this.expiryField().nativeElement.value),
        }),
      focus: [['email', () => email]],
      send: async (body) => {
        const created = await this.api.createInvite(body);
        this.created.set(created);
        email.value = '';
        this.picked.set(new Map());
        this.status.emit(`Invite link for ${created.invite.email} created. Copy it now: it is shown once.`);
        this.invited.emit(created);
      },
      failurePrefix: 'No invite created',
    });
  }

  protected dismissLink(): void {
    this.created.set(null);
    this.emailField().nativeElement.focus();
  }
}
