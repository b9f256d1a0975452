import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { type Approval, ApprovalsQuery, DecideApprovalRequest, type DecideApprovalResponse } from '@omniai/contracts';
import { z } from 'zod';
import { type Actor, CurrentActor, runActor, visibleProjects } from '../auth/actor';
import { ZodPipe } from '../errors/zod.pipe';
import { ApprovalsService } from './approvals.service';

export const ApprovalIdParam = z.string().regex(/^[0-9a-f-]{36}\.\d{1,6}$/, 'expected an approval id (<runId>.<n>)');

@Controller('v1/approvals')
export class ApprovalsController {
  constructor(private readonly approvals: ApprovalsService) {}

  @Get()
  async list(@Query(new ZodPipe(ApprovalsQuery)) query: ApprovalsQuery, @CurrentActor() actor: Actor): Promise<{ items: Approval[] }> {
    return { items: await this.approvals.list(query, visibleProjects(actor)) };
  }

  @Get(':approvalId')
  get(@Param('approvalId', new ZodPipe(ApprovalIdParam)) id: string) {
    return this.approvals.get(id);
  }

  @Post(':approvalId/decide')
  @HttpCode(200)
  decide(
    @Param('approvalId', new ZodPipe(ApprovalIdParam)) id: string,
    @Body(new ZodPipe(DecideApprovalRequest)) body: DecideApprovalRequest,
    @CurrentActor() actor: Actor,
  ): Promise<DecideApprovalResponse> {
    return this.approvals.decide(id, body, runActor(actor));
  }
}
