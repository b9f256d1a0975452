import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, effect, inject, input, signal, untracked } from '@angular/core';
import { Router, RouterLink } from '@angular/router';
import type { ProjectDocument, ResearchSummary, SearchBackend } from '@omniai/contracts';
import { RESEARCH_LIMITS } from '@omniai/contracts/pure';
import { ApiClient } from '../core/api-client';
import { ApiError, errorText, loadInto } from '../core/api-error';
import { FormState } from '../core/form-state';
import { SessionStore } from '../core/session.store';
import { WorkspaceStore } from '../core/workspace.store';
import { DataTableComponent } from '../shared/data-table.component';
import { FIELD } from '../shared/form-field.component';
import { LoadErrorComponent } from '../shared/load-error.component';
import { PageHeadComponent } from '../shared/page-head.component';
import { type ResearchDraft, type ResearchErrors, blankResearchDraft, errorsOfIssues, startResearchRequest } from './research-model';

/**
 * A project's research runs, newest first, and the form that starts one: the question, where to look (documents, a
 * web search backend, MCP tools), depth, the number of sources, plan review and a budget. The API's field errors show
 * under their fields. Test ids: `research-*`.
 */
@Component({
  selector: 'omni-research-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [DatePipe, RouterLink, DataTableComponent, FIELD, LoadErrorComponent, PageHeadComponent],
  template: `
    <nav class="crumbs small" aria-label="Breadcrumb">
      <a [routerLink]="['/projects', projectId()]" data-testid="crumb-project">{{ projectName() }}</a> / Research
    </nav>
    <omni-page-head heading="Research">
      Questions answered from the project's documents (and the web or MCP tools when chosen): a plan, sources read once, claims with verbatim quotes, and a
      report whose every citation is checked against its source.
    </omni-page-head>

    <section class="card docs" aria-label="Documents" data-testid="research-documents-card">
      <div>
        <strong>Documents</strong>
        @if (documents(); as docs) {
          <span class="muted small" data-testid="research-documents-count" [attr.data-count]="docs.length">
            {{ docs.length }} in this project{{ docs.length ? ': ' + docNames() : '' }}
          </span>
        } @else if (docsError(); as err) {
          <span class="error-text small">{{ err }}</span>
        }
      </div>
      @if (canOperate()) {
        <button type="button" class="btn small" [disabled]="loadingCorpus()" (click)="addSampleCorpus()" data-testid="research-load-corpus">
          {{ loadingCorpus() ? 'Adding…' : 'Add the sample corpus' }}
        </button>
      }
    </section>

    @if (canOperate()) {
      <form class="card form-card" (submit)="start($event)" novalidate aria-label="New research" data-testid="research-form">
        <h2 class="section-title">New research</h2>
        @if (form.error(); as err) {
          <div class="form-error" role="alert" data-testid="research-form-error">{{ err }}</div>
        }
        <omni-field label="Question" for="research-question" [form]="form" name="question" [hint]="questionHint()" [hintMet]="questionOk()">
          <textarea
            omniControl
            rows="3"
            [attr.maxlength]="limits.questionChars"
            [value]="draft().question"
            (input)="set('question', $any($event.target).value)"
            placeholder="e.g. What does the corpus say about …?"
          ></textarea>
        </omni-field>

        <fieldset class="sources" data-testid="research-sources">
          <legend>Sources</legend>
          <label class="check">
            <input type="checkbox" [checked]="draft().documents" (change)="set('documents', $any($event.target).checked)" data-testid="research-documents" />
            The project's documents
          </label>
          <omni-field label="Web search" for="research-web" [form]="form" name="webBackendId" [hint]="webHint()">
            <select omniControl [disabled]="!backends().length" (change)="set('webBackendId', $any($event.target).value)">
              <option value="" [selected]="!draft().webBackendId">No web search</option>
              @for (b of backends(); track b.id) {
                <option [value]="b.id" [selected]="b.id === draft().webBackendId">{{ b.name }} ({{ b.kind }})</option>
              }
            </select>
          </omni-field>
          <omni-field
            label="MCP search tools (optional)"
            for="research-mcp"
            [form]="form"
            name="mcpTools"
            hint="Tool ids pinned in the project, comma- or line-separated (at most 5); each is called with { query }."
          >
            <input omniControl spellcheck="false" [value]="draft().mcpTools" (input)="set('mcpTools', $any($event.target).value)" />
          </omni-field>
          @if (form.errors().sources; as e) {
            <p class="field-error" data-testid="research-sources-error">{{ e }}</p>
          }
        </fieldset>

        <div class="row">
          <omni-field label="Depth" for="research-depth" [form]="form" name="depth" hint="Results read per sub-question: 1 → 2, 2 → 3, 3 → 5.">
            <select omniControl (change)="set('depth', +$any($event.target).value)">
              @for (d of [1, 2, 3]; track d) {
                <option [value]="d" [selected]="d === draft().depth">{{ d }}</option>
              }
            </select>
          </omni-field>
          <omni-field label="Sources read at most" for="research-max-sources" [form]="form" name="maxSources" [hint]="'1 to ' + limits.maxSources">
            <input
              omniControl
              type="number"
              min="1"
              [attr.max]="limits.maxSources"
              [value]="draft().maxSources"
              (input)="set('maxSources', +$any($event.target).value)"
            />
          </omni-field>
        </div>

        <label class="check">
          <input type="checkbox" [checked]="draft().planReview" (change)="set('planReview', $any($event.target).checked)" data-testid="research-plan-review" />
          Review the plan before anything is read (edit, remove or add sub-questions)
        </label>

        <fieldset class="budget">
          <legend>Budget</legend>
          <div class="row">
            <omni-field label="Max tokens" for="research-max-tokens" [form]="form" name="maxTokens" hint="Empty: no limit.">
              <input omniControl inputmode="numeric" [value]="draft().maxTokens" (input)="set('maxTokens', $any($event.target).value)" />
            </omni-field>
            <omni-field label="Max cost (USD)" for="research-max-cost" [form]="form" name="maxCostUsd" hint="Empty: no limit.">
              <input omniControl inputmode="decimal" [value]="draft().maxCostUsd" (input)="set('maxCostUsd', $any($event.target).value)" />
            </omni-field>
            <omni-field label="When exceeded" for="research-on-exceed">
              <select omniControl (change)="set('onExceed', $any($event.target).value)">
                <option value="pause" [selected]="draft().onExceed === 'pause'">Pause (resume with more)</option>
                <option value="end" [selected]="draft().onExceed === 'end'">End the run</option>
              </select>
            </omni-field>
          </div>
        </fieldset>

        <div class="form-actions">
          <button omniSubmit class="btn primary" [busy]="form.busy()" busyLabel="Starting…" data-testid="research-start">Start research</button>
        </div>
      </form>
    }

    <h2 class="section-title">Runs</h2>
    <omni-load-error [error]="error()" what="the research runs" testid="research-list-error" (retry)="load()" />
    @if (runs() === null && !error()) {
      <div class="card skeleton" aria-busy="true" style="min-height: 80px"><span class="visually-hidden">Loading…</span></div>
    } @else if (runs()?.length === 0) {
      <div class="empty" data-testid="research-empty">
        <h2>No research yet</h2>
        <p class="muted">Ask a question above.</p>
      </div>
    } @else if (runs(); as list) {
      <omni-data-table [columns]="['Question', 'Status', 'Started']" testid="research-table">
        @for (r of list; track r.run.id) {
          <tr data-testid="research-row" [attr.data-run-id]="r.run.id" [attr.data-status]="r.run.status">
            <td>
              <a [routerLink]="['/projects', projectId(), 'research', r.run.id]" data-testid="research-link">{{ r.question }}</a>
            </td>
            <td class="nowrap"><span class="status-dot" [attr.data-status]="r.run.status"></span> {{ r.run.status }}</td>
            <td class="nowrap">{{ r.run.created_at | date: 'short' }}</td>
          </tr>
        }
      </omni-data-table>
    }
  `,
  styles: `
    :host {
      display: block;
      max-width: 960px;
    }
    .crumbs {
      margin-bottom: 8px;
      color: var(--muted);
    }
    .docs {
      display: flex;
      align-items: center;
      justify-content: space-between;
      gap: 12px;
      margin-bottom: 16px;
    }
    .docs strong {
      margin-right: 8px;
    }
    form {
      display: grid;
      gap: 12px;
      margin-bottom: 24px;
    }
    fieldset {
      border: 1px solid var(--border);
      border-radius: var(--radius);
      padding: 8px 12px 12px;
      display: grid;
      gap: 8px;
      margin: 0;
    }
    legend {
      font-weight: 600;
      padding: 0 4px;
    }
    .row {
      display: grid;
      grid-template-columns: repeat(auto-fit, minmax(180px, 1fr));
      gap: 12px;
    }
    .check {
      display: flex;
      gap: 8px;
      align-items: center;
    }
    textarea {
      width: 100%;
      box-sizing: border-box;
      font: inherit;
      padding: 8px;
      border: 1px solid var(--border);
      border-radius: 8px;
      background: var(--surface);
      color: var(--text);
    }
  `,
})
export class ResearchPageComponent {
  readonly projectId = input.required<string>();
  private readonly api = inject(ApiClient);
  private readonly router = inject(Router);
  private readonly session = inject(SessionStore);
  private readonly store = inject(WorkspaceStore);
  protected readonly limits = RESEARCH_LIMITS;
  protected readonly form = new FormState<ResearchErrors>();
  protected readonly draft = signal<ResearchDraft>(blankResearchDraft());
  protected readonly runs = signal<ResearchSummary[] | null>(null);
  protected readonly backends = signal<SearchBackend[]>([]);
  protected readonly backendsError = signal<string | null>(null);
  protected readonly error = signal<string | null>(null);
  protected readonly documents = signal<ProjectDocument[] | null>(null);
  protected readonly docsError = signal<string | null>(null);
  protected readonly loadingCorpus = signal(false);
  protected readonly docNames = computed(() => {
    const names = (this.documents() ?? []).map((d) => d.path);
    return names.length > 4 ? `${names.slice(0, 4).join(', ')} and ${names.length - 4} more` : names.join(', ');
  });

