import { ChangeDetectionStrategy, Component, ElementRef, Injector, afterNextRender, computed, inject, signal } from '@angular/core';
import type { ProviderConfig, ProviderPresetInfo } from '@omniai/contracts';
import { ApiClient } from '../core/api-client';
import { loadInto } from '../core/api-error';
import { ConfirmedAction } from '../core/confirmed-action';
import { WorkspaceStore } from '../core/workspace.store';
import { ConfirmComponent } from '../shared/confirm.component';
import { LoadErrorComponent } from '../shared/load-error.component';
import { ProviderFormComponent } from './provider-form.component';
import { PageHeadComponent } from '../shared/page-head.component';

/** Settings → Providers: the built-in offline model, the configured providers, and the form to add one. */
@Component({
  selector: 'omni-providers-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [ConfirmComponent, LoadErrorComponent, ProviderFormComponent, PageHeadComponent],
  template: `
    <omni-page-head heading="Providers">
      The models threads can run on; pick one per thread in its model picker. Keys are stored encrypted, used only inside the worker, and never shown again.
    </omni-page-head>

    <p class="visually-hidden" role="status" aria-live="polite" data-testid="providers-status">{{ status() }}</p>
    <omni-load-error [error]="loadError()" what="providers" testid="providers-load-error" (retry)="load()" />

    <div class="settings-grid">
      <section aria-labelledby="configured-title">
        <h2 id="configured-title" class="section-title" tabindex="-1">Models</h2>
        <ul class="provider-list" role="list" data-testid="provider-list">
          <li class="card provider-card builtin" data-testid="provider-offline">
            <div class="card-head">
              <h3>Offline model</h3>
              <span class="badge neutral">built in</span>
            </div>
            <p class="provider-kind" data-testid="provider-offline-label">Offline · scripted, deterministic, no key</p>
            <p class="muted small">Answers every thread until you pick another model in its model picker. Always available; it cannot be deleted.</p>
          </li>

          @if (loading()) {
            @for (i of [1, 2]; track i) {
              <li class="card provider-card skeleton" aria-busy="true" data-testid="providers-loading">
                <span class="visually-hidden">Loading providers…</span>
              </li>
            }
          } @else {
            @for (p of store.providers(); track p.id) {
              <li class="card provider-card" data-testid="provider-card" [attr.data-provider-id]="p.id" [attr.data-preset]="p.preset">
                <div class="card-head">
                  <h3 data-testid="provider-name">{{ p.name }}</h3>
                  <span class="badge neutral" data-testid="provider-preset">{{ presetOf(p)?.label ?? p.preset }}</span>
                  @if (presetOf(p)?.local) {
                    <span class="badge local">local</span>
                  }
                </div>
                <dl class="facts tight">
                  <dt>Base URL</dt>
                  <dd>
                    <code data-testid="provider-base-url">{{ p.base_url ?? presetOf(p)?.base_url ?? '—' }}</code>
                    @if (!p.base_url) {
                      <span class="muted small"> · preset default</span>
                    }
                  </dd>
                  <dt>Scope</dt>
                  <dd data-testid="provider-scope">{{ scopeOf(p) }}</dd>
                  <dt>Key</dt>
                  <dd data-testid="provider-key">
                    @if (p.has_key) {
                      key ••• <code data-testid="provider-fingerprint">{{ p.key_fingerprint }}</code>
                    } @else {
                      <span class="muted">no key</span>
                    }
                  </dd>
                </dl>
                <div class="card-actions">
                  <omni-confirm
                    testid="provider-delete"
                    label="Delete"
                    busyLabel="Deleting…"
                    [busy]="deletion.busy()"
                    [triggerLabel]="'Delete provider ' + p.name"
                    [stepLabel]="'Confirm deleting ' + p.name"
                    [open]="deletion.open() === p.id"
                    (openChange)="deletion.toggle(p.id, $event)"
                    (confirmed)="remove(p)"
                  >
                    Delete “{{ p.name }}” and its stored key? Past runs keep their history; retrying them will fail.
                  </omni-confirm>
                </div>
                @if (deletion.errorOf(p.id); as message) {
                  <p class="field-error" role="alert" data-testid="provider-delete-error">{{ message }}</p>
                }
              </li>
            } @empty {
              <li class="empty" data-testid="providers-empty">
                <h3>No providers yet</h3>
                <p class="muted">Threads use the offline model. Add a hosted provider with its key, or a local server such as Ollama, which needs none.</p>
              </li>
            }
          }
        </ul>
      </section>

      <aside aria-label="Add provider">
        @if (presets(); as list) {
          <omni-provider-form [presets]="list" [projects]="store.projects() ?? []" (created)="onCreated($event)" />
        } @else if (!loadError()) {
          <h2 class="section-title">Add provider</h2>
          <div class="card form-card skeleton" aria-busy="true" data-testid="provider-form-loading"><span class="visually-hidden">Loading presets…</span></div>
        }
      </aside>
    </div>
  `,
})
export class ProvidersPageComponent {
  protected readonly store = inject(WorkspaceStore);
  private readonly api = inject(ApiClient);
  private readonly injector = inject(Injector);
  private readonly host = inject<ElementRef<HTMLElement>>(ElementRef);
  protected readonly presets = signal<ProviderPresetInfo[] | null>(null);
  protected readonly loadError = signal<string | null>(null);
  protected readonly loading = computed(() => !this.loadError() && (!this.store.providersLoaded() || this.presets() === null));
  protected readonly deletion = new ConfirmedAction();
  protected readonly status = signal('');
  private readonly presetById = computed(() => new Map((this.presets() ?? []).map((p) => [p.id as string, p])));

  constructor() {
    void this.load();
    this.store.ensureProjects();
  }

  protected load(): Promise<void> {
    return loadInto(this.loadError, async () => {
      const [presets] = await Promise.all([this.api.listProviderPresets(), this.store.refreshProviders()]);
      this.presets.set(presets.items);
    });
  }

  protected presetOf(p: ProviderConfig): ProviderPresetInfo | undefined {
    return this.presetById().get(p.preset);
  }

  protected scopeOf(p: ProviderConfig): string {
    if (!p.project_id) return 'Whole workspace';
    return `Project: ${this.store.projectNames().get(p.project_id) ?? p.project_id.slice(0, 8)}`;
  }

  protected onCreated(p: ProviderConfig): void {
    this.status.set(`Added “${p.name}”.`);
  }

  protected remove(p: ProviderConfig): Promise<void> {
    return this.deletion.run(
      p.id,
      async () => {
        await this.store.deleteProvider(p.id);
        this.status.set(`Deleted “${p.name}”.`);
        this.focusAfterRender('#configured-title');
      },
      'Not deleted',
    );
  }

  private focusAfterRender(selector: string): void {
    afterNextRender(() => this.host.nativeElement.querySelector<HTMLElement>(selector)?.focus(), { injector: this.injector });
  }
}
