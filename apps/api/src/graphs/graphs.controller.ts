import { Controller, Delete, Get, HttpCode, Post, Res } from '@nestjs/common';
import {
  type Graph,
  GraphDiffQuery,
  type GraphDiff,
  type GraphDetail,
  type GraphTemplate,
  type GraphValidation,
  type GraphVersion,
  type GraphVersionSummary,
  GraphVersionParam,
  type Run,
  type RunNodes,
  RunsByTriggerQuery,
  type SavedGraph,
  type SavedGraphVersion,
  SaveGraphRequest,
  StartGraphRunRequest,
  ValidateGraphRequest,
} from '@omniai/contracts';
import type { FastifyReply } from 'fastify';
import { type Actor, CurrentActor, runActor } from '../auth/actor';
import { BodyOf, ParamOf, QueryOf } from '../errors/zod.pipe';
import { GraphsService } from './graphs.service';

/** Workflow graphs on the UI lane (the public lane's graph routes are in PublicApiController). */
@Controller('v1')
export class GraphsController {
  constructor(private readonly graphs: GraphsService) {}

  @Get('projects/:projectId/graphs')
  list(@ParamOf('projectId') projectId: string): Promise<{ items: Graph[] }> {
    return this.graphs.list(projectId);
  }

  @Post('projects/:projectId/graphs')
  @HttpCode(201)
  create(@ParamOf('projectId') projectId: string, @BodyOf(SaveGraphRequest) body: SaveGraphRequest, @CurrentActor() actor: Actor): Promise<SavedGraph> {
    return this.graphs.create(projectId, body, runActor(actor));
  }

  @Post('projects/:projectId/graphs/validate')
  @HttpCode(200)
  validate(
    @ParamOf('projectId') projectId: string,
    @BodyOf(ValidateGraphRequest) body: ValidateGraphRequest,
    @CurrentActor() actor: Actor,
  ): Promise<GraphValidation> {
    return this.graphs.validate(projectId, body.spec, runActor(actor));
  }

  @Get('projects/:projectId/graph-templates')
  templates(@ParamOf('projectId') projectId: string): Promise<{ items: GraphTemplate[] }> {
    return this.graphs.templates(projectId);
  }

  @Get('graphs/:graphId')
  get(@ParamOf('graphId') graphId: string): Promise<GraphDetail> {
    return this.graphs.get(graphId);
  }

  @Delete('graphs/:graphId')
  @HttpCode(204)
  delete(@ParamOf('graphId') graphId: string): Promise<void> {
    return this.graphs.delete(graphId);
  }

  @Get('graphs/:graphId/versions')
  versions(@ParamOf('graphId') graphId: string): Promise<{ items: GraphVersionSummary[] }> {
    return this.graphs.versions(graphId);
  }

  /** 201 with the new version; 200 with the latest when the spec is identical to it (nothing was added). */
  @Post('graphs/:graphId/versions')
  async addVersion(
    @ParamOf('graphId') graphId: string,
    @BodyOf(SaveGraphRequest) body: SaveGraphRequest,
    @CurrentActor() actor: Actor,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<SavedGraphVersion> {
    const { saved, created } = await this.graphs.addVersion(graphId, body, runActor(actor));
    reply.status(created ? 201 : 200);
    return saved;
  }

  @Get('graphs/:graphId/versions/:version')
  getVersion(@ParamOf('graphId') graphId: string, @ParamOf('version', GraphVersionParam) version: number): Promise<GraphVersion> {
    return this.graphs.getVersion(graphId, version);
  }

  @Get('graphs/:graphId/diff')
  diff(@ParamOf('graphId') graphId: string, @QueryOf(GraphDiffQuery) query: GraphDiffQuery): Promise<GraphDiff> {
    return this.graphs.diff(graphId, query.from, query.to);
  }

  @Post('graphs/:graphId/runs')
  @HttpCode(202)
  start(@ParamOf('graphId') graphId: string, @BodyOf(StartGraphRunRequest) body: StartGraphRunRequest, @CurrentActor() actor: Actor): Promise<Run> {
    return this.graphs.startRun(graphId, body, runActor(actor));
  }

  @Get('graphs/:graphId/runs')
  runs(@ParamOf('graphId') graphId: string, @QueryOf(RunsByTriggerQuery) query: RunsByTriggerQuery): Promise<{ items: Run[] }> {
    return this.graphs.listRuns(graphId, query.trigger_id);
  }

  @Get('runs/:runId/nodes')
  nodes(@ParamOf('runId') runId: string): Promise<RunNodes> {
    return this.graphs.nodes(runId);
  }
}
