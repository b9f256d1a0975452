import { Controller, Get, HttpCode, Post, Req, Res } from '@nestjs/common';
import { CreateProjectRequest, CreateThreadRequest, type Project, type Run, type Thread } from '@omniai/contracts';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { type Actor, CurrentActor, visibleProjects } from '../auth/actor';
import { BodyOf, ParamOf } from '../errors/zod.pipe';
import { RunStreamService } from '../streams/run-stream.service';
import { ProjectsService } from './projects.service';

@Controller('v1/projects')
export class ProjectsController {
  constructor(
    private readonly projects: ProjectsService,
    private readonly streams: RunStreamService,
  ) {}

  @Post()
  @HttpCode(201)
  create(@BodyOf(CreateProjectRequest) body: CreateProjectRequest, @CurrentActor() actor: Actor): Promise<Project> {
    return this.projects.create(body, actor);
  }

  @Get()
  list(@CurrentActor() actor: Actor): Promise<{ items: Project[] }> {
    return this.projects.list(visibleProjects(actor));
  }

  @Get(':projectId')
  get(@ParamOf('projectId') projectId: string): Promise<Project> {
    return this.projects.get(projectId);
  }

  @Post(':projectId/threads')
  @HttpCode(201)
  createThread(@ParamOf('projectId') projectId: string, @BodyOf(CreateThreadRequest) body: CreateThreadRequest): Promise<Thread> {
    return this.projects.createThread(projectId, body);
  }

  @Get(':projectId/threads')
  listThreads(@ParamOf('projectId') projectId: string): Promise<{ items: Thread[] }> {
    return this.projects.listThreads(projectId);
  }

  @Get(':projectId/runs')
  listRuns(@ParamOf('projectId') projectId: string): Promise<{ items: Run[] }> {
    return this.projects.listRuns(projectId);
  }

  /** SSE: run status changes in this project (for dashboards). */
  @Get(':projectId/stream')
  stream(@ParamOf('projectId') projectId: string, @Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    return this.streams.streamProject(projectId, req, reply);
  }
}
