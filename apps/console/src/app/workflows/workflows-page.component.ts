import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, effect, inject, input, signal, untracked } from '@angular/core';
import { Router, RouterLink } from '@angular/router';
import type { Graph, GraphTemplate } from '@omniai/contracts';
import { ApiClient } from '../core/api-client';
import { errorText } from '../core/api-error';
import { SessionStore } from '../core/session.store';
import { WorkspaceStore } from '../core/workspace.store';
import { ConfirmComponent } from '../shared/confirm.component';
import { DataTableComponent } from '../shared/data-table.component';
import { LoadErrorComponent } from '../shared/load-error.component';
import { PageHeadComponent } from '../shared/page-head.component';

/** A project's workflow graphs: each with its latest version and last run; new (blank or from a template); delete. */
@Component({
  selector: 'omni-workflows-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [DatePipe, RouterLink, ConfirmComponent, DataTableComponent, LoadErrorComponent, PageHeadComponent],
  template: `
    <nav class="crumbs small" aria-label="Breadcrumb">
      <a [routerLink]="['/projects', projectId()]" data-testid="crumb-project">{{ projectName() }}</a> / Workflows
    </nav>
    <omni-page-head heading="Workflows">
      Graphs of tools, models, agents and approvals, run as durable workflows. Every save is a new version; a run pins the version it started with.
      @if (canWrite()) {
        <span pageActions class="actions">
          <a class="btn primary" [routerLink]="['/projects', projectId(), 'workflows', 'new']" data-testid="new-workflow">New workflow</a>
          <button
            type="button"
            class="btn"
            (click)="showTemplates.set(!showTemplates())"
            [attr.aria-expanded]="showTemplates()"
            data-testid="new-from-template"
          >
            New from template
          </button>
        </span>
      }
    </omni-page-head>

    @if (showTemplates()) {
      <section class="templates" aria-label="Templates" data-testid="graph-templates">
        @if (templates() === null) {
          <p class="muted">Loading templates…</p>
        }
        @for (t of templates() ?? []; track t.id) {
          <article class="card template" data-testid="graph-template" [attr.data-template-id]="t.id">
            <h2>{{ t.name }}</h2>
            <p class="muted small">{{ t.description }}</p>
            <p class="small muted">{{ t.spec.nodes.length }} nodes · {{ kindsOf(t) }}</p>
            <a class="btn small" [routerLink]="['/projects', projectId(), 'workflows', 'new']" [queryParams]="{ template: t.id }" data-testid="use-template"
              >Use this template</a
            >
          </article>
        }
      </section>
    }

    <omni-load-error [error]="error()" what="the workflows" testid="workflows-error" (retry)="load()" />
    @if (graphs() === null && !error()) {
      <div class="card skeleton" aria-busy="true" style="min-height: 120px"><span class="visually-hidden">Loading…</span></div>
    } @else if (graphs()?.length === 0) {
      <div class="empty" data-testid="workflows-empty">
        <h2>No workflows yet</h2>
        <p class="muted">Start from a template, or draw one: drag nodes from the palette and connect their ports.</p>
      </div>
    } @else if (graphs(); as list) {
      <omni-data-table [columns]="['Name', 'Version', 'Updated', 'Last run']" [actions]="canWrite()" testid="workflows-table">
        @for (g of list; track g.id) {
          <tr data-testid="workflow-row" [attr.data-graph-id]="g.id">
            <td>
              <a [routerLink]="['/projects', projectId(), 'workflows', g.id]" data-testid="workflow-link">{{ g.name }}</a>
              @if (g.description) {
                <div class="muted small">{{ g.description }}</div>
              }
            </td>
            <td>v{{ g.latest_version }}</td>
            <td class="nowrap">{{ g.updated_at | date: 'short' }}</td>
            <td data-testid="workflow-last-run">
              @if (g.last_run; as r) {
                <a class="run" [routerLink]="['/projects', projectId(), 'workflows', g.id, 'runs', r.id]" [attr.data-status]="r.status">
                  <span class="status-dot" [attr.data-status]="r.status"></span>{{ r.status }} · {{ r.created_at | date: 'short' }}
                </a>
              } @else {
                <span class="muted">never run</span>
              }
            </td>
            @if (canWrite()) {
              <td class="nowrap">
                <omni-confirm
                  class="inline"
                  testid="delete-workflow"
                  label="Delete"
                  busyLabel="Deleting…"
                  tone="danger"
                  [busy]="deleting() === g.id"
                  [triggerLabel]="'Delete ' + g.name"
                  [stepLabel]="'Delete ' + g.name + '?'"
                  (confirmed)="remove(g)"
                  >Delete {{ g.name }} and all its versions?</omni-confirm
                >
              </td>
            }
          </tr>
        }
      </omni-data-table>
    }
    @if (actionError(); as err) {
      <div class="banner error" role="alert" data-testid="workflows-action-error">{{ err }}</div>
    }
  `,
  styles: `
    :host {
      display: block;
      max-width: 1180px;
    }
    .crumbs {
      margin-bottom: 8px;
      color: var(--muted);
    }
    .actions {
      display: flex;
      gap: 8px;
    }
    a.btn {
      text-decoration: none;
      display: inline-block;
    }
    .templates {
      display: grid;
      grid-template-columns: repeat(auto-fill, minmax(260px, 1fr));
      gap: 12px;
      margin-bottom: 20px;
    }
    .template {
      display: grid;
      gap: 6px;
      align-content: start;
    }
    .template p {
      margin: 0;
    }
    .run {
      display: inline-flex;
      align-items: center;
      gap: 6px;
      text-decoration: none;
    }
  `,
})
export class WorkflowsPageComponent {
  readonly projectId = input.required<string>();
  private readonly api = inject(ApiClient);
  private readonly session = inject(SessionStore);
  private readonly store = inject(WorkspaceStore);
  protected readonly router = inject(Router);
  protected readonly graphs = signal<Graph[] | null>(null);
  protected readonly templates = signal<GraphTemplate[] | null>(null);
  protected readonly error = signal<string | null>(null);
  protected readonly actionError = signal<string | null>(null);
  protected readonly deleting = signal<string | null>(null);
  protected readonly showTemplates = signal(false);
  protected readonly canWrite = computed(() => this.session.can('operate', this.projectId()));
  protected readonly projectName = computed(() => this.store.projectNames().get(this.projectId()) ?? 'Project');

