import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, type BrowserContext, expect, type Page, test } from '@playwright/test';
import { TEST_ADMIN } from '../tools/testing/api-session.mjs';
import { base, projectAndThread } from './helpers.js';

const SCREENSHOTS = join(import.meta.dirname, '..', 'test-results', 'screenshots');

// The invite and token tests build on each other's users; one browser at a time anyway (workers: 1).
test.describe.configure({ mode: 'serial' });
test.use({ viewport: { width: 1366, height: 900 } });
test.beforeAll(() => mkdirSync(SCREENSHOTS, { recursive: true }));

/** A browser context without the suite's admin session: what a new visitor sees. */
async function freshContext(browser: Browser): Promise<{ context: BrowserContext; page: Page }> {
  // Contexts made in a test inherit `use.storageState`: give this one an empty state instead.
  const context = await browser.newContext({ viewport: { width: 1366, height: 900 }, storageState: { cookies: [], origins: [] } });
  return { context, page: await context.newPage() };
}

/** The page in the dark theme too (the toggle, as a user would; back to light after). */
async function darkScreenshot(page: Page, name: string, fullPage = false): Promise<void> {
  await page.getByTestId('theme-toggle').click();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await page.screenshot({ path: join(SCREENSHOTS, name), fullPage });
  await page.getByTestId('theme-toggle').click();
}

async function signInThroughForm(page: Page, email: string, password: string): Promise<void> {
  await page.getByTestId('login-email').fill(email);
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-submit').click();
}

test('a visitor without a session is sent to sign in, and back to the page they asked for', async ({ browser }) => {
  const { context, page } = await freshContext(browser);
  await page.goto(`${base()}/projects`);
  await expect(page).toHaveURL(/\/login\?next=%2Fprojects$/);
  await expect(page.getByTestId('login-form')).toBeVisible();
  // Signed out: no navigation, no user menu.
  await expect(page.getByTestId('nav-projects')).toHaveCount(0);
  await expect(page.getByTestId('user-menu')).toHaveCount(0);
  await expect(page.getByTestId('login-email')).toBeFocused();
  await page.screenshot({ path: join(SCREENSHOTS, 'console-login.png') });

  // Client-side check first, then the API's single answer for a wrong email or password.
  await page.getByTestId('login-submit').click();
  await expect(page.getByText('Enter your email address.')).toBeVisible();
  await signInThroughForm(page, TEST_ADMIN.email, 'not the password at all');
  await expect(page.getByTestId('login-error')).toHaveText('Wrong email or password.');
  await expect(page.getByTestId('login-password')).toHaveValue('');
  await expect(page.getByTestId('login-password')).toBeFocused();
  await darkScreenshot(page, 'console-login-error-dark.png');
  await page.getByTestId('login-password').focus();

  await page.getByTestId('login-password').fill(TEST_ADMIN.password);
  await page.getByTestId('login-submit').click();
  await expect(page).toHaveURL(`${base()}/projects`);
  await expect(page.getByTestId('user-menu-email')).toHaveText(TEST_ADMIN.email);
  await expect(page.getByTestId('user-menu-role')).toHaveText('admin');
  await expect(page.getByTestId('nav-users')).toBeVisible();
  await expect(page.getByTestId('new-project-name')).toBeVisible();

  // A deep link survives the detour through the sign-in page.
  const second = await freshContext(browser);
  await second.page.goto(`${base()}/settings/tokens`);
  await expect(second.page).toHaveURL(/\/login\?next=%2Fsettings%2Ftokens$/);
  await signInThroughForm(second.page, TEST_ADMIN.email, TEST_ADMIN.password);
  await expect(second.page).toHaveURL(`${base()}/settings/tokens`);
  await second.context.close();
  await context.close();
});