  protected readonly projectName = computed(() => this.store.projectNames().get(this.projectId()) ?? 'Project');
  protected readonly canOperate = computed(() => this.session.can('operate', this.projectId()));
  protected readonly questionOk = computed(() => {
    const n = this.draft().question.trim().length;
    return n >= 3 && n <= RESEARCH_LIMITS.questionChars;
  });
  protected readonly questionHint = computed(
    () => `${this.draft().question.length.toLocaleString('en-US')} / ${RESEARCH_LIMITS.questionChars.toLocaleString('en-US')} characters`,
  );
  protected readonly webHint = computed(() => {
    if (this.backendsError()) return `Search backends could not be listed: ${this.backendsError()}`;
    return this.backends().length
      ? 'Its hosts must be on the egress allowlist; a run with web sources always waits for a plan review.'
      : 'No web search backend is configured (an admin adds one: SearXNG, Brave or Tavily).';
  });

  constructor() {
    this.store.ensureProjects();
    effect(() => {
      this.projectId();
      untracked(() => void this.load());
    });
    void this.api.listSearchBackends().then(
      (list) => this.backends.set(list),
      (err: unknown) => this.backendsError.set(errorText(err)),
    );
  }

  async load(): Promise<void> {
    const projectId = this.projectId();
    void loadInto(this.docsError, async () => this.documents.set(await this.api.listDocuments(projectId)));
    await loadInto(this.error, async () => this.runs.set(await this.api.listResearch(projectId)));
  }

