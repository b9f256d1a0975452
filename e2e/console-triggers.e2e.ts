import { execFile } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect, type Locator, type Page, test } from '@playwright/test';
import { api, base, projectAndThread, waitForRunStatus } from './helpers.js';

const run = promisify(execFile);
const IMAGES = join(import.meta.dirname, '..', 'docs', 'images');

// An output-only graph runs without a model: it answers what it was given.
const ECHO = { schema: 'omni.graph/v1', name: 'Echo', nodes: [{ id: 'done', kind: 'output', value: { got: '{{ input }}' } }], edges: [] };

test.describe.configure({ mode: 'serial', timeout: 180_000 });
// Tall enough that the Triggers tab with a schedule and a webhook (and its curl) fits in the screenshot.
test.use({ viewport: { width: 1280, height: 1500 } });
test.beforeEach(async ({ page }) => {
  await page.addInitScript(() => localStorage.setItem('omni.theme', 'light'));
});

const card = (page: Page, kind: 'schedule' | 'webhook'): Locator => page.locator(`[data-testid=trigger-card][data-kind=${kind}]`);

/** The run ids a trigger card lists (its "Runs" table), once at least one is there. */
async function listedRuns(c: Locator): Promise<string[]> {
  await expect(c.getByTestId('trigger-run-row').first()).toBeVisible({ timeout: 30_000 });
  return c.getByTestId('trigger-run-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-run-id')!));
}

