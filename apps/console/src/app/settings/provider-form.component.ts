import { ChangeDetectionStrategy, Component, ElementRef, computed, inject, input, output, signal, viewChild } from '@angular/core';
import type { FieldIssue, Project, ProviderConfig, ProviderPresetInfo } from '@omniai/contracts';
import { ApiError } from '../core/api-client';
import { WorkspaceStore } from '../core/workspace.store';
import { type DraftErrors, type DraftField, issuesByField, validateDraft } from './provider-draft';

/**
 * "Add provider": preset, name (prefilled with the preset's label), key (only for presets that need one), base URL
 * override and project scope. The key lives only in its password field: it is read at submit, cleared after every
 * submit, and never put in a signal, an attribute or the page.
 */
@Component({
  selector: 'omni-provider-form',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <h2 id="add-provider-title" class="section-title">Add provider</h2>
    <form class="card form-card" (submit)="submit($event)" novalidate aria-labelledby="add-provider-title" data-testid="provider-form">
      @if (serverError(); as err) {
        <div class="form-error" role="alert" data-testid="provider-form-error">
          <strong>{{ err.message }}</strong>
          @if (err.issues.length) {
            <ul>
              @for (i of err.issues; track $index) {
                <li data-testid="provider-form-issue">
                  <code>{{ i.path }}</code>: {{ i.message }}
                </li>
              }
            </ul>
          }
        </div>
      }

      <div class="field">
        <label for="provider-preset">Preset</label>
        <div class="field-row">
          <select
            id="provider-preset"
            data-testid="provider-preset-select"
            (change)="pickPreset($any($event.target).value)"
            [attr.aria-invalid]="!!errors().preset"
            [attr.aria-describedby]="errors().preset ? 'provider-preset-error' : 'provider-preset-facts'"
          >
            @for (p of presets(); track p.id) {
              <option [value]="p.id" [selected]="p.id === presetId()">{{ p.label }}{{ p.local ? ' — local' : '' }}</option>
            }
          </select>
          @if (preset()?.local) {
            <span class="badge local" data-testid="preset-local-badge">local</span>
          }
        </div>
        @if (preset(); as p) {
          <p class="hint" id="provider-preset-facts" data-testid="preset-facts">
            {{ p.local ? 'Runs on this machine; no key, nothing leaves it.' : 'Hosted; key sent as ' + p.auth_header + '.' }}
            {{ p.api === 'anthropic' ? 'Anthropic Messages API.' : 'OpenAI-compatible API.' }}
          </p>
        }
        @if (errors().preset; as e) {
          <p class="field-error" id="provider-preset-error">{{ e }}</p>
        }
      </div>

      <div class="field">
        <label for="provider-name">Name</label>
        <input
          id="provider-name"
          data-testid="provider-name-input"
          maxlength="120"
          autocomplete="off"
          [value]="name()"
          (input)="editName($any($event.target).value)"
          [attr.aria-invalid]="!!errors().name"
          [attr.aria-describedby]="errors().name ? 'provider-name-error' : null"
        />
        @if (errors().name; as e) {
          <p class="field-error" id="provider-name-error" data-testid="provider-name-error">{{ e }}</p>
        }
      </div>

      @if (preset()?.requires_key) {
        <div class="field">
          <label for="provider-key">API key</label>
          <input
            #key
            id="provider-key"
            type="password"
            data-testid="provider-key-input"
            autocomplete="new-password"
            spellcheck="false"
            [attr.aria-invalid]="!!errors().api_key"
            [attr.aria-describedby]="errors().api_key ? 'provider-key-error' : 'provider-key-hint'"
          />
          @if (errors().api_key; as e) {
            <p class="field-error" id="provider-key-error" data-testid="provider-key-error">{{ e }}</p>
          } @else {
            <p class="hint" id="provider-key-hint">Stored encrypted and used only by the worker; you will see its fingerprint, never the key.</p>
          }
        </div>
      }

      <div class="field">
        <label for="provider-base-url">Base URL <span class="muted">(optional)</span></label>
        <input
          #baseUrl
          id="provider-base-url"
          type="url"
          data-testid="provider-base-url-input"
          autocomplete="off"
          spellcheck="false"
          maxlength="500"
          [placeholder]="preset()?.base_url ?? ''"
          [attr.aria-invalid]="!!errors().base_url"
          [attr.aria-describedby]="errors().base_url ? 'provider-base-url-error' : 'provider-base-url-hint'"
        />
        @if (errors().base_url; as e) {
          <p class="field-error" id="provider-base-url-error" data-testid="provider-base-url-error">{{ e }}</p>
        } @else {
          <p class="hint" id="provider-base-url-hint">
            Leave empty to use the preset's address.
            {{ preset()?.local ? 'Public or loopback (this machine) addresses only.' : 'Public addresses only: loopback is for local presets.' }}
          </p>
        }
      </div>

      <div class="field">
        <label for="provider-project">Scope</label>
        <select
          #project
          id="provider-project"
          data-testid="provider-project-select"
          [attr.aria-invalid]="!!errors().project_id"
          [attr.aria-describedby]="errors().project_id ? 'provider-project-error' : null"
        >
          <option value="">Whole workspace</option>
          @for (p of projects(); track p.id) {
            <option [value]="p.id">Project: {{ p.name }}</option>
          }
        </select>
        @if (errors().project_id; as e) {
          <p class="field-error" id="provider-project-error">{{ e }}</p>
        }
      </div>

      <div class="form-actions">
        <button type="submit" class="btn primary" [disabled]="submitting()" data-testid="provider-submit">
          {{ submitting() ? 'Adding…' : 'Add provider' }}
        </button>
      </div>
    </form>
  `,
})
export class ProviderFormComponent {
  readonly presets = input.required<readonly ProviderPresetInfo[]>();
  readonly projects = input.required<readonly Project[]>();
  readonly created = output<ProviderConfig>();
  private readonly store = inject(WorkspaceStore);

  protected readonly chosen = signal<string | null>(null);
  /** The chosen preset, else the first one. */
  protected readonly presetId = computed(() => this.chosen() ?? this.presets()[0]?.id ?? '');
  protected readonly preset = computed(() => this.presets().find((p) => p.id === this.presetId()));
  /** null until the user types a name: until then it follows the preset's label. */
  private readonly typedName = signal<string | null>(null);
  protected readonly name = computed(() => this.typedName() ?? this.preset()?.label ?? '');
  protected readonly errors = signal<DraftErrors>({});
  protected readonly serverError = signal<{ message: string; issues: FieldIssue[] } | null>(null);
  protected readonly submitting = signal(false);

  private readonly keyField = viewChild<ElementRef<HTMLInputElement>>('key');
  private readonly baseUrlField = viewChild.required<ElementRef<HTMLInputElement>>('baseUrl');
  private readonly projectField = viewChild.required<ElementRef<HTMLSelectElement>>('project');
  private readonly host = inject<ElementRef<HTMLElement>>(ElementRef);

  protected pickPreset(id: string): void {
    const previousLabel = this.preset()?.label;
    this.chosen.set(id);
    // A name still equal to the old preset's label was never really chosen: let it follow the new preset.
    if (this.typedName() === previousLabel) this.typedName.set(null);
    this.errors.update(({ api_key: _k, preset: _p, ...rest }) => rest);
  }

  protected editName(value: string): void {
    this.typedName.set(value);
    if (this.errors().name) this.errors.update(({ name: _n, ...rest }) => rest);
  }

  protected async submit(ev: Event): Promise<void> {
    ev.preventDefault();
    if (this.submitting()) return;
    const keyInput = this.keyField()?.nativeElement;
    const checked = validateDraft(
      {
        preset: this.presetId(),
        name: this.name(),
        apiKey: keyInput?.value ?? '',
        baseUrl: this.baseUrlField().nativeElement.value,
        projectId: this.projectField().nativeElement.value,
      },
      this.presets(),
    );
    this.serverError.set(null);
    if (!checked.ok) {
      this.errors.set(checked.errors);
      this.focusFirstInvalid();
      return;
    }
    this.errors.set({});
    this.submitting.set(true);
    // Submitted: the key leaves the page now, whatever the answer.
    if (keyInput) keyInput.value = '';
    try {
      const provider = await this.store.createProvider(checked.body);
      this.typedName.set(null);
      this.baseUrlField().nativeElement.value = '';
      this.projectField().nativeElement.value = '';
      this.created.emit(provider);
    } catch (err) {
      const apiError = err instanceof ApiError ? err : null;
      this.serverError.set({ message: apiError ? apiError.message : String(err), issues: apiError?.issues ?? [] });
      this.errors.set(issuesByField(apiError?.issues ?? []));
    } finally {
      this.submitting.set(false);
    }
  }

  private focusFirstInvalid(): void {
    const ids: Record<DraftField, string> = {
      preset: 'provider-preset',
      name: 'provider-name',
      api_key: 'provider-key',
      base_url: 'provider-base-url',
      project_id: 'provider-project',
    };
    const first = (Object.keys(ids) as DraftField[]).find((f) => this.errors()[f]);
    if (first) this.host.nativeElement.querySelector<HTMLElement>(`#${ids[first]}`)?.focus();
  }
}
