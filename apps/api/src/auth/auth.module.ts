import { Module } from '@nestjs/common';
import { APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { DatabaseModule } from '../database/database.module';
import { StoreModule } from '../store/store.module';
import { AuditInterceptor } from './audit.interceptor';
import { AuthController } from './auth.controller';
import { AuthGuard } from './auth.guard';
import { AuthService } from './auth.service';
import { EarlyAuth } from './early-auth';
import { OriginPolicy } from './origin-policy';
import { ProjectScopes } from './project-scopes';
import { LoginThrottle } from './login-throttle';

/** Authentication and the two API lanes (D31): the global guard over the route table, sign-in, sessions, CSRF and origins, the audit of admin mutations. */
@Module({
  imports: [DatabaseModule, StoreModule],
  controllers: [AuthController],
  providers: [
    AuthService,
    ProjectScopes,
    OriginPolicy,
    EarlyAuth,
    LoginThrottle,
    { provide: APP_GUARD, useClass: AuthGuard },
    { provide: APP_INTERCEPTOR, useClass: AuditInterceptor },
  ],
  exports: [OriginPolicy, EarlyAuth, AuthService, ProjectScopes],
})
export class AuthModule {}
