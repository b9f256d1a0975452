import { z } from 'zod';
import { CAPABILITIES, EMAIL_MAX_LENGTH, PROJECT_ROLES, ROLES, TOKEN_SCOPES } from './pure/identity';

/**
 * Who may do what (D31). A user has a workspace role; inside a project, the role of their membership applies.
 * Roles grant capabilities, routes require one capability (declared on the route in `API_ROUTES`), and tokens carry
 * capabilities as scopes. Separation of duties: an operator starts and steers runs but does not approve tool calls;
 * a reviewer approves but does not start runs; only an admin does both.
 */
export const Role = z.enum(ROLES);
export type Role = z.infer<typeof Role>;

/** What a route needs. `admin` covers workspace administration (users, policy, providers, prices, audit). */
export const Capability = z.enum(CAPABILITIES);
export type Capability = z.infer<typeof Capability>;

/** Roles a project membership can have (an admin sees every project without one). */
export const ProjectRole = z.enum(PROJECT_ROLES);
export type ProjectRole = z.infer<typeof ProjectRole>;

/** Scopes of a bearer token on the public lane: a token can use a capability only if it has the scope AND its user can. */
export const TokenScope = z.enum(TOKEN_SCOPES);
export type TokenScope = z.infer<typeof TokenScope>;

const Email = z
  .string()
  .trim()
  .toLowerCase()
  .max(EMAIL_MAX_LENGTH)
  .regex(/^[^\s@]+@[^\s@]+$/, 'must be an email address');

/** At least 12 characters: length is what makes a password hard to guess. */
export const Password = z.string().min(12, 'use at least 12 characters').max(256);

export const User = z.strictObject({
  id: z.uuid(),
  email: z.string(),
  display_name: z.string(),
  role: Role,
  /** False until the user has set a password (a new admin, an invite not yet accepted). */
  active: z.boolean(),
  disabled: z.boolean(),
  created_at: z.iso.datetime(),
});
export type User = z.infer<typeof User>;

/** `POST /v1/auth/login` */
export const LoginRequest = z.strictObject({
  email: Email,
  password: z.string().min(1, 'password is required').max(256),
});
export type LoginRequest = z.infer<typeof LoginRequest>;

/** The signed-in user, their project memberships and the CSRF token every mutation must send as `x-csrf-token`. */
export const SessionInfo = z.strictObject({
  user: User,
  memberships: z.array(z.strictObject({ project_id: z.uuid(), role: ProjectRole })),
  csrf_token: z.string(),
  expires_at: z.iso.datetime(),
});
export type SessionInfo = z.infer<typeof SessionInfo>;

/** `POST /v1/invites` (admin): a one-time link that lets its holder create an account with this role. */
export const CreateInviteRequest = z.strictObject({
  email: Email,
  role: Role,
  /** Projects the new user joins, with the role of their membership. */
  projects: z
    .array(z.strictObject({ project_id: z.uuid(), role: ProjectRole }))
    .max(100)
    .default([]),
  /** Hours the link stays valid. */
  expires_in_hours: z
    .number()
    .int()
    .min(1)
    .max(24 * 30)
    .default(72),
});
export type CreateInviteRequest = z.infer<typeof CreateInviteRequest>;

export const Invite = z.strictObject({
  id: z.uuid(),
  email: z.string(),
  role: Role,
  created_at: z.iso.datetime(),
  expires_at: z.iso.datetime(),
  accepted_at: z.iso.datetime().nullable(),
});
export type Invite = z.infer<typeof Invite>;

/** The answer to creating an invite: the token appears here once and is stored only as a hash. */
export const CreatedInvite = z.strictObject({
  invite: Invite,
  token: z.string(),
  /** Console path that accepts the invite, e.g. `/invite/<token>`. */
  path: z.string(),
});
export type CreatedInvite = z.infer<typeof CreatedInvite>;

/** The token of an invite link (base64url, as `newSecret` makes them). */
export const InviteToken = z.string().regex(/^inv_[A-Za-z0-9_-]{43}$/, 'not an invite token');

/** `GET /v1/auth/invites/:token`: what an invite link is for, before accepting it. */
export const InviteInfo = z.strictObject({ email: z.string(), role: Role, expires_at: z.iso.datetime() });
export type InviteInfo = z.infer<typeof InviteInfo>;

/** `POST /v1/auth/invites/:token/accept` */
export const AcceptInviteRequest = z.strictObject({
  display_name: z.string().trim().min(1, 'display_name is required').max(120),
  password: Password,
});
export type AcceptInviteRequest = z.infer<typeof AcceptInviteRequest>;

/** `PUT /v1/users/:userId` (admin) */
export const UpdateUserRequest = z.strictObject({
  role: Role.optional(),
  disabled: z.boolean().optional(),
});
export type UpdateUserRequest = z.infer<typeof UpdateUserRequest>;

/** `PUT /v1/projects/:projectId/members/:userId` (admin) */
export const PutMemberRequest = z.strictObject({ role: ProjectRole });
export type PutMemberRequest = z.infer<typeof PutMemberRequest>;

export const ProjectMember = z.strictObject({
  project_id: z.uuid(),
  user_id: z.uuid(),
  email: z.string(),
  display_name: z.string(),
  role: ProjectRole,
});
export type ProjectMember = z.infer<typeof ProjectMember>;

/** `POST /v1/tokens`: a bearer token for the public lane, acting as its creator within `scopes`. */
export const CreateTokenRequest = z.strictObject({
  name: z.string().trim().min(1, 'name is required').max(80),
  scopes: z.array(TokenScope).min(1, 'give the token at least one scope').max(3),
  /** Days until it expires: tokens always expire. */
  expires_in_days: z.number().int().min(1).max(365).default(30),
});
export type CreateTokenRequest = z.infer<typeof CreateTokenRequest>;

export const ApiToken = z.strictObject({
  id: z.uuid(),
  name: z.string(),
  /** The token's first characters, to recognise it (the rest is stored only as a hash). */
  prefix: z.string(),
  scopes: z.array(TokenScope),
  created_at: z.iso.datetime(),
  expires_at: z.iso.datetime(),
  last_used_at: z.iso.datetime().nullable(),
  revoked_at: z.iso.datetime().nullable(),
});
export type ApiToken = z.infer<typeof ApiToken>;

export const CreatedToken = z.strictObject({ token: ApiToken, secret: z.string() });
export type CreatedToken = z.infer<typeof CreatedToken>;

/** One row of the append-only audit log: who did what, when, from where. */
export const AuditEvent = z.strictObject({
  id: z.number().int(),
  at: z.iso.datetime(),
  actor_user_id: z.uuid().nullable(),
  actor_email: z.string().nullable(),
  action: z.string(),
  target: z.string().nullable(),
  ip: z.string().nullable(),
  detail: z.record(z.string(), z.unknown()),
});
export type AuditEvent = z.infer<typeof AuditEvent>;

export const AuditQuery = z.strictObject({
  action: z.string().max(60).optional(),
  before_id: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type AuditQuery = z.infer<typeof AuditQuery>;

/** The session cookie of the UI lane (`__Host-` prefixed when served over https) and the CSRF header. */
export const SESSION_COOKIE = 'omni_session';
export const CSRF_HEADER = 'x-csrf-token';
