import { ChangeDetectionStrategy, Component, DestroyRef, computed, effect, inject, input, signal, untracked } from '@angular/core';
import { RouterLink } from '@angular/router';
import type { McpCatalogTool, Project, Run, RunEvent } from '@omniai/contracts';
import { ApiClient } from '../core/api-client';
import { ApiError, errorText } from '../core/api-error';
import { RunSession } from '../core/run-session';
import { SessionStore } from '../core/session.store';
import { CARD_RUN_EVENTS } from '../shared/card-registry';
import { EventCardComponent } from '../timeline/cards/event-card.component';
import { provideToolCards } from '../timeline/cards/tool-cards';
import { type SchemaField, inputOfFields, schemaFields } from './mcp-model';

/** The events of a tried call worth showing: the call, its approval, its result or error, and how the run ended. */
const shown = (e: RunEvent) =>
  e.kind === 'tool_call' ||
  e.kind === 'tool_result' ||
  e.kind === 'tool_error' ||
  e.kind === 'run_failed' ||
  (e.kind === 'system_event' && ['approval_requested', 'approval_decided', 'policy_denied'].includes(e.payload.type));

/**
 * Try a tool: a form generated from its input schema (or the input as JSON), a project to run in, and Run. The call
 * is a one-step run through policy, approval, egress and the sandbox; the panel follows it and shows its events with
 * the run timeline's own cards (an approval card included, so a reviewer can decide here). Test ids: `mcp-try-*`.
 */
@Component({
  selector: 'omni-mcp-try-panel',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [RouterLink, EventCardComponent],
  providers: [provideToolCards(), { provide: CARD_RUN_EVENTS, useFactory: () => inject(TryPanelComponent).runEvents }],
  template: `
    <section class="try" aria-labelledby="mcp-try-title" data-testid="mcp-try">
      <h3 id="mcp-try-title">Try it</h3>
      <form (submit)="run($event)" novalidate>
        @if (fields(); as list) {
          @if (!list.length) {
            <p class="muted small">This tool takes no input.</p>
          }
          @for (f of list; track f.name) {
            <div class="field">
              <label [for]="'mcp-try-' + f.name">
                {{ f.name }}
                @if (f.required) {
                  <span aria-hidden="true">*</span><span class="visually-hidden">(required)</span>
                }
                <span class="muted small type">{{ f.kind === 'json' ? 'JSON' : f.kind }}</span>
              </label>
              @switch (f.kind) {
                @case ('boolean') {
                  <select [id]="'mcp-try-' + f.name" [attr.data-testid]="'mcp-try-field-' + f.name" (change)="setValue(f, $any($event.target).value)">
                    <option value="false" [selected]="valueOf(f) !== 'true'">false</option>
                    <option value="true" [selected]="valueOf(f) === 'true'">true</option>
                  </select>
                }
                @case ('enum') {
                  <select [id]="'mcp-try-' + f.name" [attr.data-testid]="'mcp-try-field-' + f.name" (change)="setValue(f, $any($event.target).value)">
                    <option value="" [selected]="valueOf(f) === ''">—</option>
                    @for (o of f.options; track $index) {
                      <option [value]="json(o)" [selected]="valueOf(f) === json(o)">{{ o }}</option>
                    }
                  </select>
                }
                @case ('json') {
                  <textarea
                    class="json-input"
                    rows="3"
                    spellcheck="false"
                    [id]="'mcp-try-' + f.name"
                    [attr.data-testid]="'mcp-try-field-' + f.name"
                    [attr.aria-invalid]="!!errors()[f.name]"
                    [attr.aria-describedby]="describedBy(f)"
                    [value]="valueOf(f)"
                    (input)="setValue(f, $any($event.target).value)"
                  ></textarea>
                }
                @default {
                  <input
                    [id]="'mcp-try-' + f.name"
                    [attr.data-testid]="'mcp-try-field-' + f.name"
                    [attr.inputmode]="f.kind === 'string' ? null : 'decimal'"
                    [attr.aria-invalid]="!!errors()[f.name]"
                    [attr.aria-describedby]="describedBy(f)"
                    [value]="valueOf(f)"
                    (input)="setValue(f, $any($event.target).value)"
                  />
                }
              }
              @if (errors()[f.name]; as e) {
                <p class="field-error" [id]="'mcp-try-' + f.name + '-error'" [attr.data-testid]="'mcp-try-field-' + f.name + '-error'">{{ e }}</p>
              } @else if (f.description) {
                <p class="hint" [id]="'mcp-try-' + f.name + '-hint'">{{ f.description }}</p>
              }
            </div>
          }
        } @else {
          <div class="field">
            <label for="mcp-try-json">Input (JSON; the schema has no properties to build a form from)</label>
            <textarea
              id="mcp-try-json"
              class="json-input"
              rows="6"
              spellcheck="false"
              data-testid="mcp-try-json"
              [value]="rawJson()"
              (input)="rawJson.set($any($event.target).value)"
            ></textarea>
            @if (errors()['$']; as e) {
              <p class="field-error">{{ e }}</p>
            }
          </div>
        }
        <div class="field">
          <label for="mcp-try-project">Project</label>
          <select id="mcp-try-project" data-testid="mcp-try-project" (change)="projectId.set($any($event.target).value)">
            @for (p of projects(); track p.id) {
              <option [value]="p.id" [selected]="p.id === projectId()">{{ p.name }}</option>
            } @empty {
              <option value="">No project you can run in</option>
            }
          </select>
          <p class="hint">The run is recorded in this project, under its policy and grants.</p>
        </div>
        @if (error(); as err) {
          <div class="form-error" role="alert" data-testid="mcp-try-error">{{ err }}</div>
        }
        <div class="form-actions">
          <button type="submit" class="btn primary" [disabled]="busy() || !projectId()" data-testid="mcp-try-run">{{ busy() ? 'Starting…' : 'Run' }}</button>
        </div>
      </form>

      @if (session(); as s) {
        <div class="result" data-testid="mcp-try-result" [attr.data-run-id]="s.run().id" [attr.data-status]="s.run().status" aria-live="polite">
          <div class="row">
            <span class="status-dot" [attr.data-status]="s.run().status"></span>
            <span data-testid="mcp-try-status">{{ s.run().status }}</span>
            <span class="spacer"></span>
            @if (runLink(s.run()); as link) {
              <a [routerLink]="link" data-testid="mcp-try-run-link">Open the run</a>
            } @else {
              <code class="small">{{ s.run().id }}</code>
            }
          </div>
          @for (e of cards(); track e.seq) {
            <omni-event-card [event]="e" />
          } @empty {
            <p class="muted small">Waiting for the call…</p>
          }
        </div>
      }
    </section>
  `,
  styleUrl: './mcp.css',
  styles: `
    .try {
      display: grid;
      gap: 8px;
    }
    h3 {
      margin: 0;
      font-size: 14px;
    }
    form {
      display: grid;
      gap: 10px;
    }
    .field {
      display: grid;
      gap: 4px;
    }
    .field p {
      margin: 0;
    }
    .type {
      margin-left: 6px;
      font-weight: normal;
    }
    .result {
      display: grid;
      gap: 8px;
      border-top: 1px solid var(--border);
      padding-top: 10px;
    }
  `,
})
export class TryPanelComponent {
  readonly serverId = input.required<string>();
  readonly tool = input.required<McpCatalogTool>();
  private readonly api = inject(ApiClient);
  private readonly user = inject(SessionStore);
  protected readonly projects = signal<Project[]>([]);
  protected readonly projectId = signal('');
  protected readonly fields = computed(() => schemaFields(this.tool().definition.input_schema));
  private readonly values = signal<Record<string, string>>({});
  protected readonly rawJson = signal('{}');
  protected readonly errors = signal<Record<string, string>>({});
  protected readonly error = signal<string | null>(null);
  protected readonly busy = signal(false);
  protected readonly session = signal<RunSession | null>(null);
  readonly runEvents = computed(() => this.session()?.events() ?? []);
  protected readonly cards = computed(() => this.runEvents().filter(shown));
  protected readonly json = (v: unknown) => JSON.stringify(v);
  /** Where the run's own page is: a Try is a one-node graph run (its graph's run page); a thread's run has its timeline. */
  protected runLink(run: Run): string[] | null {
    if (run.graph) return ['/projects', run.project_id, 'workflows', run.graph.graph_id, 'runs', run.id];
    if (run.thread_id) return ['/projects', run.project_id, 'threads', run.thread_id, 'runs', run.id];
    return null;
  }

