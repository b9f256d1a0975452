import { IdentityStore, runCli, withDataSource } from '@omniai/store';
import { adminLinkConfigFromEnv } from '../config/app-config';
import { mintAdminLink } from '../identity/identity.service';

/**
 * `npm run omni -- admin-link`: a fresh one-time sign-in link for the first admin while it has no password (the API
 * prints one only at first start). Revokes the previous link.
 */
async function main(): Promise<number> {
  const config = adminLinkConfigFromEnv();
  return withDataSource({ url: config.databaseUrl, applicationName: 'omniai-cli' }, async (db) => {
    const identity = new IdentityStore(db);
    const admin = await identity.userByEmail(config.adminEmail);
    if (!admin) {
      console.error(`omni: no user ${config.adminEmail} yet; start the stack once (npm start) to create it`);
      return 1;
    }
    if (admin.passwordHash !== null) {
      console.error(`omni: ${config.adminEmail} has a password already; sign in at ${config.publicUrl}/ (an admin can invite others)`);
      return 1;
    }
    console.log(`one-time admin sign-in link (valid 24 h): ${await mintAdminLink(identity, config.adminEmail, config.publicUrl)}`);
    return 0;
  });
}

runCli(main);
