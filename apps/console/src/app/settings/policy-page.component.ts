import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { RouterLink } from '@angular/router';
import type { EgressAllowEntry, FieldIssue, Policy, RegisteredTool, Scope } from '@omniai/contracts';
import { ApiClient } from '../core/api-client';
import { ApiError, errorText, loadInto } from '../core/api-error';
import { WorkspaceStore } from '../core/workspace.store';
import { EmptyComponent } from '../shared/data-table.component';
import { SubmitButtonComponent } from '../shared/form-field.component';
import { LoadErrorComponent } from '../shared/load-error.component';
import {
  DEFAULT_APPROVAL_TIMEOUT_S,
  type PolicyDraft,
  allowsPrivate,
  draftOf,
  durationText,
  egressEntryFrom,
  egressEntryHost,
  parseTimeout,
  policyFrom,
  sameDraft,
  scopesToShow,
} from './policy-draft';
import { PageHeadComponent } from '../shared/page-head.component';

const UNITS = [
  { s: 1, label: 'seconds' },
  { s: 60, label: 'minutes' },
  { s: 3600, label: 'hours' },
  { s: 86_400, label: 'days' },
] as const;

const BINDING_LABEL: Record<string, string> = {
  inproc_safe: 'built in',
  sandbox_job: 'sandbox container',
  mcp_remote: 'MCP server',
  openapi_proxy: 'OpenAPI proxy',
};
const EFFECT_LABEL: Record<string, string> = { read: 'read', write: 'write', external_write: 'external write' };

/** Shown next to every entry that may reach private addresses, and while adding one. */
const PRIVATE_WARNING = 'Reaches a private or loopback address — only for hosts you run.';

/**
 * Settings → Policy: what tools may do. Workspace-level grants are edited per scope (granted / requires approval),
 * with the kill switch for external writes, the approval timeout and the egress allowlist (an entry may let one named
 * host be private, with a warning: D58); project- and user-level grants are shown read-only and saved back
 * unchanged. Registered tools are listed with the scopes they need.
 */