  constructor() {
    inject(DestroyRef).onDestroy(() => this.session()?.close());
    // Another tool: a fresh form.
    effect(() => {
      this.tool();
      untracked(() => {
        this.values.set({});
        this.errors.set({});
        this.error.set(null);
        this.session()?.close();
        this.session.set(null);
      });
    });
    void this.api.listProjects().then(
      ({ items }) => {
        const mine = items.filter((p) => this.user.can('operate', p.id));
        this.projects.set(mine);
        if (!this.projectId() && mine[0]) this.projectId.set(mine[0].id);
      },
      (err: unknown) => this.error.set(`Projects could not be listed: ${errorText(err)}`),
    );
  }

  protected valueOf(f: SchemaField): string {
    return this.values()[f.name] ?? f.initial;
  }

  protected setValue(f: SchemaField, value: string): void {
    this.values.update((v) => ({ ...v, [f.name]: value }));
    if (this.errors()[f.name]) this.errors.update((e) => ({ ...e, [f.name]: '' }));
  }

  protected describedBy(f: SchemaField): string | null {
    return this.errors()[f.name] ? `mcp-try-${f.name}-error` : f.description ? `mcp-try-${f.name}-hint` : null;
  }

  private input(): Record<string, unknown> | null {
    const fields = this.fields();
    if (fields) {
      const checked = inputOfFields(fields, this.values());
      if (!checked.ok) {
        this.errors.set(checked.errors);
        return null;
      }
      return checked.body;
    }
    try {
      const v: unknown = JSON.parse(this.rawJson());
      if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new Error('expected an object');
      return v as Record<string, unknown>;
    } catch (err) {
      this.errors.set({ $: `Not a JSON object: ${(err as Error).message}` });
      return null;
    }
  }

  protected async run(ev: Event): Promise<void> {
    ev.preventDefault();
    if (this.busy()) return;
    this.error.set(null);
    this.errors.set({});
    const input = this.input();
    if (!input) return;
    this.busy.set(true);
    try {
      const res = await this.api.tryMcpTool(this.serverId(), this.tool().definition.name, { project_id: this.projectId(), input });
      this.session()?.close();
      const s = new RunSession(res.run, this.api);
      this.session.set(s);
      void s.open();
    } catch (err) {
      if (err instanceof ApiError && err.issues.length) {
        this.errors.set(Object.fromEntries(err.issues.map((i) => [i.path.replace(/^input\.?/, '') || '$', i.message])));
      }
      this.error.set(
        err instanceof ApiError && err.code === 'E_TOOL_DRIFTED'
          ? `Not run: the tool changed since it was approved. Review the change first.`
          : `Not run: ${errorText(err)}`,
      );
    } finally {
      this.busy.set(false);
    }
  }
}
