import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, type Page, test } from '@playwright/test';
import pg from 'pg';
import { startOpenAiWireServer } from '../libs/providers/dist/testing/index.js';
import { api, apiPid, base, projectAndThread, timelineSeqs, waitForRunStatus } from './helpers.js';

const SCREENSHOTS = join(import.meta.dirname, '..', 'test-results', 'screenshots');
test.beforeAll(() => mkdirSync(SCREENSHOTS, { recursive: true }));

test('create a project and a thread, send a message, watch it stream, reload: the same timeline', async ({ page }) => {
  await page.goto(`${base()}/projects`);
  await page.getByTestId('new-project-name').fill('E2E project');
  await page.getByTestId('create-project').click();
  await expect(page.getByTestId('project-item').filter({ hasText: 'E2E project' })).toHaveClass(/active/);
  await page.getByTestId('create-thread').click();
  await expect(page.getByTestId('chat-empty')).toBeVisible();

  await page.getByTestId('composer-input').fill('Hello **OmniAI**, tell me about durable runs.');
  await page.getByTestId('composer-send').click();
  const turn = page.getByTestId('chat-turn').last();
  await expect(turn.locator('[data-role=user]')).toContainText('Hello OmniAI, tell me about durable runs.');
  await expect(turn.locator('[data-role=user] strong')).toHaveText('OmniAI');
  await expect(turn).toHaveAttribute('data-status', 'completed', { timeout: 30_000 });
  const reply = await turn.getByTestId('assistant-text').innerText();
  expect(reply).toContain('(offline model) You said');
  await page.screenshot({ path: join(SCREENSHOTS, 'console-chat.png') });

  await page.getByTestId('tab-run').click();
  expect(await timelineSeqs(page)).toEqual([1, 2, 3, 4]);
  await page.getByTestId('timeline-event').nth(2).click();
  await expect(page.getByTestId('selected-event-card')).toContainText('(offline model)');
  await expect(page.getByTestId('run-status')).toHaveText('completed');
  await expect(page.getByTestId('offline-badge')).toBeVisible();
  await page.screenshot({ path: join(SCREENSHOTS, 'console-run-timeline.png') });
  const timelineText = await page.getByTestId('timeline').innerText();

  await page.reload();
  await expect(page.getByTestId('chat-turn').last().getByTestId('assistant-text')).toHaveText(reply);
  await page.getByTestId('tab-run').click();
  expect(await timelineSeqs(page)).toEqual([1, 2, 3, 4]);
  expect(await page.getByTestId('timeline').innerText()).toBe(timelineText);
});

/** A new project and thread, a run started through the API with the offline model's pacing, and its turn on screen, streaming. */
async function streamingRun(page: Page, projectName: string, message: string, params: { delay_ms: number; reply_words: number }) {
  const { projectId, threadId } = await projectAndThread(projectName);
  const run = await api('POST', `/v1/threads/${threadId}/runs`, { message, pins: { params } });
  await page.goto(`${base()}/projects/${projectId}/threads/${threadId}`);
  const turn = page.locator(`[data-run-id="${run.id}"]`);
  await expect(turn.getByTestId('streaming')).toBeVisible();
  return { run, turn };
}

test('the API stops mid-stream and comes back: the timeline resumes without duplicates or gaps', async ({ page }) => {
  const { run, turn } = await streamingRun(page, 'Restart', 'keep going', { delay_ms: 120, reply_words: 70 });
  await expect(turn.getByTestId('stream-state')).toHaveAttribute('data-state', 'live');

  process.kill(apiPid(), 'SIGKILL'); // npm start's supervisor restarts it after a second
  await expect(turn.getByTestId('stream-state')).toHaveAttribute('data-state', 'reconnecting', { timeout: 10_000 });
  await expect(turn).toHaveAttribute('data-status', 'completed', { timeout: 60_000 });

  const events = (await api('GET', `/v1/runs/${run.id}/events`)).items;
  const finalText = events[2].payload.content.text as string;
  await expect(turn.getByTestId('assistant-text')).toHaveText(finalText.replace(/\s+/g, ' ').trim());
  await page.getByTestId('tab-run').click();
  expect(await timelineSeqs(page)).toEqual([1, 2, 3, 4]);
});