@Component({
  selector: 'omni-policy-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [EmptyComponent, SubmitButtonComponent, LoadErrorComponent, RouterLink, PageHeadComponent],
  template: `
    <omni-page-head heading="Policy"> Which tools may run on their own, which wait for a reviewer, and which are switched off. </omni-page-head>

    <p class="visually-hidden" role="status" aria-live="polite" data-testid="policy-status">{{ status() }}</p>
    <omni-load-error [error]="loadError()" what="the policy" testid="policy-load-error" (retry)="load()" />

    <div class="settings-grid">
      <section aria-labelledby="grants-title">
        <h2 id="grants-title" class="section-title">Workspace grants</h2>
        @if (draft(); as d) {
          <form class="card form-card" (submit)="save($event)" novalidate data-testid="policy-form">
            @if (saveError(); as err) {
              <div class="form-error" role="alert" data-testid="policy-save-error">
                <strong>{{ err.message }}</strong>
                @if (err.issues.length) {
                  <ul>
                    @for (i of err.issues; track $index) {
                      <li>
                        <code>{{ i.path }}</code>: {{ i.message }}
                      </li>
                    }
                  </ul>
                }
              </div>
            }
            <table class="grants">
              <caption class="visually-hidden">
                Grants for the whole workspace, per scope
              </caption>
              <thead>
                <tr>
                  <th scope="col">Scope</th>
                  <th scope="col">Granted</th>
                  <th scope="col">Requires approval</th>
                </tr>
              </thead>
              <tbody>
                @for (r of d.rows; track r.scope) {
                  <tr data-testid="policy-scope-row" [attr.data-scope]="r.scope" [class.on]="r.granted">
                    <th scope="row">
                      <code>{{ r.scope }}</code>
                      @if (usedBy().get(r.scope); as tools) {
                        <div class="muted small">needed by {{ tools.join(', ') }}</div>
                      }
                      @if (alwaysReviewed().has(r.scope)) {
                        <div class="small reviewed">writes or network: always reviewed</div>
                      }
                    </th>
                    <td>
                      <label class="switch">
                        <input
                          type="checkbox"
                          role="switch"
                          [checked]="r.granted"
                          (change)="setGranted(r.scope, $any($event.target).checked)"
                          [attr.aria-label]="'Grant ' + r.scope + ' to the whole workspace'"
                          data-testid="policy-granted"
                        />
                        <span aria-hidden="true"></span>
                      </label>
                    </td>
                    <td>
                      <label class="switch">
                        <input
                          type="checkbox"
                          role="switch"
                          [checked]="r.granted && r.requireApproval"
                          [disabled]="!r.granted"
                          (change)="setApproval(r.scope, $any($event.target).checked)"
                          [attr.aria-label]="'Every ' + r.scope + ' call waits for a reviewer'"
                          data-testid="policy-requires-approval"
                        />
                        <span aria-hidden="true"></span>
                      </label>
                    </td>
                  </tr>
                }
              </tbody>
            </table>

            <div class="field toggle-field">
              <label class="switch">
                <input
                  id="policy-kill-switch"
                  type="checkbox"
                  role="switch"
                  [checked]="d.killSwitch"
                  (change)="setKillSwitch($any($event.target).checked)"
                  aria-describedby="policy-kill-switch-hint"
                  data-testid="policy-kill-switch"
                />
                <span aria-hidden="true"></span>
              </label>
              <div>
                <label for="policy-kill-switch">Kill switch for external writes</label>
                <p class="hint" id="policy-kill-switch-hint">
                  When on, every tool that writes outside OmniAI (email, GitHub, …) is denied — even calls a reviewer approved.
                </p>
              </div>
            </div>

            <div class="field">
              <label for="policy-timeout">Approval timeout <span class="muted">(optional)</span></label>
              <div class="field-row">
                <input
                  id="policy-timeout"
                  type="number"
                  min="1"
                  step="any"
                  inputmode="decimal"
                  placeholder="1"
                  [value]="timeoutText()"
                  (input)="timeoutText.set($any($event.target).value)"
                  [attr.aria-invalid]="!!timeout().error"
                  aria-describedby="policy-timeout-hint"
                  data-testid="policy-timeout-value"
                />
                <select aria-label="Unit" (change)="timeoutUnit.set(+$any($event.target).value)" data-testid="policy-timeout-unit">
                  @for (u of units; track u.s) {
                    <option [value]="u.s" [selected]="u.s === timeoutUnit()">{{ u.label }}</option>
                  }
                </select>
              </div>
              @if (timeout().error; as e) {
                <p class="field-error" id="policy-timeout-hint" data-testid="policy-timeout-error">{{ e }}</p>
              } @else {
                <p class="hint" id="policy-timeout-hint">{{ timeoutHint() }}</p>
              }
            </div>

            <fieldset class="egress" data-testid="policy-egress-allow">
              <legend>Egress allowlist</legend>
              <p class="hint">
                Hosts tools may reach: <code>docs.example.org</code>, <code>*.example.org</code>, <code>*</code> for any public host; ports 80 and 443 unless an
                entry names one (<code>api.example.org:8443</code>). Private, loopback and metadata addresses are refused, except for a host you allow to be
                private below. Metadata addresses are refused always.
              </p>
              <ul class="egress-list" role="list">
                @for (e of d.egress; track $index) {
                  <li data-testid="policy-egress-entry" [attr.data-host]="hostOf(e)" [class.private]="isPrivate(e)">
                    <div class="egress-line">
                      <code>{{ hostOf(e) }}</code>
                      @if (isPrivate(e)) {
                        <span class="badge" data-testid="policy-egress-private-badge">private allowed</span>
                      }
                      <button
                        type="button"
                        class="btn small ghost"
                        (click)="removeEgress($index)"
                        [attr.aria-label]="'Remove ' + hostOf(e) + ' from the egress allowlist'"
                        data-testid="policy-egress-remove"
                      >
                        Remove
                      </button>
                    </div>
                    @if (noteOf(e); as note) {
                      <div class="muted small" data-testid="policy-egress-note">{{ note }}</div>
                    }
                    @if (isPrivate(e)) {
                      <p class="system-card small" role="note" data-testid="policy-egress-warning">{{ privateWarning }}</p>
                    }
                  </li>
                } @empty {
                  <li class="muted small" data-testid="policy-egress-empty">Empty: tools may not reach the network at all.</li>
                }
              </ul>
              <div class="field">
                <label for="policy-egress-host">Add a host</label>
                <div class="field-row">
                  <input
                    id="policy-egress-host"
                    autocomplete="off"
                    spellcheck="false"
                    maxlength="260"
                    placeholder="docs.example.org or 127.0.0.1:3001"
                    [value]="egressHost()"
                    (input)="editEgress({ host: $any($event.target).value })"
                    (keydown.enter)="addEgress($event)"
                    [attr.aria-invalid]="!!egressError()"
                    [attr.aria-describedby]="egressError() ? 'policy-egress-error' : null"
                    data-testid="policy-egress-host"
                  />
                  <button type="button" class="btn" (click)="addEgress($event)" data-testid="policy-egress-add">Add</button>
                </div>
                <label class="check">
                  <input
                    type="checkbox"
                    [checked]="egressPrivate()"
                    (change)="editEgress({ allowPrivate: $any($event.target).checked })"
                    data-testid="policy-egress-private"
                  />
                  Allow private and loopback addresses for this one host (a server on this machine or your network)
                </label>
                @if (egressPrivate()) {
                  <p class="system-card small" role="note" data-testid="policy-egress-add-warning">
                    {{ privateWarning }} Only this exact host (no <code>*</code>, no wildcard) may then resolve to 127.0.0.1, 10.x, 192.168.x, fd00::/8 and the
                    like; every other name stays public-only.
                  </p>
                  <input
                    aria-label="Note: who runs this host (optional)"
                    maxlength="200"
                    placeholder="Note: who runs it (optional)"
                    [value]="egressNote()"
                    (input)="editEgress({ note: $any($event.target).value })"
                    data-testid="policy-egress-note-input"
                  />
                }
                @if (egressError(); as e) {
                  <p class="field-error" id="policy-egress-error" data-testid="policy-egress-error">{{ e }}</p>
                }
              </div>
            </fieldset>

            <div class="form-actions">
              <button type="button" class="btn" [disabled]="!dirty() || saving()" (click)="discard()" data-testid="policy-discard">Discard changes</button>
              <button omniSubmit class="btn primary" [busy]="saving()" busyLabel="Saving…" [blocked]="!dirty() || !!timeout().error" data-testid="policy-save">
                Save policy
              </button>
            </div>
          </form>
        } @else if (!loadError()) {
          <div class="card form-card skeleton" aria-busy="true" data-testid="policy-loading"><span class="visually-hidden">Loading the policy…</span></div>
        }
      </section>

      <aside aria-label="How the policy works">
        <h2 class="section-title">Deny by default</h2>
        <div class="card explain" data-testid="policy-explainer">
          <p>
            A tool call runs only when <strong>every scope it needs is granted</strong> — here for the whole workspace, or to its project or user. Anything not
            granted is denied, and the model is told so.
          </p>
          <p>
            <strong>Requires approval</strong> makes every call of that scope wait in <a routerLink="/approvals">Approvals</a> until someone decides. Tools that
            write or reach the network always wait for a reviewer, whatever the grant says.
          </p>
          <p>Changes apply to tool calls vetted after you save, and are checked again when a call executes.</p>
          <p>
            The <strong>egress allowlist</strong> names the hosts tools may reach. A host you allow to be private (an MCP server on this machine, a service on
            your network) is the only name that may resolve to such an address.
          </p>
        </div>
        <h2 class="section-title other-title">Project and user grants</h2>
        @if (policy(); as p) {
          <ul class="other" role="list" data-testid="policy-other-grants">
            @for (g of otherGrants(); track $index) {
              <li class="card" data-testid="policy-other-grant">
                <div data-testid="policy-other-grant-subject">
                  <span class="badge neutral">{{ g.level }}</span> {{ subjectOf(g) }}
                </div>
                <div class="small" data-testid="policy-other-grant-scopes">
                  <code>{{ g.scopes.join(', ') || '—' }}</code>{{ g.require_approval ? ' · requires approval' : '' }}
                </div>
              </li>
            } @empty {
              <li class="muted small" data-testid="policy-other-grants-empty">
                None. Project and user grants are set through the API (<code>PUT /v1/policy</code>); saving here keeps them as they are.
              </li>
            }
          </ul>
        }
      </aside>
    </div>

    <section class="tools" aria-labelledby="tools-title">
      <h2 id="tools-title" class="section-title">Registered tools</h2>
      @if (tools(); as list) {
        @if (list.length) {
          <div class="table-scroll">
            <table class="tools-table" data-testid="policy-tools">
              <thead>
                <tr>
                  <th scope="col">Tool</th>
                  <th scope="col">Version</th>
                  <th scope="col">Description</th>
                  <th scope="col">Side effect</th>
                  <th scope="col">Scopes</th>
                  <th scope="col">Runs as</th>
                </tr>
              </thead>
              <tbody>
                @for (t of list; track t.manifest_hash) {
                  <tr data-testid="policy-tool-row" [attr.data-tool-id]="t.manifest.id">
                    <td>
                      <code>{{ t.manifest.id }}</code>
                    </td>
                    <td>
                      <code class="tool-version" [title]="t.manifest_hash">{{ t.manifest.version }}</code>
                    </td>
                    <td class="desc">{{ t.manifest.description }}</td>
                    <td>
                      <span class="effect" [attr.data-effect]="t.manifest.risk.side_effect">{{ effect(t) }}</span>
                    </td>
                    <td>
                      <code>{{ t.manifest.risk.scopes.join(', ') || '—' }}</code>
                    </td>
                    <td>{{ binding(t) }}</td>
                  </tr>
                }
              </tbody>
            </table>
          </div>
        } @else {
          <omni-empty heading="No tools registered" data-testid="policy-tools-empty">Workers register the tools they can run when they start.</omni-empty>
        }
      } @else if (!loadError()) {
        <div class="card skeleton tools-skeleton" aria-busy="true"><span class="visually-hidden">Loading tools…</span></div>
      }
    </section>
  `,
  styles: `
    :host {
      display: block;
    }
    .grants {
      border-collapse: collapse;
      width: 100%;
    }
    .grants th,
    .grants td {
      text-align: left;
      padding: 8px 6px;
      border-bottom: 1px solid var(--border);
      vertical-align: top;
    }
    .grants thead th {
      font-size: 12px;
      color: var(--muted);
      font-weight: 600;
    }
    .grants td {
      width: 1%;
      white-space: nowrap;
      text-align: center;
    }
    .grants thead th:not(:first-child) {
      text-align: center;
    }
    .grants tbody th {
      font-weight: 400;
    }
    .grants tr.on code {
      font-weight: 700;
    }
    .reviewed {
      color: var(--warn);
    }
    .switch {
      position: relative;
      display: inline-flex;
      cursor: pointer;
    }
    .switch input {
      position: absolute;
      inset: 0;
      z-index: 1;
      opacity: 0;
      margin: 0;
      cursor: inherit;
    }
    .switch span {
      width: 36px;
      height: 20px;
      border-radius: 999px;
      background: var(--surface-2);
      border: 1px solid var(--border);
      position: relative;
      transition: background 0.15s;
    }
    .switch span::after {
      content: '';
      position: absolute;
      top: 2px;
      left: 2px;
      width: 14px;
      height: 14px;
      border-radius: 50%;
      background: var(--muted);
      transition: transform 0.15s;
    }
    .switch input:checked + span {
      background: var(--accent);
      border-color: var(--accent);
    }
    .switch input:checked + span::after {
      transform: translateX(16px);
      background: var(--accent-text);
    }
    .switch input:focus-visible + span {
      outline: 2px solid var(--accent);
      outline-offset: 2px;
    }
    .switch input:disabled + span {
      opacity: 0.4;
    }
    .switch:has(input:disabled) {
      cursor: default;
    }
    .toggle-field {
      flex-direction: row;
      align-items: flex-start;
      gap: 10px;
    }
    .field-row input {
      width: 110px;
      flex: none;
    }
    .field-row select {
      flex: 0 1 140px;
      min-width: 0;
    }
    .explain {
      min-height: 0;
      font-size: 13px;
    }
    .explain p {
      margin: 0 0 8px;
    }
    .explain p:last-child {
      margin: 0;
    }
    .other-title {
      margin-top: 20px;
    }
    .other {
      list-style: none;
      margin: 0;
      padding: 0;
      display: grid;
      gap: 8px;
    }
    .other .card {
      min-height: 0;
      padding: 8px 12px;
      display: grid;
      gap: 2px;
    }
    .tools {
      margin-top: 28px;
      max-width: 1200px;
    }
    .table-scroll {
      overflow: auto;
      border: 1px solid var(--border);
      border-radius: var(--radius);
      background: var(--surface);
    }
    .tools-table {
      border-collapse: collapse;
      width: 100%;
      font-size: 13px;
    }
    .tools-table th,
    .tools-table td {
      text-align: left;
      padding: 8px 10px;
      border-bottom: 1px solid var(--border);
      vertical-align: top;
    }
    .tools-table th {
      font-size: 12px;
      color: var(--muted);
    }
    .tool-version {
      word-break: break-all;
    }
    .desc {
      min-width: 260px;
    }
    .effect {
      font-size: 12px;
      padding: 1px 7px;
      border-radius: 999px;
      border: 1px solid var(--ok);
      color: var(--ok);
      white-space: nowrap;
    }
    .effect[data-effect='write'] {
      border-color: var(--warn);
      color: var(--warn);
    }
    .effect[data-effect='external_write'] {
      border-color: var(--bad);
      color: var(--bad);
    }
    .tools-skeleton {
      min-height: 120px;
    }
    .egress {
      border: 0;
      border-top: 1px solid var(--border);
      margin: 0;
      padding: 12px 0 0;
      display: grid;
      gap: 10px;
    }
    .egress legend {
      font-weight: 600;
      font-size: 13px;
      padding: 0;
    }
    .egress-list {
      list-style: none;
      margin: 0;
      padding: 0;
      display: grid;
      gap: 6px;
    }
    .egress-list li {
      display: grid;
      gap: 4px;
    }
    .egress-line {
      display: flex;
      align-items: center;
      gap: 6px;
    }
    .egress-line button {
      margin-left: auto;
    }
    .egress-list li.private code {
      font-weight: 700;
    }
    .egress .system-card {
      margin: 0;
    }
    .egress .field-row input {
      flex: 1;
      width: auto;
    }
    .check {
      display: flex;
      align-items: flex-start;
      gap: 8px;
      font-weight: 400;
      font-size: 13px;
    }
  `,
})
export class PolicyPageComponent {
  private readonly api = inject(ApiClient);
  protected readonly store = inject(WorkspaceStore);
  protected readonly units = UNITS;
  protected readonly policy = signal<Policy | null>(null);
  protected readonly tools = signal<RegisteredTool[] | null>(null);
  protected readonly draft = signal<PolicyDraft | null>(null);
  private readonly savedDraft = signal<PolicyDraft | null>(null);
  protected readonly timeoutText = signal('');
  protected readonly timeoutUnit = signal(3600);
  protected readonly loadError = signal<string | null>(null);
  protected readonly saveError = signal<{ message: string; issues: FieldIssue[] } | null>(null);
  protected readonly saving = signal(false);
  protected readonly status = signal('');
  protected readonly privateWarning = PRIVATE_WARNING;
  protected readonly egressHost = signal('');
  protected readonly egressPrivate = signal(false);
  protected readonly egressNote = signal('');
  protected readonly egressError = signal<string | null>(null);

