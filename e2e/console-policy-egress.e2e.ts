import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { api, base } from './helpers.js';

const SCREENSHOTS = join(import.meta.dirname, '..', 'test-results', 'screenshots');
const NO_GRANTS = { grants: [], kill_switch_external_writes: false };
const WARNING = 'Reaches a private or loopback address — only for hosts you run.';

test.use({ viewport: { width: 1366, height: 1100 } });
test.beforeAll(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await api('PUT', '/v1/policy', { ...NO_GRANTS, egress_allow: ['docs.example.org'] });
});
// Deny by default and no egress again, so that the other test files see the policy they expect.
test.afterAll(async () => {
  await api('PUT', '/v1/policy', NO_GRANTS);
});

// Issue 17 (D58): a local MCP server needs an egress entry that lets one named host be private; the page
// adds it with the flag, warns before and after, and the API still refuses what no entry may allow.
test('policy page: add a host allowed to be private, with its warning; the flag is refused on a wildcard; metadata is refused on save', async ({ page }) => {
  await page.goto(`${base()}/settings/policy`);
  const egress = page.getByTestId('policy-egress-allow');
  await expect(egress.locator('[data-testid=policy-egress-entry][data-host="docs.example.org"]')).toBeVisible();
  await expect(egress.getByTestId('policy-egress-warning')).toHaveCount(0);

  // The flag only for one named host: the form says so before anything is sent.
  await page.getByTestId('policy-egress-host').fill('*.corp.example');
  await page.getByTestId('policy-egress-private').check();
  await expect(page.getByTestId('policy-egress-add-warning')).toContainText(WARNING);
  await page.getByTestId('policy-egress-add').click();
  await expect(page.getByTestId('policy-egress-error')).toContainText('allow_private is only for one named host');

  // 127.0.0.1:3001, where an MCP server would run: added with a note, marked and warned about, then saved.
  await page.getByTestId('policy-egress-host').fill('127.0.0.1:3001');
  await page.getByTestId('policy-egress-note-input').fill('MCP server-everything on this machine');
  await page.getByTestId('policy-egress-add').click();
  const local = egress.locator('[data-testid=policy-egress-entry][data-host="127.0.0.1:3001"]');
  await expect(local.getByTestId('policy-egress-private-badge')).toHaveText('private allowed');
  await expect(local.getByTestId('policy-egress-warning')).toHaveText(WARNING);
  await expect(local.getByTestId('policy-egress-note')).toHaveText('MCP server-everything on this machine');
  await expect(page.getByTestId('policy-egress-private')).not.toBeChecked();
  await page.getByTestId('policy-save').click();
  await expect(page.getByTestId('policy-status')).toHaveText('Policy saved. It applies to tool calls vetted from now on.');
  expect((await api('GET', '/v1/policy')).egress_allow).toEqual([
    'docs.example.org',
    { host: '127.0.0.1:3001', allow_private: true, note: 'MCP server-everything on this machine' },
  ]);

  // After a reload the entry still carries its warning.
  await page.reload();
  await expect(egress.locator('[data-testid=policy-egress-entry][data-host="127.0.0.1:3001"]').getByTestId('policy-egress-warning')).toHaveText(WARNING);
  // docs/images/console-policy-egress.png is a copy of this one.
  await page.getByTestId('policy-form').screenshot({ path: join(SCREENSHOTS, 'console-policy-egress.png') });

  // The metadata address passes the form's grammar but not the API's address policy: 400 naming the field.
  await page.getByTestId('policy-egress-host').fill('169.254.169.254');
  await page.getByTestId('policy-egress-private').check();
  await page.getByTestId('policy-egress-add').click();
  await page.getByTestId('policy-save').click();
  await expect(page.getByTestId('policy-save-error')).toContainText('egress_allow.2.host');
  await expect(page.getByTestId('policy-save-error')).toContainText('169.254.169.254 is not a public address (metadata)');
  await page.getByTestId('policy-discard').click();
  await expect(egress.getByTestId('policy-egress-entry')).toHaveCount(2);
  expect((await api('GET', '/v1/policy')).egress_allow).toHaveLength(2);
});