test('cancel from the console: run_cancelled, the partial reply kept and marked, no further text', async ({ page }) => {
  const { run, turn } = await streamingRun(page, 'Cancel', 'never mind', { delay_ms: 150, reply_words: 200 });
  await turn.getByTestId('run-cancel').click();
  await expect(turn).toHaveAttribute('data-status', 'cancelled', { timeout: 15_000 });
  await expect(turn.getByTestId('cancelled-note')).toBeVisible();
  await expect(turn.getByTestId('partial-badge')).toBeVisible();
  const partial = await turn.getByTestId('assistant-text').innerText();
  expect(partial.length).toBeGreaterThan(0);
  await page.waitForTimeout(1_000);
  await expect(turn.getByTestId('assistant-text')).toHaveText(partial);
  await page.getByTestId('tab-run').click();
  await expect(page.getByTestId('timeline-event').last()).toHaveAttribute('data-kind', 'run_cancelled');
  expect(await timelineSeqs(page)).toEqual([1, 2, 3, 4]);
});

test('markdown is sanitized: no raw HTML, no auto-loaded remote images', async ({ page }) => {
  const { projectId, threadId } = await projectAndThread('Sanitize');
  await page.goto(`${base()}/projects/${projectId}/threads/${threadId}`);
  await page
    .getByTestId('composer-input')
    .fill('<img src=x onerror="window.__pwned=1"> ![remote](http://example.invalid/a.png) <script>window.__pwned=2</script>');
  await page.getByTestId('composer-send').click();
  const turn = page.getByTestId('chat-turn').last();
  await expect(turn).toHaveAttribute('data-status', 'completed', { timeout: 30_000 });
  await expect(turn.locator('[data-role=user]')).toContainText('<img src=x');
  expect(await page.locator('.chat img, .chat script').count()).toBe(0);
  await expect(turn.locator('[data-role=user] a')).toHaveAttribute('href', 'http://example.invalid/a.png');
  expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
});

test('10,000 events scroll smoothly: only the visible rows are in the DOM', async ({ page }) => {
  const { projectId, threadId } = await projectAndThread('Long timeline');
  const run = await api('POST', `/v1/threads/${threadId}/runs`, { message: 'long', pins: { params: { delay_ms: 0, reply_words: 3 } } });
  await waitForRunStatus(run.id, ['completed']);
  // Real rows in the real database: 9,996 system events after the run's own 4.
  const client = new pg.Client({ connectionString: process.env['OMNI_E2E_DATABASE_URL'] });
  await client.connect();
  await client.query(
    `insert into run_events (run_id, seq, event_id, kind, ts, actor, correlation_id, causation_id, schema_version, payload)
     select $1::uuid, s, gen_random_uuid(), 'system_event', now(), '{"type":"service","id":"e2e"}', $1::text, null, 1,
            jsonb_build_object('type', 'notice', 'message', 'synthetic event ' || s)
     from generate_series(5, 10000) as s`,
    [run.id],
  );
  await client.end();

  await page.goto(`${base()}/projects/${projectId}/threads/${threadId}/runs/${run.id}`);
  await expect(page.getByTestId('run-drawer')).toBeVisible();
  await expect(page.locator('.run-head')).toContainText('10000 events', { timeout: 30_000 });
  const rendered = await page.getByTestId('timeline-event').count();
  expect(rendered).toBeLessThan(100);
  await page.getByTestId('timeline').evaluate((el) => (el.scrollTop = el.scrollHeight));
  await expect(page.locator('[data-testid=timeline-event][data-seq="10000"]')).toBeVisible();
  expect(await page.getByTestId('timeline-event').count()).toBeLessThan(100);
  await page.locator('[data-testid=timeline-event][data-seq="10000"]').click();
  await expect(page.getByTestId('selected-event-card')).toContainText('synthetic event 10000');
});