  protected readonly timeout = computed(() => {
    const parsed = parseTimeout(this.timeoutText(), this.timeoutUnit());
    return parsed.ok ? { seconds: parsed.seconds, error: null } : { seconds: null, error: parsed.error };
  });
  /** The draft with the timeout field applied (what Save would send). */
  private readonly current = computed(() => {
    const d = this.draft();
    return d ? { ...d, timeoutS: this.timeout().seconds } : null;
  });
  protected readonly dirty = computed(() => {
    const d = this.current();
    const saved = this.savedDraft();
    return !!d && !!saved && !this.timeout().error && !sameDraft(d, saved);
  });
  protected readonly timeoutHint = computed(() => {
    const s = this.timeout().seconds;
    return `${s === null ? `Default: ${durationText(DEFAULT_APPROVAL_TIMEOUT_S)}` : `= ${durationText(s)}`}. A call nobody decides in time is denied.`;
  });
  /** Which registered tools need each scope. */
  protected readonly usedBy = computed(() => {
    const map = new Map<Scope, string[]>();
    for (const t of this.tools() ?? []) {
      for (const s of t.manifest.risk.scopes) {
        const ids = map.get(s) ?? [];
        if (!ids.includes(t.manifest.id)) map.set(s, [...ids, t.manifest.id]);
      }
    }
    return map;
  });
  /** Scopes of tools that write or reach the network: those calls always wait for a reviewer. */
  protected readonly alwaysReviewed = computed(
    () =>
      new Set(
        (this.tools() ?? [])
          .filter((t) => t.manifest.risk.side_effect !== 'read' || t.manifest.risk.egress_hosts.length > 0)
          .flatMap((t) => t.manifest.risk.scopes),
      ),
  );
  protected readonly otherGrants = computed(() => (this.policy()?.grants ?? []).filter((g) => g.level !== 'workspace'));

