import { Module } from '@nestjs/common';
import { StoreModule } from '../store/store.module';
import { IdentityService } from './identity.service';
import { TokensController } from './tokens.controller';
import { UsersController } from './users.controller';

/** Identity management (D31): the first admin, users, invites, project memberships, bearer tokens, the audit log. */
@Module({ imports: [StoreModule], controllers: [UsersController, TokensController], providers: [IdentityService] })
export class IdentityModule {}
