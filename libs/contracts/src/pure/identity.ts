/** The longest email address (RFC 5321 path limit); user actors are identified by their email, so `Actor.id` allows it. */
export const EMAIL_MAX_LENGTH = 254;

/** Workspace roles (D31). */
export const ROLES = ['admin', 'operator', 'reviewer', 'viewer'] as const;
type Role = (typeof ROLES)[number];

/** What a route needs. `admin` covers workspace administration (users, policy, providers, prices, audit). */
export const CAPABILITIES = ['read', 'operate', 'review', 'admin'] as const;
type Capability = (typeof CAPABILITIES)[number];

/** Roles a project membership can have (an admin sees every project without one). */
export const PROJECT_ROLES = ['operator', 'reviewer', 'viewer'] as const satisfies readonly Role[];

/** Scopes of a bearer token on the public lane: a token can use a capability only if it has the scope AND its user can. */
export const TOKEN_SCOPES = ['read', 'operate', 'review'] as const satisfies readonly Capability[];

/** The capabilities of each role. */
export const ROLE_CAPABILITIES: Readonly<Record<Role, readonly Capability[]>> = {
  admin: ['read', 'operate', 'review', 'admin'],
  operator: ['read', 'operate'],
  reviewer: ['read', 'review'],
  viewer: ['read'],
};

export function roleAllows(role: Role, capability: Capability): boolean {
  return ROLE_CAPABILITIES[role].includes(capability);
}
