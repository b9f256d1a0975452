import { randomBytes } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { type AcceptInviteRequest, type Capability, type InviteInfo, type LoginRequest, SESSION_COOKIE, type SessionInfo } from '@omniai/contracts';
import { IdentityStore, type Membership, secretHash, type UserRecord } from '@omniai/store';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppConfig } from '../config/app-config';
import { ApiException } from '../errors/api.exception';
import { accessRefusal } from './access';
import { type Actor, actorOf } from './actor';
import { parseCookies, serializeCookie } from './cookies';
import { LoginThrottle } from './login-throttle';
import { dummyHash, hashPassword, verifyPassword } from './password';

/** The prefix of every bearer token's secret: the guard ignores any other bearer value without a lookup. */
export const TOKEN_PREFIX = 'omni_pat_';

/** Sign-in (password or invite link), sessions and bearer-token lookup (D31). Every secret is stored as a hash. */
@Injectable()
export class AuthService {
  private readonly logger = new Logger('auth');
  readonly sessionCookie: string;

  constructor(
    private readonly identity: IdentityStore,
    private readonly config: AppConfig,
    private readonly throttle: LoginThrottle,
  ) {
    this.sessionCookie = config.secureCookies ? `__Host-${SESSION_COOKIE}` : SESSION_COOKIE;
  }

  // ── sessions ──────────────────────────────────────────────────────────────────────────────────────────────────
  async login(body: LoginRequest, req: FastifyRequest, reply: FastifyReply): Promise<SessionInfo> {
    // Per account, before any work: an attacker spreading guesses over many addresses still backs off (item 14).
    await this.throttle.account(body.email, req, reply);
    const user = await this.identity.userByEmail(body.email);
    // Same work and the same answer for an unknown email, a wrong password and a disabled account.
    const ok = await verifyPassword(body.password, user?.passwordHash ?? (await dummyHash()));
    if (!user || !ok || user.disabled || user.passwordHash === null) {
      await this.identity.audit({ actorEmail: body.email, action: 'auth.login_failed', ip: req.ip });
      throw new ApiException('E_AUTH_REQUIRED', 'Wrong email or password.');
    }
    // Rotation: a session this browser carried in ends; the new one has a new id.
    await this.endPresentedSession(req);
    const info = await this.startSession(user, req, reply);
    await this.throttle.succeeded(body.email);
    await this.identity.audit({ actorUserId: user.id, actorEmail: user.email, action: 'auth.login', ip: req.ip });
    return info;
  }

  async logout(actor: Actor, req: FastifyRequest, reply: FastifyReply): Promise<void> {
    if (actor.sessionIdHash) await this.identity.revokeSession(actor.sessionIdHash);
    void reply.header('set-cookie', serializeCookie(this.sessionCookie, '', { httpOnly: true, secure: this.config.secureCookies, maxAgeSeconds: 0 }));
    await this.identity.audit({ actorUserId: actor.user.id, actorEmail: actor.user.email, action: 'auth.logout', ip: req.ip });
  }

  /**
   * The session named by the request's cookie, if it is live. `touch: false` reads without counting as activity
   * (polls and stream re-checks must not keep an idle session alive).
   */
  async sessionActor(req: FastifyRequest, { touch = true } = {}): Promise<Actor | null> {
    const id = parseCookies(req.headers.cookie).get(this.sessionCookie);
    if (!id || id.length > 200) return null;
    const idHash = secretHash(id);
    const session = await this.identity.liveSession(idHash, this.config.sessionIdleMs, { touch });
    if (!session) return null;
    const { passwordHash: _, ...user } = session.user;
    return {
      user,
      via: 'session',
      sessionIdHash: idHash,
      csrfToken: session.csrfToken,
      sessionExpiresAt: session.expiresAt,
      projects: projectsOf(user, session.memberships),
    };
  }

  /**
   * For a stream opened by `req`: is its caller still allowed `capability` in `projectId`? Reads the session or
   * token again (without counting as activity), with the user's current role and memberships; null when allowed.
   */
  async accessNow(req: FastifyRequest, capability: Capability, projectId: string): Promise<ApiException | null> {
    const actor = actorOf(req).via === 'token' ? await this.tokenActor(req) : await this.sessionActor(req, { touch: false });
    if (!actor) return new ApiException('E_AUTH_REQUIRED', 'Your session ended (signed out, expired or the account disabled).');
    return accessRefusal(actor, capability, projectId);
  }

