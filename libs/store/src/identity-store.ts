import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { ApiToken, AuditEvent, Invite, ProjectMember, ProjectRole, Role, TokenScope, User } from '@omniai/contracts';
import type { DataSource, EntityManager } from 'typeorm';
import { iso, isoOrNull, type Row } from './rows';
import { notifyIdentity } from './run-notifications';

/** SHA-256 hex of a secret: what the database keeps of session ids, invite and bearer tokens. */
export function secretHash(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** A new random secret with a recognisable prefix (e.g. `omni_pat_…`), 32 bytes of entropy. */
export function newSecret(prefix: string): string {
  return `${prefix}${randomBytes(32).toString('base64url')}`;
}

/** A user row with what authentication needs (never leaves the API). */
export interface UserRecord extends User {
  passwordHash: string | null;
}

/** A project membership: the project and the user's role in it. */
export type Membership = { project_id: string; role: ProjectRole };

export interface SessionRecord {
  user: UserRecord;
  memberships: Membership[];
  csrfToken: string;
  expiresAt: Date;
  lastSeenAt: Date;
}

export interface TokenRecord {
  token: ApiToken;
  user: UserRecord;
  memberships: Membership[];
}

export interface AuditEntry {
  actorUserId?: string | null;
  actorEmail?: string | null;
  action: string;
  target?: string | null;
  ip?: string | null;
  detail?: Record<string, unknown>;
}

function toUser(r: Row): UserRecord {
  return {
    id: String(r['id']),
    email: String(r['email']),
    display_name: String(r['display_name']),
    role: r['role'] as Role,
    active: r['password_hash'] != null,
    disabled: r['disabled_at'] != null,
    created_at: iso(r['created_at']),
    passwordHash: (r['password_hash'] as string | null) ?? null,
  };
}

function toInvite(r: Row): Invite {
  return {
    id: String(r['id']),
    email: String(r['email']),
    role: r['role'] as Role,
    created_at: iso(r['created_at']),
    expires_at: iso(r['expires_at']),
    accepted_at: isoOrNull(r['accepted_at']),
  };
}

function toToken(r: Row): ApiToken {
  return {
    id: String(r['id']),
    name: String(r['name']),
    prefix: String(r['prefix']),
    scopes: r['scopes'] as TokenScope[],
    created_at: iso(r['created_at']),
    expires_at: iso(r['expires_at']),
    last_used_at: isoOrNull(r['last_used_at']),
    revoked_at: isoOrNull(r['revoked_at']),
  };
}

const USER_COLUMNS = `u.id, u.email, u.display_name, u.role, u.password_hash, u.disabled_at, u.created_at`;
/** The memberships of the user `u`, as a JSON array (joined into the per-request session and token lookups). */
const MEMBERSHIPS_OF_U = `(select coalesce(json_agg(json_build_object('project_id', m.project_id, 'role', m.role) order by m.created_at), '[]')
   from project_members m where m.user_id = u.id) as memberships`;
/** How stale `last_seen_at` / `last_used_at` may get before a request writes it again. */
const TOUCH_AFTER_S = 60;

/** Users, invites, memberships, sessions, bearer tokens and the audit log. Secrets arrive and leave only as hashes. */
export class IdentityStore {
  constructor(private readonly db: DataSource) {}

  // ── users ────────────────────────────────────────────────────────────────────────────────────────────────────
  async countUsers(): Promise<number> {
    const rows: Array<{ n: string }> = await this.db.query(`select count(*) as n from users`);
    return Number(rows[0]!.n);
  }

  async createUser(
    u: { email: string; displayName: string; role: Role; passwordHash: string | null },
    tx: EntityManager | DataSource = this.db,
  ): Promise<UserRecord> {
    const rows: Row[] = await tx.query(
      `insert into users (id, email, display_name, role, password_hash) values ($1, $2, $3, $4, $5)
       returning id, email, display_name, role, password_hash, disabled_at, created_at`,
      [randomUUID(), u.email, u.displayName, u.role, u.passwordHash],
    );
    return toUser(rows[0]!);
  }

  async userByEmail(email: string): Promise<UserRecord | null> {
    const rows: Row[] = await this.db.query(`select ${USER_COLUMNS} from users u where u.email = $1`, [email]);
    return rows[0] ? toUser(rows[0]) : null;
  }

  async userById(id: string): Promise<UserRecord | null> {
    const rows: Row[] = await this.db.query(`select ${USER_COLUMNS} from users u where u.id = $1`, [id]);
    return rows[0] ? toUser(rows[0]) : null;
  }

  async listUsers(): Promise<User[]> {
    const rows: Row[] = await this.db.query(`select ${USER_COLUMNS} from users u order by u.created_at, u.email`);
    return rows.map((r) => {
      const { passwordHash: _, ...user } = toUser(r);
      return user;
    });
  }

  async updateUser(
    id: string,
    change: { role?: Role; disabled?: boolean; passwordHash?: string; displayName?: string },
    tx: EntityManager | DataSource = this.db,
  ): Promise<UserRecord | null> {
    const result: unknown = await tx.query(
      `update users u set
         role = coalesce($2, u.role),
         disabled_at = case when $3::boolean is null then u.disabled_at when $3 then coalesce(u.disabled_at, now()) else null end,
         password_hash = coalesce($4, u.password_hash),
         display_name = coalesce($5, u.display_name)
       where u.id = $1 returning ${USER_COLUMNS}`,
      [id, change.role ?? null, change.disabled ?? null, change.passwordHash ?? null, change.displayName ?? null],
    );
    const row = updatedRows(result)[0];
    // Open streams of this user re-check their access at once (role or disabled may have changed).
    if (row) await notifyIdentity(tx, String(row['id']));
    return row ? toUser(row) : null;
  }

  async countActiveAdmins(): Promise<number> {
    const rows: Array<{ n: string }> = await this.db.query(`select count(*) as n from users where role = 'admin' and disabled_at is null`);
    return Number(rows[0]!.n);
  }

  // ── invites ──────────────────────────────────────────────────────────────────────────────────────────────────
  async createInvite(i: {
    tokenHash: string;
    email: string;
    role: Role;
    projects: Array<{ project_id: string; role: ProjectRole }>;
    createdBy: string | null;
    expiresAt: Date;
  }): Promise<Invite> {
    const rows: Row[] = await this.db.query(
      `insert into invites (id, token_hash, email, role, projects, created_by, expires_at) values ($1, $2, $3, $4, $5, $6, $7) returning *`,
      [randomUUID(), i.tokenHash, i.email, i.role, JSON.stringify(i.projects), i.createdBy, i.expiresAt],
    );
    return toInvite(rows[0]!);
  }

  /** An invite that can still be accepted (not accepted, revoked or expired). */
  async openInvite(tokenHash: string): Promise<(Invite & { projects: Array<{ project_id: string; role: ProjectRole }> }) | null> {
    const rows: Row[] = await this.db.query(
      `select * from invites where token_hash = $1 and accepted_at is null and revoked_at is null and expires_at > now()`,
      [tokenHash],
    );
    const r = rows[0];
    return r ? { ...toInvite(r), projects: r['projects'] as Array<{ project_id: string; role: ProjectRole }> } : null;
  }

  /** Revokes every open invite for `email` (e.g. a fresh first-start link replaces the previous one). */
  async revokeInvitesFor(email: string): Promise<void> {
    await this.db.query(`update invites set revoked_at = now() where email = $1 and accepted_at is null and revoked_at is null`, [email]);
  }

  /** Revokes one open invite; false when there is none with this id (accepted, revoked, or unknown). */
  async revokeInvite(id: string): Promise<Invite | null> {
    const result: unknown = await this.db.query(
      `update invites set revoked_at = now() where id = $1 and accepted_at is null and revoked_at is null returning *`,
      [id],
    );
    const row = updatedRows(result)[0];
    return row ? toInvite(row) : null;
  }

  async listInvites(): Promise<Invite[]> {
    const rows: Row[] = await this.db.query(`select * from invites where revoked_at is null order by created_at desc limit 200`);
    return rows.map(toInvite);
  }

  /**
   * Accepts an invite exactly once: creates the user (or sets the password of the pre-created first admin) and
   * their memberships in one transaction. Null when the invite is no longer open (a concurrent accept won).
   */
  async acceptInvite(tokenHash: string, displayName: string, passwordHash: string): Promise<UserRecord | null> {
    return this.db.transaction(async (tx) => {
      const result: unknown = await tx.query(
        `update invites set accepted_at = now()
         where token_hash = $1 and accepted_at is null and revoked_at is null and expires_at > now() returning *`,
        [tokenHash],
      );
      const invite = updatedRows(result)[0];
      if (!invite) return null;
      const email = String(invite['email']);
      const existing: Row[] = await tx.query(`select id, password_hash from users where email = $1 for update`, [email]);
      let user: UserRecord | null;
      if (existing[0]) {
        // Only a user who never set a password (the first admin) is completed by an invite; anyone else must not be
        // taken over by an invite for their address.
        if (existing[0]['password_hash'] != null) return null;
        user = await this.updateUser(String(existing[0]['id']), { passwordHash, displayName }, tx);
      } else {
        user = await this.createUser({ email, displayName, role: invite['role'] as Role, passwordHash }, tx);
      }
      for (const m of invite['projects'] as Array<{ project_id: string; role: ProjectRole }>) {
        await tx.query(
          `insert into project_members (project_id, user_id, role) select $1, $2, $3 where exists (select 1 from projects where id = $1)
           on conflict (project_id, user_id) do update set role = excluded.role`,
          [m.project_id, user!.id, m.role],
        );
      }
      return user;
    });
  }

  // ── memberships ──────────────────────────────────────────────────────────────────────────────────────────────
  async memberships(userId: string): Promise<Membership[]> {
    const rows: Array<{ project_id: string; role: ProjectRole }> = await this.db.query(
      `select project_id, role from project_members where user_id = $1 order by created_at`,
      [userId],
    );
    return rows.map((r) => ({ project_id: r.project_id, role: r.role }));
  }

  async membership(projectId: string, userId: string): Promise<ProjectRole | null> {
    const rows: Array<{ role: ProjectRole }> = await this.db.query(`select role from project_members where project_id = $1 and user_id = $2`, [
      projectId,
      userId,
    ]);
    return rows[0]?.role ?? null;
  }

  async putMember(projectId: string, userId: string, role: ProjectRole, tx: EntityManager | DataSource = this.db): Promise<void> {
    await tx.query(
      `insert into project_members (project_id, user_id, role) values ($1, $2, $3)
       on conflict (project_id, user_id) do update set role = excluded.role`,
      [projectId, userId, role],
    );
    await notifyIdentity(tx, userId);
  }

  async projectExists(projectId: string): Promise<boolean> {
    const rows: unknown[] = await this.db.query(`select 1 from projects where id = $1`, [projectId]);
    return rows.length > 0;
  }

  async removeMember(projectId: string, userId: string): Promise<boolean> {
    const result: unknown = await this.db.query(`delete from project_members where project_id = $1 and user_id = $2 returning user_id`, [projectId, userId]);
    const removed = updatedRows(result).length > 0;
    if (removed) await notifyIdentity(this.db, userId);
    return removed;
  }

  async listMembers(projectId: string): Promise<ProjectMember[]> {
    const rows: Row[] = await this.db.query(
      `select m.project_id, m.user_id, m.role, u.email, u.display_name from project_members m join users u on u.id = m.user_id
       where m.project_id = $1 order by u.email`,
      [projectId],
    );
    return rows.map((r) => ({
      project_id: String(r['project_id']),
      user_id: String(r['user_id']),
      email: String(r['email']),
      display_name: String(r['display_name']),
      role: r['role'] as ProjectRole,
    }));
  }

  // ── sessions ─────────────────────────────────────────────────────────────────────────────────────────────────
  async createSession(s: { idHash: string; userId: string; csrfToken: string; expiresAt: Date; ip: string | null; userAgent: string | null }): Promise<void> {
    await this.db.query(`insert into sessions (id_hash, user_id, csrf_token, expires_at, ip, user_agent) values ($1, $2, $3, $4, $5, $6)`, [
      s.idHash,
      s.userId,
      s.csrfToken,
      s.expiresAt,
      s.ip,
      s.userAgent?.slice(0, 300) ?? null,
    ]);
  }

  /**
   * A live session (not revoked, not expired, not idle past `idleMs`) of an enabled user, with the user's project
   * memberships: one read per request. `last_seen_at` is written only when it is over a minute old, so a busy
   * console does not turn every request into a row update.
   */
  async liveSession(idHash: string, idleMs: number, { touch = true } = {}): Promise<SessionRecord | null> {
    const rows: Row[] = await this.db.query(
      `select ${USER_COLUMNS}, ${MEMBERSHIPS_OF_U}, s.csrf_token, s.expires_at as session_expires_at, s.last_seen_at,
              s.last_seen_at < now() - interval '${TOUCH_AFTER_S} seconds' as stale
       from sessions s join users u on u.id = s.user_id
       where s.id_hash = $1 and s.revoked_at is null and s.expires_at > now()
         and s.last_seen_at > now() - make_interval(secs => $2::double precision / 1000) and u.disabled_at is null`,
      [idHash, idleMs],
    );
    const r = rows[0];
    if (!r) return null;
    if (touch && r['stale']) await this.db.query(`update sessions set last_seen_at = now() where id_hash = $1`, [idHash]);
    return {
      user: toUser(r),
      memberships: r['memberships'] as Membership[],
      csrfToken: String(r['csrf_token']),
      expiresAt: new Date(String(r['session_expires_at'])),
      lastSeenAt: new Date(String(r['last_seen_at'])),
    };
  }

  async revokeSession(idHash: string): Promise<boolean> {
    const rows: unknown = await this.db.query(`update sessions set revoked_at = now() where id_hash = $1 and revoked_at is null returning user_id`, [idHash]);
    const revoked = updatedRows(rows)[0];
    if (revoked) await notifyIdentity(this.db, String(revoked['user_id']));
    return revoked !== undefined;
  }

  async revokeSessionsOf(userId: string): Promise<void> {
    await this.db.query(`update sessions set revoked_at = now() where user_id = $1 and revoked_at is null`, [userId]);
    await notifyIdentity(this.db, userId);
  }

  // ── bearer tokens ────────────────────────────────────────────────────────────────────────────────────────────
  async createToken(t: { userId: string; name: string; prefix: string; tokenHash: string; scopes: TokenScope[]; expiresAt: Date }): Promise<ApiToken> {
    const rows: Row[] = await this.db.query(
      `insert into api_tokens (id, user_id, name, prefix, token_hash, scopes, expires_at) values ($1, $2, $3, $4, $5, $6, $7) returning *`,
      [randomUUID(), t.userId, t.name, t.prefix, t.tokenHash, t.scopes, t.expiresAt],
    );
    return toToken(rows[0]!);
  }

  async listTokens(userId: string): Promise<ApiToken[]> {
    const rows: Row[] = await this.db.query(`select * from api_tokens where user_id = $1 order by created_at desc`, [userId]);
    return rows.map(toToken);
  }

  async revokeToken(userId: string, tokenId: string): Promise<ApiToken | null> {
    const rows: unknown = await this.db.query(`update api_tokens set revoked_at = coalesce(revoked_at, now()) where id = $1 and user_id = $2 returning *`, [
      tokenId,
      userId,
    ]);
    const r = updatedRows(rows)[0];
    if (r) await notifyIdentity(this.db, userId);
    return r ? toToken(r) : null;
  }

  /** A live token (not revoked, not expired) of an enabled user, with the user's memberships; records its use (minute precision). */
  async liveToken(tokenHash: string): Promise<TokenRecord | null> {
    const rows: Row[] = await this.db.query(
      `select t.*, ${USER_COLUMNS.replaceAll('u.id', 'u.id as user_id').replace('u.created_at', 'u.created_at as user_created_at')}, ${MEMBERSHIPS_OF_U},
              (t.last_used_at is null or t.last_used_at < now() - interval '${TOUCH_AFTER_S} seconds') as stale
       from api_tokens t join users u on u.id = t.user_id
       where t.token_hash = $1 and t.revoked_at is null and t.expires_at > now() and u.disabled_at is null`,
      [tokenHash],
    );
    const r = rows[0];
    if (!r) return null;
    if (r['stale']) await this.db.query(`update api_tokens set last_used_at = now() where token_hash = $1`, [tokenHash]);
    return { token: toToken(r), user: toUser({ ...r, id: r['user_id'], created_at: r['user_created_at'] }), memberships: r['memberships'] as Membership[] };
  }

  // ── sign-in throttle (per account, any address) ───────────────────────────────────────────────────────────────
  /**
   * Claims one sign-in attempt for an account (by its email's hash), or says how long until the next is allowed.
   * Every attempt counts as a failure until {@link clearLoginFailures} says otherwise, so a burst of parallel guesses
   * is counted in full. After `freeAttempts`, each attempt locks the next out for 5 s, doubling up to `maxSeconds`;
   * a count untouched for a day starts again.
   */
  async claimLoginAttempt(emailHash: string, freeAttempts: number, maxSeconds: number): Promise<{ retryAfterS: number }> {
    const n = `case when t.updated_at < now() - interval '1 day' then 1 else t.failures + 1 end`;
    const lock = (count: string) =>
      `now() + make_interval(secs => case when ${count} >= $2::int then least($3::double precision, 5 * power(2, ${count} - $2::int)) else 0 end)`;
    const claimed: unknown[] = await this.db.query(
      `insert into login_throttle as t (email_hash, failures, locked_until) values ($1, 1, ${lock('1')})
       on conflict (email_hash) do update set failures = ${n}, locked_until = ${lock(n)}, updated_at = now()
       where t.locked_until <= now()
       returning failures`,
      [emailHash, freeAttempts, maxSeconds],
    );
    if (claimed.length > 0) return { retryAfterS: 0 };
    const rows: Array<{ wait: string }> = await this.db.query(
      `select greatest(1, ceil(extract(epoch from locked_until - now()))) as wait from login_throttle where email_hash = $1`,
      [emailHash],
    );
    return { retryAfterS: Number(rows[0]?.wait ?? 1) };
  }

  /** A successful sign-in: the account's count starts again. */
  async clearLoginFailures(emailHash: string): Promise<void> {
    await this.db.query(`delete from login_throttle where email_hash = $1`, [emailHash]);
  }

  // ── audit ────────────────────────────────────────────────────────────────────────────────────────────────────
  /** An audit entry for something a signed-in user did. */
  async auditBy(user: { id: string; email: string }, e: Omit<AuditEntry, 'actorUserId' | 'actorEmail'>): Promise<void> {
    await this.audit({ actorUserId: user.id, actorEmail: user.email, ...e });
  }

  async audit(e: AuditEntry): Promise<void> {
    await this.db.query(`insert into audit_log (actor_user_id, actor_email, action, target, ip, detail) values ($1, $2, $3, $4, $5, $6)`, [
      e.actorUserId ?? null,
      e.actorEmail ?? null,
      e.action,
      e.target ?? null,
      e.ip ?? null,
      JSON.stringify(e.detail ?? {}),
    ]);
  }

  async listAudit(q: { action?: string; beforeId?: number; limit: number }): Promise<AuditEvent[]> {
    const rows: Row[] = await this.db.query(
      `select * from audit_log where ($1::text is null or action = $1) and ($2::bigint is null or id < $2) order by id desc limit $3`,
      [q.action ?? null, q.beforeId ?? null, q.limit],
    );
    return rows.map((r) => ({
      id: Number(r['id']),
      at: iso(r['at']),
      actor_user_id: (r['actor_user_id'] as string | null) ?? null,
      actor_email: (r['actor_email'] as string | null) ?? null,
      action: String(r['action']),
      target: (r['target'] as string | null) ?? null,
      ip: (r['ip'] as string | null) ?? null,
      detail: r['detail'] as Record<string, unknown>,
    }));
  }
}

/** TypeORM's `query` answers an UPDATE or DELETE … RETURNING with `[rows, count]` on Postgres. */
function updatedRows(result: unknown): Row[] {
  if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number') return result[0] as Row[];
  return result as Row[];
}
