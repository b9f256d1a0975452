import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { startTestMcpServer, type TestMcpServer } from '../libs/tools/dist/testing/index.js';
import { api, base } from './helpers.js';

const IMAGES = join(import.meta.dirname, '..', 'docs', 'images');

// Two real MCP servers (the SDK's server side over Streamable HTTP) on 127.0.0.1: `words`, whose lookup_word the test
// later changes (a rug pull), and `tricky`, which also lists a tool whose description hides orders (poisoning flags).
// The stack's worker reaches them only because the policy names each one in an entry that allows a private host, as an
// admin would (D58). read_web is granted; a call that reaches the network still waits for a reviewer.
let words: TestMcpServer;
let tricky: TestMcpServer;
let savedPolicy: unknown;

test.describe.configure({ mode: 'serial', timeout: 360_000 });
test.use({ viewport: { width: 1400, height: 1000 } });
test.beforeEach(async ({ page }) => {
  await page.addInitScript(() => localStorage.setItem('omni.theme', 'light'));
});
test.beforeAll(async () => {
  words = await startTestMcpServer();
  tricky = await startTestMcpServer({ poisoned: true });
  const { updated_at: _updated, updated_by: _by, ...policy } = await api('GET', '/v1/policy');
  savedPolicy = policy;
  await api('PUT', '/v1/policy', {
    grants: [{ level: 'workspace', subject: '*', scopes: ['read_web'], require_approval: false }],
    kill_switch_external_writes: false,
    egress_allow: [
      { host: `127.0.0.1:${words.web.port}`, allow_private: true, note: 'e2e: the words MCP server' },
      { host: `127.0.0.1:${tricky.web.port}`, allow_private: true, note: 'e2e: the poisoned MCP server' },
    ],
  });
});
test.afterAll(async () => {
  if (savedPolicy) await api('PUT', '/v1/policy', savedPolicy).catch(() => undefined);
  await words?.close();
  await tricky?.close();
});

