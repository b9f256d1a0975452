import { Controller, Get, HttpCode, Post } from '@nestjs/common';
import { type ProjectDocument, PutDocumentRequest } from '@omniai/contracts';
import { BodyOf, ParamOf } from '../errors/zod.pipe';
import { DocumentsService } from './documents.service';

/** A project's documents (the corpus research runs and `documents.search` search). */
@Controller('v1')
export class DocumentsController {
  constructor(private readonly documents: DocumentsService) {}

  @Get('projects/:projectId/documents')
  list(@ParamOf('projectId') projectId: string): Promise<{ items: ProjectDocument[] }> {
    return this.documents.list(projectId);
  }

  @Post('projects/:projectId/documents')
  @HttpCode(201)
  put(@ParamOf('projectId') projectId: string, @BodyOf(PutDocumentRequest) body: PutDocumentRequest): Promise<ProjectDocument> {
    return this.documents.put(projectId, body);
  }

  @Post('projects/:projectId/documents/sample-corpus')
  @HttpCode(201)
  sample(@ParamOf('projectId') projectId: string): Promise<{ items: ProjectDocument[] }> {
    return this.documents.loadSampleCorpus(projectId);
  }
}