  constructor() {
    void this.load();
    this.store.ensureProjects();
  }

  protected load(): Promise<void> {
    return loadInto(this.loadError, async () => {
      const [policy, tools] = await Promise.all([this.api.getPolicy(), this.api.listTools()]);
      this.tools.set(tools.items);
      this.adopt(policy);
    });
  }

  protected setGranted(scope: Scope, granted: boolean): void {
    this.editRows((r) => (r.scope === scope ? { ...r, granted, requireApproval: granted ? r.requireApproval : false } : r));
  }

  protected setApproval(scope: Scope, requireApproval: boolean): void {
    this.editRows((r) => (r.scope === scope ? { ...r, requireApproval } : r));
  }

  protected setKillSwitch(on: boolean): void {
    this.draft.update((d) => (d ? { ...d, killSwitch: on } : d));
  }

  protected editEgress(change: { host?: string; allowPrivate?: boolean; note?: string }): void {
    if (change.host !== undefined) this.egressHost.set(change.host);
    if (change.allowPrivate !== undefined) this.egressPrivate.set(change.allowPrivate);
    if (change.note !== undefined) this.egressNote.set(change.note);
    this.egressError.set(null);
  }

  /** Adds the host to the draft (saved with the rest of the policy), or says what is wrong with it. */
  protected addEgress(ev: Event): void {
    ev.preventDefault();
    const d = this.draft();
    if (!d) return;
    const made = egressEntryFrom({ host: this.egressHost(), allowPrivate: this.egressPrivate(), note: this.egressNote() }, d.egress);
    if (!made.ok) {
      this.egressError.set(made.error);
      return;
    }
    this.draft.set({ ...d, egress: [...d.egress, made.entry] });
    this.editEgress({ host: '', allowPrivate: false, note: '' });
    this.status.set(`${egressEntryHost(made.entry)} added to the egress allowlist; save the policy to apply it.`);
  }

