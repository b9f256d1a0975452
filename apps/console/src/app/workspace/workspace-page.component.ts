import { ChangeDetectionStrategy, Component, computed, effect, inject, input, signal, untracked } from '@angular/core';
import { Router, RouterLink } from '@angular/router';
import { ChatViewComponent } from '../chat/chat-view.component';
import { MetaStore } from '../core/meta.store';
import { SessionStore } from '../core/session.store';
import { ArtifactViewer } from '../core/artifact-viewer';
import { provideToolCards } from '../timeline/cards/tool-cards';
import { RunTimelineComponent } from '../timeline/run-timeline.component';
import { RunDrawerComponent } from './run-drawer.component';
import { TriggersPanelComponent } from '../triggers/triggers-panel.component';
import type { TriggerOwner } from '../triggers/trigger-drafts';
import type { RunSession } from '../core/run-session';
import { WorkspaceStore } from '../core/workspace.store';

type Tab = 'chat' | 'run' | 'triggers';

/** Three panes: projects/threads/runs, a tabbed center (Chat, Run), and the run drawer. */
@Component({
  selector: 'omni-workspace-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [RouterLink, ChatViewComponent, RunTimelineComponent, RunDrawerComponent, TriggersPanelComponent],
  // Tool calls, results, errors and approvals get typed cards (registered here so they stay in this lazy chunk).
  providers: [provideToolCards()],
  template: `
    <div class="workspace">
      <aside class="pane nav-pane" aria-label="Projects and threads">
        @if (session.can('operate')) {
          <form class="inline-form" (submit)="createProject($event, projectName.value); projectName.value = ''">
            <input #projectName placeholder="New project name" aria-label="New project name" data-testid="new-project-name" maxlength="120" />
            <button type="submit" class="btn small" data-testid="create-project">Add</button>
          </form>
        }
        <div class="nav-section">Projects</div>
        @if (store.projects() === null) {
          <div class="muted small">Loading…</div>
        } @else if (store.projects()!.length === 0) {
          <div class="muted small" data-testid="projects-empty">
            {{ session.can('operate') ? 'No projects yet: name one above.' : 'No projects yet. An admin can add you to one.' }}
          </div>
        }
        @for (p of store.projects() ?? []; track p.id) {
          <a class="nav-item" [routerLink]="['/projects', p.id]" [class.active]="p.id === projectId()" data-testid="project-item">{{ p.name }}</a>
          @if (p.id === projectId()) {
            <div class="nested">
              <a class="nav-item" [routerLink]="['/projects', p.id, 'workflows']" data-testid="nav-workflows">Workflows</a>
              @if (researchOn()) {
                <a class="nav-item" [routerLink]="['/projects', p.id, 'research']" data-testid="nav-research">Research</a>
              }
              @if (session.can('operate', p.id)) {
                <button type="button" class="btn small ghost" (click)="createThread(p.id)" data-testid="create-thread">+ New thread</button>
              }
              @for (t of store.threads() ?? []; track t.id) {
                <a class="nav-item" [routerLink]="['/projects', p.id, 'threads', t.id]" [class.active]="t.id === threadId()" data-testid="thread-item">{{
                  t.title
                }}</a>
                @if (t.id === threadId()) {
                  <div class="nested runs">
                    @for (s of store.runs() ?? []; track s.run().id) {
                      <a
                        class="nav-item small"
                        [routerLink]="['/projects', p.id, 'threads', t.id, 'runs', s.run().id]"
                        [class.active]="s.run().id === runId()"
                        data-testid="run-item"
                      >
                        <span class="status-dot" [attr.data-status]="s.run().status"></span>{{ s.run().created_at.slice(11, 19) }} · {{ s.run().status }}
                      </a>
                    }
                  </div>
                }
              }
            </div>
          }
        }
      </aside>

      <section class="pane center-pane">
        @if (store.error(); as err) {
          <div class="banner error" role="alert" data-testid="workspace-error">{{ err }}</div>
        }
        @if (threadId(); as tid) {
          <div class="tabs" role="tablist">
            <button role="tab" type="button" [attr.aria-selected]="tab() === 'chat'" (click)="tab.set('chat')" data-testid="tab-chat">Chat</button>
            <button
              role="tab"
              type="button"
              [attr.aria-selected]="tab() === 'run'"
              [disabled]="!activeSession()"
              (click)="tab.set('run')"
              data-testid="tab-run"
            >
              Run
            </button>
            <button
              role="tab"
              type="button"
              [attr.aria-selected]="tab() === 'triggers'"
              (click)="tab.set('triggers')"
              data-testid="tab-triggers"
              title="Schedules and webhooks that start chat turns here"
            >
              Triggers
            </button>
            <a
              role="tab"
              class="tab-link"
              [routerLink]="['/projects', projectId(), 'workflows']"
              data-testid="tab-editor"
              title="Workflow graphs of this project"
              >Editor</a
            >
            @if (researchOn()) {
              <a
                role="tab"
                class="tab-link"
                [routerLink]="['/projects', projectId(), 'research']"
                data-testid="tab-research"
                title="Research runs of this project"
                >Research</a
              >
            }
            <button role="tab" type="button" disabled title="Arrives with dashboards">Dashboard</button>
          </div>
          @if (tab() === 'triggers' && triggerOwner(); as owner) {
            <omni-triggers-panel class="triggers-tab" [owner]="owner" />
          } @else if (tab() === 'chat') {
            <omni-chat-view [threadId]="tid" [projectId]="projectId() ?? null" [sessions]="store.runs()" (openRun)="openRun($event)" />
          } @else if (activeSession(); as s) {
            <div class="run-head small muted">
              Run <code>{{ s.run().id.slice(0, 8) }}</code> · {{ s.events().length }} events · stream {{ s.streamState() }}
            </div>
            <omni-run-timeline [events]="s.events()" [selectedSeq]="selectedSeq()" (selected)="selectedSeq.set($event)" />
          }
        } @else if (projectId()) {
          <div class="empty" data-testid="no-thread">
            <h2>Pick or start a thread</h2>
            <p class="muted">Threads hold conversations; each message is a run.</p>
          </div>
        } @else {
          <div class="empty" data-testid="no-project">
            <h2>Welcome to OmniAI</h2>
            <p class="muted">
              {{ session.can('operate') ? 'Create or pick a project on the left to begin.' : 'Pick a project on the left to follow its threads and runs.' }}
            </p>
          </div>
        }
      </section>

      <aside class="pane drawer-pane">
        <omni-run-drawer [session]="activeSession()" [selectedSeq]="selectedSeq()" />
      </aside>
    </div>

    @if (viewer.current(); as a) {
      <div class="dialog-backdrop" (click)="viewer.close()" (keydown.escape)="viewer.close()">
        <div class="dialog" role="dialog" aria-label="Artifact" (click)="$event.stopPropagation()" data-testid="artifact-viewer">
          <div class="dialog-head">
            <code>{{ a.sha256.slice(0, 16) }}…</code><button type="button" class="btn small" (click)="viewer.close()">Close</button>
          </div>
          @if (a.error) {
            <div class="error-text">{{ a.error }}</div>
          } @else if (a.text === null) {
            <div class="muted">Loading…</div>
          } @else {
            <pre class="artifact-text">{{ a.text }}</pre>
          }
        </div>
      </div>
    }
  `,
})
export class WorkspacePageComponent {
  readonly projectId = input<string>();
  readonly threadId = input<string>();
  readonly runId = input<string>();
  /** `?tab=triggers` opens the thread's Triggers tab. */
  readonly tabParam = input<string>(undefined, { alias: 'tab' });
  protected readonly store = inject(WorkspaceStore);
  protected readonly viewer = inject(ArtifactViewer);
  protected readonly session = inject(SessionStore);
  private readonly meta = inject(MetaStore);
  /** Research is a feature a deployment may turn off (meta.features): then its link is hidden. */
  protected readonly researchOn = computed(() => this.meta.meta()?.features.research === true);
  private readonly router = inject(Router);
  protected readonly tab = signal<Tab>('chat');
  protected readonly selectedSeq = signal<number | null>(null);
  private readonly deepLinked = signal<RunSession | null>(null);