  /** The corpus OmniAI ships (short texts about itself), to try research offline. */
  protected async addSampleCorpus(): Promise<void> {
    const projectId = this.projectId();
    this.loadingCorpus.set(true);
    await loadInto(this.docsError, async () => {
      await this.api.loadSampleCorpus(projectId);
      this.documents.set(await this.api.listDocuments(projectId));
    });
    this.loadingCorpus.set(false);
  }

  protected set<K extends keyof ResearchDraft>(key: K, value: ResearchDraft[K]): void {
    this.draft.update((d) => ({ ...d, [key]: value }));
    if (key === 'documents' || key === 'webBackendId' || key === 'mcpTools') this.form.clear('sources');
  }

  protected async start(ev: Event): Promise<void> {
    const projectId = this.projectId();
    await this.form.submit(ev, {
      check: () => startResearchRequest(this.draft()),
      send: async (body) => {
        const run = await this.api.startResearch(projectId, body);
        await this.router.navigate(['/projects', projectId, 'research', run.id]);
      },
      failed: (err) => {
        if (err instanceof ApiError && err.issues.length) {
          const { errors, rest } = errorsOfIssues(err.issues);
          this.form.errors.set(errors);
          return rest.length ? `Not started: ${err.message} (${rest.map((i) => `${i.path}: ${i.message}`).join('; ')})` : `Not started: ${err.message}`;
        }
        return `Not started: ${errorText(err)}`;
      },
    });
  }
}
