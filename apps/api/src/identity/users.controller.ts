import { Controller, Delete, Get, HttpCode, Post, Put, Req } from '@nestjs/common';
import {
  AuditQuery,
  type AuditEvent,
  CreateInviteRequest,
  type CreatedInvite,
  type Invite,
  type ProjectMember,
  PutMemberRequest,
  UpdateUserRequest,
  type User,
} from '@omniai/contracts';
import { IdentityStore } from '@omniai/store';
import type { FastifyRequest } from 'fastify';
import { type Actor, CurrentActor } from '../auth/actor';
import { ApiException } from '../errors/api.exception';
import { BodyOf, ParamOf, QueryOf } from '../errors/zod.pipe';
import { IdentityService } from './identity.service';

/** Workspace administration: users, invites, project memberships, the audit log. Every change is audited. */
@Controller('v1')
export class UsersController {
  constructor(
    private readonly identity: IdentityStore,
    private readonly identityService: IdentityService,
  ) {}

  @Get('users')
  async listUsers(): Promise<{ items: User[] }> {
    return { items: await this.identity.listUsers() };
  }

  @Put('users/:userId')
  async updateUser(
    @ParamOf('userId') userId: string,
    @BodyOf(UpdateUserRequest) body: UpdateUserRequest,
    @CurrentActor() actor: Actor,
    @Req() req: FastifyRequest,
  ): Promise<User> {
    const before = await this.identity.userById(userId);
    if (!before) throw new ApiException('E_NOT_FOUND', `No user ${userId}.`);
    const losesAdmin = before.role === 'admin' && !before.disabled && ((body.role !== undefined && body.role !== 'admin') || body.disabled === true);
    if (losesAdmin && (await this.identity.countActiveAdmins()) <= 1)
      throw new ApiException('E_CONFLICT', 'This would leave the workspace without an enabled admin.');
    const after = (await this.identity.updateUser(userId, body))!;
    // A disabled user, or one whose role changed, signs in again: nothing keeps acting on the old role.
    if (body.disabled === true || (body.role !== undefined && body.role !== before.role)) await this.identity.revokeSessionsOf(userId);
    await this.identity.auditBy(actor.user, { action: 'user.updated', target: before.email, ip: req.ip, detail: { ...body } });
    const { passwordHash: _, ...user } = after;
    return user;
  }

  @Get('invites')
  async listInvites(): Promise<{ items: Invite[] }> {
    return { items: await this.identity.listInvites() };
  }

  @Post('invites')
  @HttpCode(201)
  createInvite(@BodyOf(CreateInviteRequest) body: CreateInviteRequest, @CurrentActor() actor: Actor, @Req() req: FastifyRequest): Promise<CreatedInvite> {
    return this.identityService.createInvite(body, actor, req.ip);
  }

  @Delete('invites/:inviteId')
  @HttpCode(204)
  async revokeInvite(@ParamOf('inviteId') inviteId: string, @CurrentActor() actor: Actor, @Req() req: FastifyRequest): Promise<void> {
    const invite = await this.identity.revokeInvite(inviteId);
    if (!invite) throw new ApiException('E_NOT_FOUND', `No open invite ${inviteId}.`);
    await this.identity.auditBy(actor.user, { action: 'user.invite_revoked', target: invite.email, ip: req.ip });
  }

  @Get('projects/:projectId/members')
  async listMembers(@ParamOf('projectId') projectId: string): Promise<{ items: ProjectMember[] }> {
    return { items: await this.identity.listMembers(projectId) };
  }

  @Put('projects/:projectId/members/:userId')
  async putMember(
    @ParamOf('projectId') projectId: string,
    @ParamOf('userId') userId: string,
    @BodyOf(PutMemberRequest) body: PutMemberRequest,
    @CurrentActor() actor: Actor,
    @Req() req: FastifyRequest,
  ): Promise<ProjectMember> {
    const user = await this.identity.userById(userId);
    if (!user || !(await this.identity.projectExists(projectId))) throw new ApiException('E_NOT_FOUND', 'No such project or user.');
    await this.identity.putMember(projectId, userId, body.role);
    await this.identity.auditBy(actor.user, { action: 'project.member_set', target: `${projectId}/${user.email}`, ip: req.ip, detail: { role: body.role } });
    return { project_id: projectId, user_id: userId, email: user.email, display_name: user.display_name, role: body.role };
  }

  @Delete('projects/:projectId/members/:userId')
  @HttpCode(204)
  async removeMember(
    @ParamOf('projectId') projectId: string,
    @ParamOf('userId') userId: string,
    @CurrentActor() actor: Actor,
    @Req() req: FastifyRequest,
  ): Promise<void> {
    if (!(await this.identity.removeMember(projectId, userId))) throw new ApiException('E_NOT_FOUND', 'No such membership.');
    await this.identity.auditBy(actor.user, { action: 'project.member_removed', target: `${projectId}/${userId}`, ip: req.ip });
  }

  @Get('audit')
  async audit(@QueryOf(AuditQuery) q: AuditQuery): Promise<{ items: AuditEvent[] }> {
    return {
      items: await this.identity.listAudit({ limit: q.limit, ...(q.action ? { action: q.action } : {}), ...(q.before_id ? { beforeId: q.before_id } : {}) }),
    };
  }
}
