import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import type { CreatedInvite, CreatedToken, CreateInviteRequest, CreateTokenRequest } from '@omniai/contracts';
import { IdentityStore, newSecret, secretHash } from '@omniai/store';
import type { Actor } from '../auth/actor';
import { TOKEN_PREFIX } from '../auth/auth.service';
import { hashPassword } from '../auth/password';
import { AppConfig } from '../config/app-config';
import { ApiException } from '../errors/api.exception';

const INVITE_PREFIX = 'inv_';
/** Where an operator gets a fresh admin sign-in link (tools/omni.mjs). */
export const ADMIN_LINK_COMMAND = 'npm run omni -- admin-link';

/**
 * A fresh one-time sign-in link for the admin who has no password yet (24 h); any earlier one is revoked. Only its
 * hash is kept, so it cannot be shown again.
 */
export async function mintAdminLink(identity: IdentityStore, email: string, publicUrl: string): Promise<string> {
  await identity.revokeInvitesFor(email);
  const token = newSecret(INVITE_PREFIX);
  await identity.createInvite({
    tokenHash: secretHash(token),
    email,
    role: 'admin',
    projects: [],
    createdBy: null,
    expiresAt: new Date(Date.now() + 24 * 3_600_000),
  });
  await identity.audit({ action: 'user.admin_link_issued', target: email });
  return `${publicUrl}/invite/${token}`;
}

/** Who may sign in: the first admin, invites and bearer tokens (D31). Redeeming an invite is a sign-in (AuthService). */
@Injectable()
export class IdentityService implements OnApplicationBootstrap {
  constructor(
    private readonly identity: IdentityStore,
    private readonly config: AppConfig,
  ) {}

  /**
   * First start: create the admin. With OMNI_ADMIN_PASSWORD it can sign in at once; otherwise a one-time link is
   * printed, on this start only (logs outlive the link's purpose). Later starts say where to get a fresh one.
   */
  async onApplicationBootstrap(): Promise<void> {
    const { email, password } = this.config.admin;
    let created = false;
    if ((await this.identity.countUsers()) === 0) {
      created = await this.identity
        .createUser({ email, displayName: 'Admin', role: 'admin', passwordHash: password ? await hashPassword(password) : null })
        .then(() => true)
        .catch(async (err: unknown) => {
          // Another API process created it at the same moment (and prints the link).
          if ((await this.identity.userByEmail(email)) === null) throw err;
          return false;
        });
      if (created) await this.identity.audit({ action: 'user.bootstrap_admin', target: email });
    }
    let admin = await this.identity.userByEmail(email);
    if (admin && admin.passwordHash === null && password) {
      // A password configured after a first start without one completes the admin (the printed link then lapses).
      admin = await this.identity.updateUser(admin.id, { passwordHash: await hashPassword(password) });
      await this.identity.revokeInvitesFor(email);
      await this.identity.audit({ action: 'user.admin_password_from_config', target: email });
    }
    if (admin && admin.passwordHash === null) {
      if (created) {
        // The one line the operator needs on first start; npm start repeats it in its banner.
        console.log(`one-time admin sign-in link (valid 24 h): ${await mintAdminLink(this.identity, email, this.config.publicUrl)}`);
      } else {
        console.log(`admin sign-in link: printed at first start only; for a fresh one run: ${ADMIN_LINK_COMMAND}`);
      }
    }
  }

  // ── invites ───────────────────────────────────────────────────────────────────────────────────────────────────
  async createInvite(body: CreateInviteRequest, actor: Actor, ip: string): Promise<CreatedInvite> {
    const existing = await this.identity.userByEmail(body.email);
    if (existing && existing.passwordHash !== null) throw new ApiException('E_CONFLICT', `A user with the email ${body.email} exists already.`);
    const token = newSecret(INVITE_PREFIX);
    const invite = await this.identity.createInvite({
      tokenHash: secretHash(token),
      email: body.email,
      role: body.role,
      projects: body.projects,
      createdBy: actor.user.id,
      expiresAt: new Date(Date.now() + body.expires_in_hours * 3_600_000),
    });
    await this.identity.auditBy(actor.user, { action: 'user.invited', target: body.email, ip, detail: { role: body.role, projects: body.projects } });
    return { invite, token, path: `/invite/${token}` };
  }

  // ── bearer tokens ─────────────────────────────────────────────────────────────────────────────────────────────
  async createToken(body: CreateTokenRequest, actor: Actor, ip: string): Promise<CreatedToken> {
    const secret = newSecret(TOKEN_PREFIX);
    const token = await this.identity.createToken({
      userId: actor.user.id,
      name: body.name,
      prefix: secret.slice(0, TOKEN_PREFIX.length + 6),
      tokenHash: secretHash(secret),
      scopes: [...new Set(body.scopes)],
      expiresAt: new Date(Date.now() + body.expires_in_days * 86_400_000),
    });
    await this.identity.auditBy(actor.user, { action: 'token.created', target: token.id, ip, detail: { name: token.name, scopes: token.scopes } });
    return { token, secret };
  }

  async revokeToken(tokenId: string, actor: Actor, ip: string): Promise<void> {
    const token = await this.identity.revokeToken(actor.user.id, tokenId);
    if (!token) throw new ApiException('E_NOT_FOUND', `You have no token ${tokenId}.`);
    await this.identity.auditBy(actor.user, { action: 'token.revoked', target: tokenId, ip });
  }
}
