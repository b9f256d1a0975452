import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';

const SCREENSHOTS = join(import.meta.dirname, '..', 'test-results', 'screenshots');
const base = () => process.env['OMNI_E2E_BASE_URL']!;

test.beforeAll(() => mkdirSync(SCREENSHOTS, { recursive: true }));

test('the console shows Temporal, Postgres, Docker and the worker healthy', async ({ page }) => {
  await page.goto(`${base()}/system`);
  await expect(page.getByTestId('overall-status')).toHaveAttribute('data-status', 'healthy');
  for (const name of ['temporal', 'postgres', 'docker', 'worker']) {
    const card = page.getByTestId(`component-${name}`);
    await expect(card).toHaveAttribute('data-status', 'healthy');
    await expect(card.getByTestId('latency')).toHaveText(/^\d+(\.\d)? ms$/);
  }
  await expect(page.getByTestId('component-temporal').getByTestId('detail')).toContainText('Temporal server');
  await expect(page.getByTestId('component-postgres').getByTestId('detail')).toContainText('PostgreSQL');
  await expect(page.getByTestId('component-docker').getByTestId('detail')).toContainText('Docker engine');
  await expect(page.getByTestId('connection-state')).toHaveAttribute('data-state', 'online');
  await expect(page.getByTestId('temporal-ui-link')).toHaveAttribute('href', process.env['OMNI_E2E_TEMPORAL_UI']!);
  await page.screenshot({ path: join(SCREENSHOTS, 'console-system-health.png'), fullPage: true });
});

test('dark theme toggles and survives a reload', async ({ page }) => {
  await page.goto(`${base()}/system`);
  const html = page.locator('html');
  const before = await html.getAttribute('data-theme');
  await page.getByTestId('theme-toggle').click();
  const after = before === 'dark' ? 'light' : 'dark';
  await expect(html).toHaveAttribute('data-theme', after);
  await page.reload();
  await expect(html).toHaveAttribute('data-theme', after);
  await expect(page.getByTestId('overall-status')).toBeVisible();
  await page.screenshot({ path: join(SCREENSHOTS, `console-system-health-${after}.png`), fullPage: true });
});

test('a deep link loads the console, and unknown API paths stay JSON errors', async ({ page, request }) => {
  await page.goto(`${base()}/some/deep/link`);
  await expect(page.getByTestId('brand')).toBeVisible();
  const res = await request.get(`${base()}/v1/nothing-here`);
  expect(res.status()).toBe(404);
  expect((await res.json()).error.code).toBe('E_NOT_FOUND');
});

test('the console shows an error banner when the API is unreachable', async ({ page }) => {
  await page.goto(`${base()}/system`);
  await expect(page.getByTestId('overall-status')).toBeVisible();
  await page.route('**/v1/meta', (route) => route.abort('connectionrefused'));
  await page.getByTestId('refresh').click();
  await expect(page.getByTestId('error-banner')).toBeVisible();
  await expect(page.getByTestId('connection-state')).toHaveAttribute('data-state', 'offline');
  await page.unroute('**/v1/meta');
  await page.getByTestId('refresh').click();
  await expect(page.getByTestId('error-banner')).toBeHidden();
});
