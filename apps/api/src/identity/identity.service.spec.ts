import type { IdentityStore, UserRecord } from '@omniai/store';
import { AppConfig } from '../config/app-config';
import { ADMIN_LINK_COMMAND, IdentityService } from './identity.service';

/** An in-memory stand-in for the parts of IdentityStore the first-start path uses. */
function memoryStore() {
  const users: UserRecord[] = [];
  const invites: Array<{ email: string; revoked: boolean }> = [];
  const store = {
    countUsers: async () => users.length,
    createUser: async (u: { email: string; displayName: string; role: 'admin'; passwordHash: string | null }) => {
      const user = {
        id: `u${users.length + 1}`,
        email: u.email,
        display_name: u.displayName,
        role: u.role,
        active: false,
        disabled: false,
        created_at: '',
        passwordHash: u.passwordHash,
      };
      users.push(user);
      return user;
    },
    userByEmail: async (email: string) => users.find((u) => u.email === email) ?? null,
    revokeInvitesFor: async (email: string) => invites.filter((i) => i.email === email).forEach((i) => (i.revoked = true)),
    createInvite: async (i: { email: string }) => invites.push({ email: i.email, revoked: false }),
    audit: async () => undefined,
    updateUser: async () => null,
  };
  return { store: store as unknown as IdentityStore, invites };
}

const config = () =>
  AppConfig.fromEnv({
    DATABASE_URL: 'postgres://unused',
    OMNI_SECRETS_KEY: 'k',
    OMNI_PAYLOAD_KEYS: `test:${Buffer.alloc(32, 7).toString('base64')}`,
    OMNI_PUBLIC_URL: 'http://127.0.0.1:3100',
  });

describe('first admin sign-in link (issue 13, item 16)', () => {
  let log: jest.SpyInstance;
  beforeEach(() => (log = jest.spyOn(console, 'log').mockImplementation(() => undefined)));
  afterEach(() => log.mockRestore());

  it('prints the one-time link at the start that creates the admin, and only then', async () => {
    const { store, invites } = memoryStore();
    await new IdentityService(store, config()).onApplicationBootstrap();
    const first = log.mock.calls.map((c) => String(c[0]));
    expect(first).toEqual([expect.stringMatching(/^one-time admin sign-in link \(valid 24 h\): http:\/\/127\.0\.0\.1:3100\/invite\/inv_\S{43}$/)]);

    log.mockClear();
    await new IdentityService(store, config()).onApplicationBootstrap();
    const second = log.mock.calls.map((c) => String(c[0]));
    // A later start names the command for a fresh link, prints no link, and leaves the first one valid.
    expect(second).toEqual([`admin sign-in link: printed at first start only; for a fresh one run: ${ADMIN_LINK_COMMAND}`]);
    expect(second.join('\n')).not.toMatch(/inv_/);
    expect(invites).toEqual([{ email: 'admin@localhost', revoked: false }]);
  });
});
