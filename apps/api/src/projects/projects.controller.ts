import { Body, Controller, Get, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import { CreateProjectRequest, CreateThreadRequest, IdParam, type Project, type Run, type Thread } from '@omniai/contracts';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { type Actor, CurrentActor, visibleProjects } from '../auth/actor';
import { ZodPipe } from '../errors/zod.pipe';
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
  create(@Body(new ZodPipe(CreateProjectRequest)) body: CreateProjectRequest, @CurrentActor() actor: Actor): Promise<Project> {
    return this.projects.create(body, actor);
  }

  @Get()
  list(@CurrentActor() actor: Actor): Promise<{ items: Project[] }> {
    return this.projects.list(visibleProjects(actor));
  }

  @Get(':projectId')
  get(@Param('projectId', new ZodPipe(IdParam)) projectId: string): Promise<Project> {
    return this.projects.get(projectId);
  }

  @Post(':projectId/threads')
  @HttpCode(201)
  createThread(
    @Param('projectId', new ZodPipe(IdParam)) projectId: string,
    @Body(new ZodPipe(CreateThreadRequest)) body: CreateThreadRequest,
  ): Promise<Thread> {
    return this.projects.createThread(projectId, body);
  }

  @Get(':projectId/threads')
  listThreads(@Param('projectId', new ZodPipe(IdParam)) projectId: string): Promise<{ items: Thread[] }> {
    return this.projects.listThreads(projectId);
  }

  @Get(':projectId/runs')
  listRuns(@Param('projectId', new ZodPipe(IdParam)) projectId: string): Promise<{ items: Run[] }> {
    return this.projects.listRuns(projectId);
  }

  /** SSE: run status changes in this project (for dashboards). */
  @Get(':projectId/stream')
  stream(@Param('projectId', new ZodPipe(IdParam)) projectId: string, @Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    return this.streams.streamProject(projectId, req, reply);
  }
}
