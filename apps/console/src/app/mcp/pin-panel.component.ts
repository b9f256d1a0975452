import { ChangeDetectionStrategy, Component, computed, effect, inject, input, signal, untracked } from '@angular/core';
import type { McpCatalogTool, PinnedTool, Project } from '@omniai/contracts';
import { ApiClient } from '../core/api-client';
import { errorText } from '../core/api-error';
import { SessionStore } from '../core/session.store';

/**
 * Pin to a project: the project's runs then use exactly the approved definition (`approved_version`, whose build
 * metadata is the definition hash), whatever the server lists later. Shows which version new runs of the chosen
 * project use now.
 * Test ids: `mcp-pin-*`.
 */
@Component({
  selector: 'omni-mcp-pin-panel',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <section class="pin" aria-labelledby="mcp-pin-title" data-testid="mcp-pin">
      <h3 id="mcp-pin-title">Pin to a project</h3>
      <div class="row">
        <label for="mcp-pin-project" class="visually-hidden">Project</label>
        <select id="mcp-pin-project" class="inline-select" data-testid="mcp-pin-project" (change)="projectId.set($any($event.target).value)">
          @for (p of projects(); track p.id) {
            <option [value]="p.id" [selected]="p.id === projectId()">{{ p.name }}</option>
          } @empty {
            <option value="">No project you can change</option>
          }
        </select>
        <button type="button" class="btn" [disabled]="busy() || !projectId()" (click)="pin()" data-testid="mcp-pin-submit">
          {{ busy() ? 'Pinning…' : 'Pin ' + tool().approved_version }}
        </button>
        @if (pinnedHere()) {
          <span class="pill" data-tone="ok" data-testid="mcp-pin-done">pinned</span>
        }
      </div>
      <p class="small" data-testid="mcp-pin-current" [attr.data-version]="current()?.version ?? ''">
        @if (current(); as c) {
          New runs in this project use <code>{{ c.version }}</code>{{ c.version === tool().approved_version ? ' (this definition).' : '.' }}
        } @else if (projectId()) {
          <span class="muted">This project does not offer the tool yet.</span>
        }
      </p>
      @if (error(); as err) {
        <div class="form-error" role="alert" data-testid="mcp-pin-error">{{ err }}</div>
      }
    </section>
  `,
  styleUrl: './mcp.css',
  styles: `
    .pin {
      display: grid;
      gap: 6px;
    }
    h3 {
      margin: 0;
      font-size: 14px;
    }
    p {
      margin: 0;
    }
    select {
      min-width: 220px;
    }
  `,
})
export class PinPanelComponent {
  readonly tool = input.required<McpCatalogTool>();
  private readonly api = inject(ApiClient);
  private readonly user = inject(SessionStore);
  protected readonly projects = signal<Project[]>([]);
  protected readonly projectId = signal('');
  private readonly pins = signal<PinnedTool[] | null>(null);
  protected readonly busy = signal(false);
  protected readonly error = signal<string | null>(null);
  protected readonly current = computed(() => this.pins()?.find((p) => p.id === this.tool().tool_id) ?? null);
  /** What this panel pinned, and where (the project's tool list says which version runs, not whether it is pinned). */
  private readonly pinned = signal<{ projectId: string; version: string } | null>(null);
  protected readonly pinnedHere = computed(() => {
    const p = this.pinned();
    return p !== null && p.projectId === this.projectId() && p.version === this.tool().approved_version && this.current()?.version === p.version;
  });

  constructor() {
    void this.api.listProjects().then(
      ({ items }) => {
        const mine = items.filter((p) => this.user.can('operate', p.id));
        this.projects.set(mine);
        if (mine[0]) this.projectId.set(mine[0].id);
      },
      (err: unknown) => this.error.set(`Projects could not be listed: ${errorText(err)}`),
    );
    effect(() => {
      const projectId = this.projectId();
      this.tool();
      untracked(() => void this.loadPins(projectId));
    });
  }

  private async loadPins(projectId: string): Promise<void> {
    this.pins.set(null);
    if (!projectId) return;
    try {
      this.pins.set(await this.api.listProjectTools(projectId));
    } catch (err) {
      this.error.set(`The project's tools could not be listed: ${errorText(err)}`);
    }
  }

  protected async pin(): Promise<void> {
    const { tool_id, approved_version } = this.tool();
    if (!tool_id || !approved_version || this.busy()) return;
    this.busy.set(true);
    this.error.set(null);
    try {
      const projectId = this.projectId();
      this.pins.set(await this.api.pinProjectTool(projectId, tool_id, approved_version));
      this.pinned.set({ projectId, version: approved_version });
    } catch (err) {
      this.error.set(`Not pinned: ${errorText(err)}`);
    } finally {
      this.busy.set(false);
    }
  }
}