  protected removeEgress(index: number): void {
    this.draft.update((d) => (d ? { ...d, egress: d.egress.filter((_, i) => i !== index) } : d));
  }

  protected hostOf(entry: EgressAllowEntry): string {
    return egressEntryHost(entry);
  }

  protected isPrivate(entry: EgressAllowEntry): boolean {
    return allowsPrivate(entry);
  }

  protected noteOf(entry: EgressAllowEntry): string | undefined {
    return typeof entry === 'string' ? undefined : entry.note;
  }

  protected discard(): void {
    const p = this.policy();
    if (p) this.adopt(p);
    this.editEgress({ host: '', allowPrivate: false, note: '' });
    this.saveError.set(null);
    this.status.set('Changes discarded.');
  }

  protected async save(ev: Event): Promise<void> {
    ev.preventDefault();
    const base = this.policy();
    const d = this.current();
    if (!base || !d || this.saving() || this.timeout().error) return;
    this.saving.set(true);
    this.saveError.set(null);
    try {
      this.adopt(await this.api.putPolicy(policyFrom(base, d)));
      this.status.set('Policy saved. It applies to tool calls vetted from now on.');
    } catch (err) {
      this.saveError.set({ message: `Not saved: ${errorText(err)}`, issues: err instanceof ApiError ? err.issues : [] });
    } finally {
      this.saving.set(false);
    }
  }

