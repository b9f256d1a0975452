import { Injectable } from '@nestjs/common';
import type { CreateProjectRequest, CreateThreadRequest, Project, Run, Thread } from '@omniai/contracts';
import { RunStore } from '@omniai/store';
import { ApiException } from '../errors/api.exception';

@Injectable()
export class ProjectsService {
  constructor(private readonly store: RunStore) {}

  create(body: CreateProjectRequest): Promise<Project> {
    return this.store.createProject(body.name, body.description);
  }

  async list(): Promise<{ items: Project[] }> {
    return { items: await this.store.listProjects() };
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
