import { Controller, Get, Res } from '@nestjs/common';
import { Sha256 } from '@omniai/contracts';
import { ArtifactStore, RunStore } from '@omniai/store';
import type { FastifyReply } from 'fastify';
import { ApiException } from '../errors/api.exception';
import { ParamOf } from '../errors/zod.pipe';

// Only plain text and JSON are shown inline; anything else downloads, so a stored payload never renders as a page.
const INLINE_TYPES = /^(text\/plain|application\/json)(;|$)/;

/**
 * Artifacts are content-addressed and shared, so access goes through a run: the run's project decides who may read it
 * (D31), and an artifact is served only when that project holds a reference to it, recorded when the reference was
 * written (`artifact_refs`, D41). A hash merely mentioned in a message grants nothing.
 */
@Controller('v1/runs/:runId/artifacts')
export class ArtifactsController {
  constructor(
    private readonly artifacts: ArtifactStore,
    private readonly runs: RunStore,
  ) {}

  @Get(':sha256')
  async get(@ParamOf('runId') runId: string, @ParamOf('sha256', Sha256) sha256: string, @Res() reply: FastifyReply): Promise<void> {
    const run = await this.runs.getRun(runId);
    const found = run && (await this.artifacts.isReferencedBy(run.project_id, sha256)) ? await this.artifacts.get(sha256) : null;
    if (!found) throw new ApiException('E_NOT_FOUND', `Run ${runId} references no artifact ${sha256}.`);
    const inline = INLINE_TYPES.test(found.ref.media_type);
    await reply
      .header('content-type', inline ? found.ref.media_type : 'application/octet-stream')
      .header('content-disposition', `${inline ? 'inline' : 'attachment'}; filename="${sha256.slice(0, 16)}"`)
      .header('cache-control', 'private, max-age=31536000, immutable')
      .send(found.content);
  }
}