  protected subjectOf(g: Policy['grants'][number]): string {
    return g.level === 'project' ? `Project: ${this.store.projectNames().get(g.subject) ?? g.subject.slice(0, 8)}` : `User: ${g.subject}`;
  }

  protected effect(t: RegisteredTool): string {
    return EFFECT_LABEL[t.manifest.risk.side_effect] ?? t.manifest.risk.side_effect;
  }

  protected binding(t: RegisteredTool): string {
    return BINDING_LABEL[t.manifest.binding.type] ?? t.manifest.binding.type;
  }

  private editRows(fn: (r: PolicyDraft['rows'][number]) => PolicyDraft['rows'][number]): void {
    this.draft.update((d) => (d ? { ...d, rows: d.rows.map(fn) } : d));
  }

  /** Takes a policy from the API as the saved state and the form's starting point. */
  private adopt(policy: Policy): void {
    const draft = draftOf(policy, scopesToShow(policy, this.tools() ?? []));
    this.policy.set(policy);
    this.draft.set(draft);
    this.savedDraft.set(draft);
    const s = draft.timeoutS;
    const unit = s === null ? 3600 : [...UNITS].reverse().find((u) => s % u.s === 0)!.s;
    this.timeoutUnit.set(unit);
    this.timeoutText.set(s === null ? '' : String(s / unit));
  }
}