  protected readonly triggerOwner = computed<TriggerOwner | null>(() => {
    const [projectId, threadId] = [this.projectId(), this.threadId()];
    return projectId && threadId ? { kind: 'agent', projectId, threadId } : null;
  });

  /** The run the drawer and Run tab show: the routed one, else the thread's latest. */
  protected readonly activeSession = computed(() => {
    const id = this.runId();
    const runs = this.store.runs() ?? [];
    if (id) return runs.find((s) => s.run().id === id) ?? this.deepLinked();
    return runs[runs.length - 1] ?? null;
  });

  constructor() {
    void this.store.loadProjects();
    effect(() => {
      const pid = this.projectId();
      if (pid) untracked(() => void this.store.loadThreads(pid));
    });
    effect(() => {
      const tid = this.threadId();
      if (tid) untracked(() => void this.store.loadRuns(tid));
    });
    effect(() => {
      const tab = this.tabParam();
      if (tab === 'triggers') untracked(() => this.tab.set('triggers'));
    });
    effect(() => {
      const rid = this.runId();
      untracked(() => {
        this.selectedSeq.set(null);
        if (rid) {
          this.tab.set('run');
          void this.store.sessionFor(rid).then((s) => this.deepLinked.set(s));
        }
      });
    });
  }

  protected async createProject(ev: Event, name: string): Promise<void> {
    ev.preventDefault();
    if (!name.trim()) return;
    const p = await this.store.createProject(name.trim());
    if (p) await this.router.navigate(['/projects', p.id]);
  }

  protected async createThread(projectId: string): Promise<void> {
    const t = await this.store.createThread(projectId, `Thread ${new Date().toLocaleString()}`);
    if (t) await this.router.navigate(['/projects', projectId, 'threads', t.id]);
  }

  protected openRun(runId: string): void {
    void this.router.navigate(['/projects', this.projectId(), 'threads', this.threadId(), 'runs', runId]);
  }
}