test('MCP hub: add a server, browse its catalog, try a tool, pin it, then review a drift and re-approve', async ({ page }) => {
  const project = await api('POST', '/v1/projects', { name: `MCP ${Date.now()}` });
  // The poisoned server goes in through the API: its card shows the flags next to the one the form adds.
  await api('POST', '/v1/mcp/servers', {
    id: 'tricky',
    name: 'Tricky tools',
    transport: { type: 'streamable_http', url: `http://127.0.0.1:${tricky.web.port}/mcp` },
  });

  // The nav shows MCP (the feature is on); the page lists the servers.
  await page.goto(`${base()}/projects`);
  await page.getByTestId('nav-mcp').click();
  await expect(page).toHaveURL(/\/mcp$/);
  await expect(page.locator('[data-testid=mcp-server-card][data-server-id=tricky]')).toBeVisible();

  // The form: both transports, checked before sending.
  await page.getByTestId('mcp-add').click();
  await page.getByTestId('mcp-add-transport-stdio').check();
  await expect(page.getByTestId('mcp-add-command')).toBeVisible();
  await expect(page.getByTestId('mcp-add-egress')).toBeVisible();
  await page.getByTestId('mcp-add-transport-http').check();
  await page.getByTestId('mcp-add-submit').click();
  await expect(page.getByTestId('mcp-add-id-error')).toBeVisible();
  await expect(page.getByTestId('mcp-add-url-error')).toBeVisible();
  await expect(page.getByTestId('mcp-add-id')).toBeFocused();
  await page.getByTestId('mcp-add-id').fill('words');
  await page.getByTestId('mcp-add-name').fill('Word tools');
  await page.getByTestId('mcp-add-url').fill(`http://127.0.0.1:${words.web.port}/mcp`);
  // Header values are write-only: a password field, never shown again (none are needed here: back to no auth).
  await page.getByTestId('mcp-add-auth-headers').check();
  await expect(page.getByTestId('mcp-add-header-value')).toHaveAttribute('type', 'password');
  await page.getByTestId('mcp-add-auth-none').check();
  await page.getByTestId('mcp-add-submit').click();

  // Added: OmniAI connected and listed it; the page opens on its catalog, every tool approved.
  await expect(page).toHaveURL(/\/mcp\/words(\?|$)/, { timeout: 60_000 });
  const head = page.getByTestId('mcp-server-head');
  await expect(head).toHaveAttribute('data-health', 'ok');
  await expect(page.getByTestId('mcp-server-info')).toContainText('omni-test-mcp');
  await expect(page.getByTestId('mcp-server-protocol')).not.toHaveText('—');
  const rows = page.getByTestId('mcp-tool-row');
  await expect(rows).toHaveCount(5);
  await expect(page.locator('[data-testid=mcp-tool-row][data-status=approved]')).toHaveCount(5);

  // The catalog explorer: a tool's schema, annotations and hash.
  await page.locator('[data-testid=mcp-tool-row][data-tool=lookup_word]').click();
  await expect(page).toHaveURL(/tool=lookup_word/);
  const detail = page.getByTestId('mcp-tool-detail');
  await expect(detail).toHaveAttribute('data-tool', 'lookup_word');
  await expect(detail.locator('[data-testid=mcp-schema-prop][data-name=word]')).toBeVisible();
  await expect(detail.getByTestId('mcp-annotations')).toContainText('readOnlyHint');
  const version = (await detail.getByTestId('mcp-tool-version').textContent())!.trim();
  expect(version).toMatch(/\+d[0-9a-f]{12}$/);

  // Try it: the form comes from the input schema; the run's tool card shows the result.
  await detail.getByTestId('mcp-pane-try').click();
  await detail.getByTestId('mcp-try-run').click();
  await expect(detail.getByTestId('mcp-try-field-word-error')).toBeVisible();
  await detail.getByTestId('mcp-try-field-word').fill('tried');
  await detail.getByTestId('mcp-try-project').selectOption(project.id);
  await detail.getByTestId('mcp-try-run').click();
  const result = detail.getByTestId('mcp-try-result');
  // The call goes through policy like any other: a tool that reaches the network waits for a reviewer, here on the
  // run's own approval card in the panel.
  const approval = result.getByTestId('approval-card');
  await expect(approval).toHaveAttribute('data-state', 'pending', { timeout: 60_000 });
  await approval.getByTestId('approve').click();
  await expect(result).toHaveAttribute('data-status', 'completed', { timeout: 90_000 });
  await expect(result.getByTestId('card-tool-call')).toContainText('mcp.words.lookup_word');
  await expect(result.getByTestId('card-tool-result')).toContainText('tried: a word of 5 letters');
  await expect(result.getByTestId('mcp-try-run-link')).toBeVisible();

  // Pin it to the project at the approved definition.
  await detail.getByTestId('mcp-pin-project').selectOption(project.id);
  await detail.getByTestId('mcp-pin-submit').click();
  await expect(detail.getByTestId('mcp-pin-done')).toBeVisible();
  await expect(detail.getByTestId('mcp-pin-current')).toHaveAttribute('data-version', version);
  const pins = await api('GET', `/v1/projects/${project.id}/tools`);
  expect((pins.items ?? pins).find((p: { id: string }) => p.id === 'mcp.words.lookup_word')?.version).toBe(version);
  // A tall window shows the catalog, the tool and its tried call at once.
  await page.setViewportSize({ width: 1400, height: 1900 });
  await page.getByTestId('mcp-server-head').scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(IMAGES, 'mcp-tool.png') });
  await page.setViewportSize({ width: 1400, height: 1000 });

  // The server cards: health, latency, auth state; the poisoned server's flags.
  await page.getByTestId('crumb-mcp').click();
  const card = page.locator('[data-testid=mcp-server-card][data-server-id=words]');
  await expect(card).toHaveAttribute('data-health', 'ok');
  await expect(card.getByTestId('mcp-server-latency')).toContainText('ms');
  await expect(card.getByTestId('mcp-server-auth')).toHaveText('no authentication');
  await expect(card.getByTestId('mcp-drift-badge')).toHaveCount(0);
  await expect(page.locator('[data-testid=mcp-server-card][data-server-id=tricky] [data-testid=mcp-drift-badge]')).toHaveAttribute('data-kind', 'flagged');
  await page.screenshot({ path: join(IMAGES, 'mcp-servers.png') });

  // The rug pull: the server changes lookup_word's description and schema; Check now notices.
  words.drift();
  await card.getByTestId('mcp-server-link').click();
  await page.getByTestId('mcp-check').click();
  const row = page.locator('[data-testid=mcp-tool-row][data-tool=lookup_word]');
  await expect(row).toHaveAttribute('data-status', 'drifted', { timeout: 60_000 });
  await expect(page.getByTestId('mcp-drift-badge')).toHaveText('1 drifted');
  await row.click();
  await expect(detail).toHaveAttribute('data-status', 'drifted');
  await expect(detail.getByTestId('mcp-tool-drift-note')).toBeVisible();

  // The review: the approved and the live definition side by side.
  const diff = detail.getByTestId('mcp-diff');
  await expect(diff.locator('[data-testid=mcp-diff-section][data-section=Description]')).toHaveAttribute('data-changed', 'true');
  await expect(diff.locator('[data-testid=mcp-diff-section][data-section="Input schema"]')).toHaveAttribute('data-changed', 'true');
  await expect(diff.locator('[data-testid=mcp-diff-row][data-kind=changed], [data-testid=mcp-diff-row][data-kind=added]').first()).toBeVisible();
  await expect(diff).toContainText('e-mail address');
  await page.screenshot({ path: join(IMAGES, 'mcp-drift.png') });

  // A drifted tool cannot be tried; the run path refuses it too.
  await expect(detail.getByTestId('mcp-pane-try')).toHaveCount(0);

  // Approve the live definition: the badge goes back to approved, with a new version the project's pin moved to.
  await diff.getByTestId('mcp-approve').click();
  await expect(row).toHaveAttribute('data-status', 'approved', { timeout: 30_000 });
  await expect(detail).toHaveAttribute('data-status', 'approved');
  await expect(page.getByTestId('mcp-drift-badge')).toHaveCount(0);
  const next = (await detail.getByTestId('mcp-tool-version').textContent())!.trim();
  expect(next).not.toBe(version);
  await detail.getByTestId('mcp-pane-try').click();
  await detail.getByTestId('mcp-pin-project').selectOption(project.id);
  await expect(detail.getByTestId('mcp-pin-current')).toHaveAttribute('data-version', next);

  // Block and unblock: a blocked tool is not offered to Try.
  const fails = page.locator('[data-testid=mcp-tool-row][data-tool=always_fails]');
  await fails.click();
  await detail.getByTestId('mcp-tool-block').click();
  await expect(fails).toHaveAttribute('data-status', 'blocked');
  await expect(detail.getByTestId('mcp-pane-try')).toHaveCount(0);
  await expect(detail.getByTestId('mcp-tool-block')).toHaveText('Unblock');
  await detail.getByTestId('mcp-tool-block').click();
  await expect(fails).toHaveAttribute('data-status', 'approved');

  // The poisoned tool: its flags in the catalog, and on the approval card of a call to it.
  await page.goto(`${base()}/mcp/tricky?tool=add_numbers`);
  await expect(detail).toHaveAttribute('data-tool', 'add_numbers');
  for (const kind of ['instructions', 'invisible_unicode', 'url'])
    await expect(detail.locator(`[data-testid=poison-flag][data-kind=${kind}]`).first()).toBeVisible();
  await detail.getByTestId('mcp-pane-try').click();
  await detail.getByTestId('mcp-try-field-a').fill('1');
  await detail.getByTestId('mcp-try-field-b').fill('2');
  await detail.getByTestId('mcp-try-project').selectOption(project.id);
  await detail.getByTestId('mcp-try-run').click();
  const flagged = detail.getByTestId('mcp-try-result').getByTestId('approval-card');
  await expect(flagged).toHaveAttribute('data-state', 'pending', { timeout: 60_000 });
  await expect(flagged.locator('[data-testid=risk-flags] [data-testid=poison-flag][data-kind=instructions]')).toBeVisible();
  await expect(flagged.getByTestId('poison-flag-list')).toContainText('id_rsa');
  await flagged.screenshot({ path: join(IMAGES, 'mcp-approval-flags.png') });
  await flagged.getByTestId('deny').click();
  await expect(detail.getByTestId('mcp-try-result')).toHaveAttribute('data-status', /completed|failed/, { timeout: 60_000 });
});