test('an admin invites a reviewer, who sets a password and sees the inbox but cannot start anything', async ({ page, browser }) => {
  const { projectId, threadId } = await projectAndThread(`Review ${randomBytes(3).toString('hex')}`);
  const email = `reviewer-${randomBytes(4).toString('hex')}@omni.test`;

  await page.goto(`${base()}/settings/users`);
  await expect(page.getByTestId('user-row').filter({ hasText: TEST_ADMIN.email })).toBeVisible();
  await page.getByTestId('invite-email-input').fill(email);
  await page.getByTestId('invite-role-select').selectOption('reviewer');
  const pick = page.locator(`[data-testid=invite-project][data-project-id="${projectId}"]`);
  await pick.getByTestId('invite-project-check').check();
  await expect(pick.getByTestId('invite-project-role')).toHaveValue('reviewer');
  await page.getByTestId('invite-submit').click();
  const link = (await page.getByTestId('invite-link').textContent())!.trim();
  expect(link).toMatch(new RegExp(`^${base()}/invite/inv_[A-Za-z0-9_-]{43}$`));
  await expect(page.getByTestId('invite-row').filter({ hasText: email }).getByTestId('invite-state')).toHaveText('Pending');
  await page.screenshot({ path: join(SCREENSHOTS, 'console-users.png'), fullPage: true });
  await darkScreenshot(page, 'console-users-dark.png', true);
  await page.getByTestId('invite-link-dismiss').click();
  await expect(page.getByTestId('invite-link')).toHaveCount(0);

  // The invitee, in a browser of their own.
  const { context, page: invitee } = await freshContext(browser);
  await invitee.goto(`${base()}/invite/inv_${'x'.repeat(43)}`);
  await expect(invitee.getByTestId('invite-invalid')).toContainText('This invite link cannot be used');
  await invitee.goto(link);
  await expect(invitee.getByTestId('invite-email')).toHaveText(email);
  await expect(invitee.getByTestId('invite-role')).toHaveText('reviewer');
  await invitee.getByTestId('invite-name').fill('Rita Reviewer');
  await invitee.getByTestId('invite-password').fill('too short');
  await invitee.getByTestId('invite-confirm').fill('too short');
  await invitee.getByTestId('invite-submit').click();
  await expect(invitee.getByTestId('invite-password-error')).toHaveText('Use at least 12 characters (9 so far).');
  await invitee.screenshot({ path: join(SCREENSHOTS, 'console-invite.png') });
  await invitee.getByTestId('invite-password').fill('a long reviewer passphrase');
  await invitee.getByTestId('invite-confirm').fill('a long reviewer passphrase!');
  await invitee.getByTestId('invite-submit').click();
  await expect(invitee.getByTestId('invite-confirm-error')).toHaveText('The two passwords differ.');
  await invitee.getByTestId('invite-confirm').fill('a long reviewer passphrase');
  await invitee.getByTestId('invite-submit').click();

  await expect(invitee).toHaveURL(`${base()}/projects`);
  await expect(invitee.getByTestId('user-menu-email')).toHaveText(email);
  await expect(invitee.getByTestId('user-menu-role')).toHaveText('reviewer');
  // What a reviewer can use is there; what they cannot is not.
  await expect(invitee.getByTestId('nav-approvals')).toBeVisible();
  await expect(invitee.getByTestId('nav-users')).toHaveCount(0);
  await expect(invitee.getByTestId('nav-providers')).toHaveCount(0);
  await expect(invitee.getByTestId('new-project-name')).toHaveCount(0);
  await expect(invitee.getByTestId('project-item')).toHaveCount(1);
  await invitee.getByTestId('nav-approvals').click();
  await expect(invitee).toHaveURL(`${base()}/approvals`);
  await expect(invitee.getByRole('heading', { name: 'Approvals' })).toBeVisible();
  await invitee.goto(`${base()}/projects/${projectId}/threads/${threadId}`);
  await expect(invitee.getByTestId('chat')).toBeVisible();
  await expect(invitee.getByTestId('create-thread')).toHaveCount(0);
  await expect(invitee.getByTestId('composer-input')).toHaveCount(0);
  await expect(invitee.getByTestId('composer-readonly')).toContainText('needs the operator role');
  // An admin page is not reachable by typing its address either.
  await invitee.goto(`${base()}/settings/users`);
  await expect(invitee).toHaveURL(`${base()}/projects`);
  await context.close();

  // The admin sees the invite accepted and the reviewer as a member of the project.
  await page.reload();
  await expect(page.getByTestId('invite-row').filter({ hasText: email }).getByTestId('invite-state')).toHaveText('Accepted');
  await expect(page.getByTestId('user-row').filter({ hasText: email }).getByTestId('user-status')).toHaveText('Active');
  await page.getByTestId('members-project-select').selectOption(projectId);
  await expect(page.getByTestId('member-row').filter({ hasText: email }).getByTestId('member-role-select')).toHaveValue('reviewer');

  // A second invite, revoked before anyone uses it: its link stops working.
  const other = `revoked-${Date.now()}@omni.test`;
  await page.getByTestId('invite-email-input').fill(other);
  await page.getByTestId('invite-submit').click();
  const revokedLink = (await page.getByTestId('invite-link').textContent())!.trim();
  await page.getByTestId('invite-row').filter({ hasText: other }).getByTestId('invite-revoke').click();
  await expect(page.getByTestId('invite-row').filter({ hasText: other })).toHaveCount(0);
  await expect(page.getByTestId('invite-link')).toHaveCount(0);
  const stale = await fetch(`${base()}/v1/auth/invites/${revokedLink.split('/invite/')[1]}`);
  expect(stale.status).toBe(404);
});