  constructor() {
    this.store.ensureProjects();
    effect(() => {
      this.projectId();
      untracked(() => void this.load());
    });
    effect(() => {
      if (this.showTemplates() && this.templates() === null)
        untracked(
          () =>
            void this.api.listGraphTemplates(this.projectId()).then(
              (t) => this.templates.set(t),
              (err: unknown) => {
                this.templates.set([]);
                this.actionError.set(`Could not load the templates: ${errorText(err)}`);
              },
            ),
        );
    });
  }

  protected kindsOf(t: GraphTemplate): string {
    return [...new Set(t.spec.nodes.map((n) => n.kind))].join(', ');
  }

  async load(): Promise<void> {
    this.error.set(null);
    try {
      this.graphs.set(await this.api.listGraphs(this.projectId()));
    } catch (err) {
      this.error.set(errorText(err));
      if (this.graphs() === null) this.graphs.set([]);
    }
  }

  protected async remove(g: Graph): Promise<void> {
    this.deleting.set(g.id);
    this.actionError.set(null);
    try {
      await this.api.deleteGraph(g.id);
      this.graphs.update((list) => (list ?? []).filter((x) => x.id !== g.id));
    } catch (err) {
      this.actionError.set(`Not deleted: ${errorText(err)}`);
    } finally {
      this.deleting.set(null);
    }
  }
}