test('large messages open in the artifact viewer; the timeline is keyboard-navigable', async ({ page }) => {
  const { projectId, threadId } = await projectAndThread('Artifacts');
  const big = `BEGIN ${'lorem ipsum '.repeat(600)} END`;
  const run = await api('POST', `/v1/threads/${threadId}/runs`, { message: big, pins: { params: { delay_ms: 0, reply_words: 3 } } });
  await waitForRunStatus(run.id, ['completed']);
  await page.goto(`${base()}/projects/${projectId}/threads/${threadId}/runs/${run.id}`);
  await page.getByTestId('timeline-event').first().click();
  await page.getByTestId('timeline').press('ArrowDown');
  await expect(page.locator('[data-testid=timeline-event][data-seq="2"]')).toHaveClass(/selected/);
  await expect(page.getByTestId('selected-event-card').locator('[data-card=artifact]')).toBeVisible();
  await page.getByTestId('open-artifact').click();
  await expect(page.getByTestId('artifact-viewer')).toContainText('BEGIN lorem ipsum');
  await expect(page.getByTestId('artifact-viewer')).toContainText('END');
  await page.screenshot({ path: join(SCREENSHOTS, 'console-artifact-viewer.png') });
});

test('pick a configured provider and model for a thread: the reply comes from it through the official SDK', async ({ page }) => {
  // A local server speaking OpenAI's wire format; the worker reaches it over loopback.
  const server = await startOpenAiWireServer('sk-e2e-key');
  try {
    const provider = await api('POST', '/v1/providers', { name: 'Local OpenAI', preset: 'openai', base_url: `${server.url}/v1`, api_key: 'sk-e2e-key' });
    const { projectId, threadId } = await projectAndThread('Providers');
    await page.goto(`${base()}/projects/${projectId}/threads/${threadId}`);
    await expect(page.getByTestId('offline-label')).toBeVisible();
    await page.getByTestId('provider-select').selectOption(provider.id);
    await page.getByTestId('model-input').fill('gpt-test');
    await page.getByTestId('model-input').press('Tab');
    await page.getByTestId('composer-input').fill('Who is answering?');
    await page.getByTestId('composer-send').click();
    const turn = page.getByTestId('chat-turn').last();
    await expect(turn).toHaveAttribute('data-status', 'completed', { timeout: 30_000 });
    await expect(turn.getByTestId('assistant-text')).toHaveText('Hello from the wire');
    await page.getByTestId('tab-run').click();
    await expect(page.locator('[data-testid=timeline-event][data-kind=assistant_message]')).toContainText('11+4 tok');
    await expect(page.getByTestId('run-model')).toHaveText('Local OpenAI / gpt-test');
    await page.screenshot({ path: join(SCREENSHOTS, 'console-provider-run.png') });
    // The choice is remembered for the thread.
    await page.reload();
    await expect(page.getByTestId('provider-select')).toHaveValue(provider.id);
    await expect(page.getByTestId('model-input')).toHaveValue('gpt-test');
  } finally {
    await server.close();
  }
});

test('a run paused by its budget shows why, and resumes from the console', async ({ page }) => {
  const { projectId, threadId } = await projectAndThread('Budgets');
  const run = await api('POST', `/v1/threads/${threadId}/runs`, {
    message: 'Spend more than allowed',
    pins: { params: { delay_ms: 0, reply_words: 30 } },
    budget: { max_tokens: 10, on_exceed: 'pause' },
  });
  await waitForRunStatus(run.id, ['paused']);
  await page.goto(`${base()}/projects/${projectId}/threads/${threadId}/runs/${run.id}`);
  await page.getByTestId('tab-chat').click();
  const turn = page.getByTestId('chat-turn').last();
  await expect(turn).toHaveAttribute('data-status', 'paused');
  await expect(turn.getByTestId('paused-note')).toContainText('tokens budget (10) was exceeded');
  await expect(page.getByTestId('run-budget')).toHaveText('10 tokens — pauses when exceeded');
  await page.screenshot({ path: join(SCREENSHOTS, 'console-run-paused.png') });
  await turn.getByTestId('run-resume').click();
  await expect(turn).toHaveAttribute('data-status', 'completed', { timeout: 30_000 });
  await expect(turn.getByTestId('paused-note')).toHaveCount(0);
  // The budget in force after the resume: the tokens limit was lifted.
  await expect(page.getByTestId('run-budget')).toHaveCount(0);
  await page.getByTestId('tab-run').click();
  await expect(page.locator('[data-testid=timeline-event][data-kind=system_event]')).toHaveCount(3);
});