  /** Whether the request carries a live session or bearer token (for public routes that show more to members). */
  async isSignedIn(req: FastifyRequest): Promise<boolean> {
    if (bearerOf(req) !== null) return (await this.tokenActor(req)) !== null;
    return (await this.sessionActor(req, { touch: false })) !== null;
  }

  /** The bearer token of the request, if it is live. */
  async tokenActor(req: FastifyRequest): Promise<Actor | null> {
    const secret = bearerOf(req);
    if (!secret || !secret.startsWith(TOKEN_PREFIX) || secret.length > 200) return null;
    const found = await this.identity.liveToken(secretHash(secret));
    if (!found) return null;
    const { passwordHash: _, ...user } = found.user;
    return { user, via: 'token', token: found.token, projects: projectsOf(user, found.memberships) };
  }

  async sessionInfo(actor: Actor): Promise<SessionInfo> {
    return {
      user: actor.user,
      memberships: await this.identity.memberships(actor.user.id),
      csrf_token: actor.csrfToken ?? '',
      expires_at: (actor.sessionExpiresAt ?? new Date()).toISOString(),
    };
  }

  private async startSession(user: UserRecord, req: FastifyRequest, reply: FastifyReply): Promise<SessionInfo> {
    const id = randomBytes(32).toString('base64url');
    const csrfToken = randomBytes(32).toString('base64url');
    const expiresAt = new Date(Date.now() + this.config.sessionTtlMs);
    await this.identity.createSession({
      idHash: secretHash(id),
      userId: user.id,
      csrfToken,
      expiresAt,
      ip: req.ip,
      userAgent: req.headers['user-agent'] ?? null,
    });
    void reply.header(
      'set-cookie',
      serializeCookie(this.sessionCookie, id, { httpOnly: true, secure: this.config.secureCookies, maxAgeSeconds: this.config.sessionTtlMs / 1000 }),
    );
    const { passwordHash: _, ...pub } = user;
    return { user: pub, memberships: await this.identity.memberships(user.id), csrf_token: csrfToken, expires_at: expiresAt.toISOString() };
  }

  private async endPresentedSession(req: FastifyRequest): Promise<void> {
    const id = parseCookies(req.headers.cookie).get(this.sessionCookie);
    if (id && id.length <= 200) await this.identity.revokeSession(secretHash(id));
  }

  // ── invite links (a sign-in that first creates the account) ─────────────────────────────────────────────────
  async inviteInfo(token: string): Promise<InviteInfo> {
    const invite = await this.identity.openInvite(secretHash(token));
    if (!invite) throw new ApiException('E_NOT_FOUND', 'This invite link is not valid any more (used, revoked or expired).');
    return { email: invite.email, role: invite.role, expires_at: invite.expires_at };
  }

  async acceptInvite(token: string, body: AcceptInviteRequest, req: FastifyRequest, reply: FastifyReply): Promise<SessionInfo> {
    const user = await this.identity.acceptInvite(secretHash(token), body.display_name, await hashPassword(body.password));
    if (!user) throw new ApiException('E_NOT_FOUND', 'This invite link is not valid any more (used, revoked or expired).');
    await this.identity.audit({ actorUserId: user.id, actorEmail: user.email, action: 'user.invite_accepted', ip: req.ip, detail: { role: user.role } });
    await this.endPresentedSession(req);
    return this.startSession(user, req, reply);
  }
}

/** What the actor may see: every project for an admin, else their memberships with the role of each. */
function projectsOf(user: Pick<UserRecord, 'role'>, memberships: Membership[]): Actor['projects'] {
  return user.role === 'admin' ? 'all' : new Map(memberships.map((m) => [m.project_id, m.role]));
}

/** The bearer credential of `Authorization: Bearer <secret>`, if any. */
export function bearerOf(req: FastifyRequest): string | null {
  const header = req.headers.authorization;
  if (!header) return null;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return m ? m[1]! : '';
}
