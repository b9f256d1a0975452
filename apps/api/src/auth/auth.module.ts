import { Module } from '@nestjs/common';
import { APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { DatabaseModule } from '../database/database.module';
import { RunsModule } from '../runs/runs.module';
import { StoreModule } from '../store/store.module';
import { ToolsModule } from '../tools/tools.module';
import { AuditInterceptor } from './audit.interceptor';
import { AuthController } from './auth.controller';
import { AuthGuard } from './auth.guard';
import { AuthService } from './auth.service';
import { OriginPolicy } from './origin-policy';
import { ProjectScopes } from './project-scopes';
import { PublicController } from './public.controller';
import { TokensController } from './tokens.controller';
import { UsersController } from './users.controller';

/** Identity and the two API lanes (D31): the global guard, sessions, invites, tokens, memberships, audit. */
@Module({
  imports: [DatabaseModule, StoreModule, RunsModule, ToolsModule],
  controllers: [AuthController, UsersController, TokensController, PublicController],
  providers: [AuthService, ProjectScopes, OriginPolicy, { provide: APP_GUARD, useClass: AuthGuard }, { provide: APP_INTERCEPTOR, useClass: AuditInterceptor }],
  exports: [OriginPolicy],
})
export class AuthModule {}
