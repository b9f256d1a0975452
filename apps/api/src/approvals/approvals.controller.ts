import { Controller, Get, HttpCode, Post } from '@nestjs/common';
import { type Approval, ApprovalIdParam, ApprovalsQuery, DecideApprovalRequest, type DecideApprovalResponse } from '@omniai/contracts';
import { type Actor, CurrentActor, runActor, visibleProjects } from '../auth/actor';
import { BodyOf, ParamOf, QueryOf } from '../errors/zod.pipe';
import { ApprovalsService } from './approvals.service';

/** The `approvalId` path parameter, validated (`<runId>.<n>`). */
export const ApprovalId = (): ParameterDecorator => ParamOf('approvalId', ApprovalIdParam);

@Controller('v1/approvals')
export class ApprovalsController {
  constructor(private readonly approvals: ApprovalsService) {}

  @Get()
  async list(@QueryOf(ApprovalsQuery) query: ApprovalsQuery, @CurrentActor() actor: Actor): Promise<{ items: Approval[] }> {
    return { items: await this.approvals.list(query, visibleProjects(actor)) };
  }

  @Get(':approvalId')
  get(@ApprovalId() id: string) {
    return this.approvals.get(id);
  }

  @Post(':approvalId/decide')
  @HttpCode(200)
  decide(@ApprovalId() id: string, @BodyOf(DecideApprovalRequest) body: DecideApprovalRequest, @CurrentActor() actor: Actor): Promise<DecideApprovalResponse> {
    return this.approvals.decide(id, body, runActor(actor));
  }
}
