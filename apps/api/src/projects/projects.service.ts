import { Injectable } from '@nestjs/common';
import type { CreateProjectRequest, CreateThreadRequest, Project, Run, Thread } from '@omniai/contracts';
import { IdentityStore, RunStore } from '@omniai/store';
import type { Actor } from '../auth/actor';
import { ApiException } from '../errors/api.exception';

@Injectable()
export class ProjectsService {
  constructor(
    private readonly store: RunStore,
    private readonly identity: IdentityStore,
  ) {}

  /** Creates a project; its creator (unless an admin, who sees every project) becomes its operator. */
  async create(body: CreateProjectRequest, actor: Actor): Promise<Project> {
    const project = await this.store.createProject(body.name, body.description);
    if (actor.projects !== 'all') await this.identity.putMember(project.id, actor.user.id, 'operator');
    return project;
  }

  async list(visible: 'all' | string[]): Promise<{ items: Project[] }> {
    return { items: await this.store.listProjects(200, visible) };
  }

  async get(projectId: string): Promise<Project> {
    const project = await this.store.getProject(projectId);
    if (!project) throw new ApiException('E_NOT_FOUND', `No project ${projectId}.`);
    return project;
  }

  async createThread(projectId: string, body: CreateThreadRequest): Promise<Thread> {
    await this.get(projectId);
    return this.store.createThread(projectId, body.title);
  }

  async listThreads(projectId: string): Promise<{ items: Thread[] }> {
    await this.get(projectId);
    return { items: await this.store.listThreads(projectId) };
  }

  async listRuns(projectId: string): Promise<{ items: Run[] }> {
    await this.get(projectId);
    return { items: await this.store.listRuns({ projectId }) };
  }
}