test('Triggers tabs: a graph’s schedule fired now and webhook delivered by the page’s own curl, and a thread’s schedule, all start runs', async ({ page }) => {
  const { projectId, threadId } = await projectAndThread(`Triggers ${Date.now()}`);
  const created = await api('POST', `/v1/projects/${projectId}/graphs`, { spec: ECHO, note: 'e2e' });
  const graphId: string = created.graph.id;

  await page.goto(`${base()}/projects/${projectId}/workflows/${graphId}`);
  await page.getByTestId('tab-triggers').click();
  await expect(page).toHaveURL(/tab=triggers/);
  await expect(page.getByTestId('triggers-empty')).toBeVisible();

  // A schedule, with the live preview (Temporal's reading) and the API's field error for a time zone it does not know.
  await page.getByTestId('new-schedule').click();
  await page.getByTestId('schedule-name').fill('Nightly echo');
  await page.getByTestId('schedule-cron').fill('0 3 * * *');
  await page.getByTestId('schedule-timezone').fill('Mars/Olympus_Mons');
  await expect(page.getByTestId('schedule-timezone-error')).toHaveText(/unknown time zone Mars\/Olympus_Mons/, { timeout: 15_000 });
  await expect(page.getByTestId('schedule-preview')).toHaveAttribute('data-state', 'error');
  await page.getByTestId('schedule-timezone').fill('UTC');
  await expect(page.getByTestId('schedule-preview-description')).toHaveText(/03:00/, { timeout: 15_000 });
  await expect(page.getByTestId('schedule-preview-fire')).toHaveCount(5);
  await expect(page.getByTestId('schedule-timezone-error')).toHaveCount(0);
  await page.getByTestId('schedule-overlap').selectOption('buffer_one');
  await page.getByTestId('schedule-input').fill('{"when": "{{ fired_at }}", "by": "{{ trigger.name }}"}');
  await page.getByTestId('schedule-save').click();
  await expect(page.getByTestId('schedule-form')).toHaveCount(0);
  const schedule = card(page, 'schedule');
  await expect(schedule.getByTestId('trigger-name')).toHaveText('Nightly echo');
  await expect(schedule.getByTestId('trigger-description')).toContainText('03:00');
  await expect(schedule.getByTestId('trigger-next-fires').locator('li')).toHaveCount(3);

  // Trigger it now: the run shows in its runs (and recent fires), and completes with the rendered input.
  await schedule.getByTestId('trigger-fire').click();
  const [scheduledRun] = await listedRuns(schedule);
  const done = await waitForRunStatus(scheduledRun!, ['completed', 'failed']);
  expect(done.status).toBe('completed');
  await expect(schedule.locator(`[data-testid=trigger-run-row][data-run-id="${scheduledRun}"]`)).toHaveAttribute('data-status', 'completed', {
    timeout: 15_000,
  });
  await expect(schedule.getByTestId('trigger-actions')).toContainText(scheduledRun!.slice(0, 8), { timeout: 15_000 });

  // Pause with a note, then resume.
  await schedule.getByTestId('trigger-pause').click();
  await schedule.getByTestId('trigger-pause-note').fill('maintenance window');
  await schedule.getByTestId('trigger-pause-confirm').click();
  await expect(schedule.getByTestId('trigger-paused')).toBeVisible();
  await expect(schedule.getByTestId('trigger-note')).toHaveText(/maintenance window/);
  await schedule.getByTestId('trigger-resume').click();
  await expect(schedule.getByTestId('trigger-paused')).toHaveCount(0);

  // A webhook: its URL, its secret once, and a curl signed in the page, which is run as it is shown.
  await page.getByTestId('new-webhook').click();
  await page.getByTestId('webhook-name').fill('Inbound echo');
  await page.getByTestId('webhook-save').click();
  const webhook = card(page, 'webhook');
  await expect(webhook.getByTestId('webhook-secret')).toHaveText(/^whsec_/);
  await expect(webhook.getByTestId('trigger-url')).toHaveText(new RegExp(`^${new URL(page.url()).origin}/v1/hooks/`));
  await expect(webhook.getByTestId('webhook-curl-expiry')).toHaveText(/Valid for [45]:\d\d/);
  const curl = (await webhook.getByTestId('webhook-curl').textContent())!.trim();
  expect(curl).toMatch(/^curl -sS -X POST '.*\/v1\/hooks\/[^']+' \\/);
  expect(curl).toContain("-H 'webhook-signature: v1,");
  const { stdout } = await run('sh', ['-c', curl], { timeout: 30_000 });
  const accepted = JSON.parse(stdout) as { run_id: string; duplicate: boolean };
  expect(accepted.duplicate).toBe(false);
  const hooked = await waitForRunStatus(accepted.run_id, ['completed', 'failed']);
  expect(hooked.status).toBe('completed');
  await expect(webhook.locator(`[data-testid=trigger-run-row][data-run-id="${accepted.run_id}"]`)).toBeVisible({ timeout: 30_000 });
  const delivery = webhook.getByTestId('delivery-row').first();
  await expect(delivery).toHaveAttribute('data-status', 'accepted');
  await expect(delivery.getByTestId('delivery-run-link')).toHaveText(accepted.run_id.slice(0, 8));

  // The same curl again is a redelivery (same webhook-id): the same run, nothing new.
  const again = JSON.parse((await run('sh', ['-c', curl], { timeout: 30_000 })).stdout) as { run_id: string; duplicate: boolean };
  expect(again).toMatchObject({ run_id: accepted.run_id, duplicate: true });
  await expect(webhook.locator('[data-testid=delivery-row][data-status=duplicate]')).toBeVisible({ timeout: 15_000 });
  await expect(schedule.getByTestId('trigger-run-row')).toHaveCount(1);

  // Each list shows its own runs only, and both link to the run pages.
  expect(await listedRuns(webhook)).toEqual([accepted.run_id]);
  expect(await listedRuns(schedule)).toEqual([scheduledRun]);
  await expect(schedule.getByTestId('trigger-run-link')).toHaveAttribute('href', `/projects/${projectId}/workflows/${graphId}/runs/${scheduledRun}`);

  mkdirSync(IMAGES, { recursive: true });
  await page.getByTestId('triggers-panel').screenshot({ path: join(IMAGES, 'triggers.png') });

  // Rotating the secret (no overlap) shows the new one once with a new curl; the old curl is refused and logged.
  const oldSecret = (await webhook.getByTestId('webhook-secret').textContent())!;
  await webhook.getByTestId('trigger-rotate').click();
  await webhook.getByTestId('trigger-rotate-overlap').fill('0');
  await webhook.getByTestId('trigger-rotate-confirm').click();
  await expect(webhook.getByTestId('webhook-secret')).not.toHaveText(oldSecret);
  await expect(webhook.getByTestId('webhook-curl')).not.toHaveText(curl);
  const refused = JSON.parse((await run('sh', ['-c', curl], { timeout: 30_000 })).stdout) as { error?: { code: string } };
  expect(refused.error?.code).toBeTruthy();
  await expect(webhook.locator('[data-testid=delivery-row][data-status=rejected]')).toContainText('signature', { timeout: 15_000 });
  const rotatedCurl = (await webhook.getByTestId('webhook-curl').textContent())!.trim();
  const second = JSON.parse((await run('sh', ['-c', rotatedCurl], { timeout: 30_000 })).stdout) as { run_id: string; duplicate: boolean };
  expect(second.duplicate).toBe(false);
  await expect(webhook.locator(`[data-testid=trigger-run-row][data-run-id="${second.run_id}"]`)).toBeVisible({ timeout: 30_000 });

  await webhook.locator(`[data-testid=trigger-run-row][data-run-id="${accepted.run_id}"] [data-testid=trigger-run-link]`).click();
  await expect(page).toHaveURL(new RegExp(`/workflows/${graphId}/runs/${accepted.run_id}`));

  // A thread has its own Triggers tab, listing only its triggers: an interval schedule starting a chat turn (the
  // offline model answers), triggered now.
  await page.goto(`${base()}/projects/${projectId}/threads/${threadId}`);
  await page.getByTestId('tab-triggers').click();
  await expect(page.getByTestId('triggers-empty')).toBeVisible();
  await expect(page.getByTestId('trigger-card')).toHaveCount(0);
  await page.getByTestId('new-schedule').click();
  await page.getByTestId('schedule-name').fill('Hourly hello');
  await page.getByTestId('schedule-mode-interval').check();
  await page.getByTestId('schedule-interval').fill('3600');
  await page.getByTestId('schedule-timezone').fill('UTC');
  await page.getByTestId('schedule-message').fill('Hello from {{ trigger.name }}');
  await expect(page.getByTestId('schedule-preview-fire')).toHaveCount(5, { timeout: 15_000 });
  await page.getByTestId('schedule-save').click();
  const hourly = card(page, 'schedule');
  await expect(hourly.getByTestId('trigger-description')).toContainText('Every 3,600 s');
  await hourly.getByTestId('trigger-fire').click();
  const [turn] = await listedRuns(hourly);
  expect((await waitForRunStatus(turn!, ['completed', 'failed'])).status).toBe('completed');
  await expect(hourly.getByTestId('trigger-run-link')).toHaveAttribute('href', `/projects/${projectId}/threads/${threadId}/runs/${turn}`);
  const listed = await api('GET', `/v1/projects/${projectId}/triggers?thread_id=${threadId}`);
  expect(listed.items.map((t: { name: string }) => t.name)).toEqual(['Hourly hello']);
});
