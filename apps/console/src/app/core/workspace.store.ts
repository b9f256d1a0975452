import { Injectable, computed, inject, signal } from '@angular/core';
import type { CreateProviderRequest, Project, ProviderConfig, Run, RunPins, Thread } from '@omniai/contracts';
import { ApiClient } from './api-client';
import { ApiError, errorText } from './api-error';
import { RunSession } from './run-session';

/** Projects, threads and runs the operator is looking at; sessions are cached per run. */
@Injectable({ providedIn: 'root' })
export class WorkspaceStore {
  private readonly api = inject(ApiClient);
  readonly projects = signal<Project[] | null>(null);
  /** Project names by id, for pages that name the project a row belongs to. */
  readonly projectNames = computed(() => new Map((this.projects() ?? []).map((p) => [p.id, p.name])));
  readonly threads = signal<Thread[] | null>(null);
  readonly runs = signal<RunSession[] | null>(null);
  /** Configured providers, shared by the chat's model picker and the settings page (so both see every change). */
  readonly providers = signal<ProviderConfig[]>([]);
  readonly providersLoaded = signal(false);
  readonly error = signal<string | null>(null);
  private readonly sessions = new Map<string, RunSession>();
  private threadId: string | null = null;

  async loadProjects(): Promise<void> {
    await this.guard(async () => this.projects.set((await this.api.listProjects()).items));
  }

  /** Loads the projects unless they are loaded already. */
  ensureProjects(): void {
    if (this.projects() === null) void this.loadProjects();
  }

  async createProject(name: string): Promise<Project | null> {
    return this.guard(async () => {
      const project = await this.api.createProject(name);
      this.projects.update((list) => [project, ...(list ?? [])]);
      return project;
    });
  }

  async loadThreads(projectId: string): Promise<void> {
    this.threads.set(null);
    await this.guard(async () => this.threads.set((await this.api.listThreads(projectId)).items));
  }

  async createThread(projectId: string, title: string): Promise<Thread | null> {
    return this.guard(async () => {
      const thread = await this.api.createThread(projectId, title);
      this.threads.update((list) => [thread, ...(list ?? [])]);
      return thread;
    });
  }

  async loadRuns(threadId: string): Promise<void> {
    if (this.threadId !== threadId) this.runs.set(null);
    this.threadId = threadId;
    await this.guard(async () => {
      const runs = (await this.api.listRuns(threadId)).items.reverse(); // oldest first, like a conversation
      if (this.threadId !== threadId) return;
      const sessions = runs.map((r) => this.session(r));
      this.runs.set(sessions);
      sessions.forEach((s) => void s.open());
    });
  }

  async loadProviders(): Promise<void> {
    await this.guard(() => this.refreshProviders());
  }

  /** Like `loadProviders`, but throws the ApiError for the caller to show. */
  async refreshProviders(): Promise<void> {
    this.providers.set((await this.api.listProviders()).items);
    this.providersLoaded.set(true);
  }

  /** Throws the ApiError (with its field issues) so the form can show it next to the fields. */
  async createProvider(body: CreateProviderRequest): Promise<ProviderConfig> {
    const created = await this.api.createProvider(body);
    this.providers.update((list) => [created, ...list.filter((p) => p.id !== created.id)]);
    return created;
  }

  /** Deleting one that is already gone (another tab, the API) counts as done. */
  async deleteProvider(providerId: string): Promise<void> {
    try {
      await this.api.deleteProvider(providerId);
    } catch (err) {
      if (!(err instanceof ApiError && err.code === 'E_NOT_FOUND')) throw err;
    }
    this.providers.update((list) => list.filter((p) => p.id !== providerId));
  }

  async send(threadId: string, message: string, pins?: Partial<Pick<RunPins, 'provider' | 'model'>>): Promise<RunSession | null> {
    return this.guard(async () => {
      const run = await this.api.startRun(threadId, pins ? { message, pins } : { message });
      return this.adopt(run);
    });
  }

  async cancel(session: RunSession): Promise<void> {
    await this.guard(() => this.api.cancelRun(session.run().id));
  }

  /** Continues a paused run, lifting the limit that paused it. */
  async resume(session: RunSession): Promise<void> {
    await this.guard(() => this.api.resumeRun(session.run().id));
  }

  async retry(session: RunSession): Promise<RunSession | null> {
    return this.guard(async () => this.adopt(await this.api.retryRun(session.run().id)));
  }

  /** A run's session (loaded on first use), e.g. for a deep link to a run. */
  async sessionFor(runId: string): Promise<RunSession | null> {
    const cached = this.sessions.get(runId);
    if (cached) return cached;
    return this.guard(async () => {
      const s = this.session(await this.api.getRun(runId));
      void s.open();
      return s;
    });
  }

  private adopt(run: Run): RunSession {
    const s = this.session(run);
    if (this.threadId === run.thread_id) this.runs.update((list) => [...(list ?? []), s]);
    void s.open();
    return s;
  }

  private session(run: Run): RunSession {
    let s = this.sessions.get(run.id);
    if (!s) this.sessions.set(run.id, (s = new RunSession(run, this.api)));
    return s;
  }

  private async guard<T>(fn: () => Promise<T>): Promise<T | null> {
    try {
      const out = await fn();
      this.error.set(null);
      return out;
    } catch (err) {
      this.error.set(errorText(err));
      return null;
    }
  }
}