test('a token made on the tokens page works on the public lane until it is revoked', async ({ page }) => {
  await page.goto(`${base()}/settings/tokens`);
  await page.getByTestId('token-name').fill('E2E script');
  await page.getByTestId('token-scope-operate').check();
  await page.getByTestId('token-expiry').selectOption('7');
  await page.getByTestId('token-submit').click();
  const secret = (await page.getByTestId('token-secret').textContent())!.trim();
  const row = page.getByTestId('token-row').filter({ hasText: 'E2E script' });
  await expect(row.getByTestId('token-prefix')).toBeVisible();
  expect(secret.startsWith((await row.getByTestId('token-prefix').textContent())!.replace('…', '').trim())).toBe(true);
  await page.screenshot({ path: join(SCREENSHOTS, 'console-tokens.png'), fullPage: true });
  await darkScreenshot(page, 'console-tokens-dark.png', true);

  const whoami = () => fetch(`${base()}/v1/public/whoami`, { headers: { authorization: `Bearer ${secret}` } });
  const ok = await whoami();
  expect(ok.status).toBe(200);
  const body = (await ok.json()) as { user: { email: string }; token: { name: string; scopes: string[] } };
  expect(body.user.email).toBe(TEST_ADMIN.email);
  expect(body.token).toMatchObject({ name: 'E2E script', scopes: ['read', 'operate'] });

  // The secret is shown once: gone after dismissing, and not in the list.
  await page.getByTestId('token-secret-dismiss').click();
  await expect(page.getByTestId('token-secret')).toHaveCount(0);
  expect(await page.content()).not.toContain(secret);
  await page.reload();
  await expect(row.getByTestId('token-last-used')).not.toHaveText('never');

  await row.getByTestId('token-revoke').click();
  await row.getByTestId('token-revoke-confirm').click();
  await expect(page.getByTestId('tokens-status')).toHaveText('Revoked “E2E script”.');
  await expect(row.getByTestId('token-state')).toHaveText('Revoked');
  await expect(row.getByTestId('token-revoke')).toHaveCount(0);
  expect((await whoami()).status).toBe(401);
});

test('signing out returns to the sign-in page and ends the session on the server', async ({ browser }) => {
  const { context, page } = await freshContext(browser);
  await page.goto(`${base()}/login`);
  await signInThroughForm(page, TEST_ADMIN.email, TEST_ADMIN.password);
  await expect(page).toHaveURL(`${base()}/projects`);
  const cookie = (await context.cookies()).find((c) => c.name.endsWith('omni_session'));
  expect(cookie).toBeDefined();
  const session = () => fetch(`${base()}/v1/auth/session`, { headers: { cookie: `${cookie!.name}=${cookie!.value}` } });
  expect((await session()).status).toBe(200);

  await page.getByTestId('user-menu').click();
  await expect(page.getByTestId('user-menu-panel')).toContainText(TEST_ADMIN.email);
  await page.getByTestId('sign-out').click();
  await expect(page).toHaveURL(`${base()}/login`);
  await expect(page.getByTestId('login-form')).toBeVisible();
  expect((await session()).status).toBe(401);
  // The console forgot it too: a protected page asks to sign in again.
  await page.goto(`${base()}/approvals`);
  await expect(page).toHaveURL(/\/login\?next=%2Fapprovals$/);
  await context.close();
});
