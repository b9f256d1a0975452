import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { api, base } from './helpers.js';

const IMAGES = join(import.meta.dirname, '..', 'docs', 'images');
// The question the offline scripted model has fixtures for (apps/worker/fixtures/scripted/research-sample.json): its
// plan, and the claims of each document of the sample corpus.
const QUESTION = 'How does OmniAI keep agent runs durable and safe?';
const EDITED = 'How do agent runs survive a crash of the worker?';

const norm = (s: string) => s.replace(/\s+/g, ' ').trim();
const literally = (s: string) => new RegExp(s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));

test.describe.configure({ mode: 'serial', timeout: 240_000 });
test.use({ viewport: { width: 1400, height: 1000 } });
test.beforeEach(async ({ page }) => {
  await page.addInitScript(() => localStorage.setItem('omni.theme', 'light'));
});

test('Research: start with plan review, edit and approve the plan, watch the graph fill, open a citation and see its quote highlighted', async ({ page }) => {
  const project = await api('POST', '/v1/projects', { name: `Research ${Date.now()}` });

  // The project's page links to Research (the feature is on); the corpus goes in from the Research page.
  await page.goto(`${base()}/projects/${project.id}`);
  await page.getByTestId('nav-research').click();
  await expect(page).toHaveURL(new RegExp(`/projects/${project.id}/research$`));
  await expect(page.getByTestId('research-empty')).toBeVisible();
  await expect(page.getByTestId('research-documents-count')).toHaveAttribute('data-count', '0');
  await page.getByTestId('research-load-corpus').click();
  await expect(page.getByTestId('research-documents-count')).not.toHaveAttribute('data-count', '0', { timeout: 15_000 });

  // The form checks the question before sending it.
  await page.getByTestId('research-start').click();
  await expect(page.getByTestId('research-question-error')).toBeVisible();
  await page.getByTestId('research-question').fill(QUESTION);
  await expect(page.getByTestId('research-question-error')).toHaveCount(0);
  await expect(page.getByTestId('research-plan-review')).toBeChecked();
  await page.getByTestId('research-start').click();
  await expect(page).toHaveURL(/\/research\/[0-9a-f-]{36}$/, { timeout: 15_000 });
  const runId = page.url().split('/').pop()!;

  // The plan waits for a reviewer: remove the sandbox sub-question, reword the first, approve.
  const review = page.getByTestId('plan-review');
  await expect(review).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId('research-stage')).toHaveAttribute('data-stage', 'plan_review');
  const items = review.getByTestId('plan-item');
  await expect(items).toHaveCount(4);
  const texts = await review.getByTestId('plan-item-text').evaluateAll((els) => els.map((e) => (e as HTMLTextAreaElement).value));
  const sandbox = texts.findIndex((t) => /isolated/.test(t));
  expect(sandbox).toBeGreaterThanOrEqual(0);
  await items.nth(sandbox).getByTestId('plan-item-remove').click();
  await expect(items).toHaveCount(3);
  await items.nth(0).getByTestId('plan-item-text').fill(EDITED);
  await review.screenshot({ path: join(IMAGES, 'research-plan.png') });
  await review.getByTestId('plan-approve').click();
  await expect(review).toHaveCount(0, { timeout: 15_000 });

  // The graph fills as the run goes: the reviewed plan's sub-questions, then sources and claims.
  const nodes = page.getByTestId('research-node');
  await expect(page.locator('[data-testid=research-node][data-kind=sub_question]')).toHaveCount(3, { timeout: 30_000 });
  await expect(page.locator('[data-testid=research-node][data-kind=sub_question]').first()).toHaveAttribute('aria-label', literally(EDITED));
  await expect(page.locator('[data-testid=research-node][data-kind=source]').first()).toBeVisible({ timeout: 60_000 });
  const seenWhileRunning = await nodes.count();
  await expect(page.getByTestId('research-run')).toHaveAttribute('data-status', 'completed', { timeout: 180_000 });
  await expect(page.locator('[data-testid=research-node][data-kind=claim]').first()).toBeVisible();
  expect(await nodes.count()).toBeGreaterThanOrEqual(seenWhileRunning);

  // The run followed the reviewed plan.
  const view = await api('GET', `/v1/runs/${runId}/research`);
  expect(view.plan.sub_questions).toHaveLength(3);
  expect(view.plan.sub_questions[0]).toBe(EDITED);
  expect(view.plan.sub_questions.some((q: string) => /isolated/.test(q))).toBe(false);

  // A node's detail.
  await page.locator('[data-testid=research-node][data-kind=question]').click();
  await expect(page.getByTestId('research-node-label')).toHaveText(QUESTION);

  // The report: metrics, chips numbered like the bibliography, the export.
  await expect(page.getByTestId('report')).toBeVisible();
  await expect(page.getByTestId('research-metrics')).toBeVisible();
  const chips = page.getByTestId('citation-chip');
  await expect(chips.first()).toBeVisible();
  await expect(page.getByTestId('bibliography-entry').first()).toBeVisible();
  await page.getByTestId('research-node-detail').getByRole('button', { name: 'Show the legend' }).click();
  // The page scrolls inside the shell's main pane: a tall window shows the header, graph, sources and report at once.
  await page.setViewportSize({ width: 1400, height: 1800 });
  await page.getByTestId('research-question').scrollIntoViewIfNeeded();
  await page.waitForTimeout(400); // the graph refits to the new size
  await page.screenshot({ path: join(IMAGES, 'research.png') });
  await page.setViewportSize({ width: 1400, height: 1000 });

  const download = page.waitForEvent('download');
  await page.getByTestId('report-export-md').click();
  const file = await download;
  expect(file.suggestedFilename()).toBe('how-does-omniai-keep-agent-runs-durable-and-safe.md');
  expect(readFileSync((await file.path())!, 'utf8')).toBe(view.report.markdown);

  // Open a verified citation: the claim, its verdict, and the source scrolled to the quote, highlighted.
  const chip = page.locator('[data-testid=citation-chip][data-verdict=supported]').first();
  const claimId = (await chip.getAttribute('data-claim'))!;
  const claim = view.claims.find((c: { id: string }) => c.id === claimId);
  const n = view.report.bibliography.find((b: { source_id: string }) => b.source_id === claim.evidence[0].source_id).n;
  await expect(chip).toHaveText(String(n));
  await chip.click();
  const panel = page.getByTestId('citation-panel');
  await expect(panel).toHaveAttribute('data-claim', claimId);
  await expect(panel.getByTestId('citation-claim')).toHaveText(claim.text);
  await expect(panel.getByTestId('citation-verdict')).toHaveText('verified');
  const mark = panel.getByTestId('citation-highlight');
  await expect(mark).toBeVisible({ timeout: 15_000 });
  expect(norm((await mark.textContent()) ?? '')).toBe(norm(claim.evidence[0].quote));
  await expect(mark).toBeInViewport();
  await expect(panel.getByTestId('citation-offsets-differ')).toHaveCount(0);
  await panel.scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(IMAGES, 'research-citation.png') });

  // The run is listed on the project's Research page.
  await page.getByTestId('back-to-research').click();
  await expect(page.locator(`[data-testid=research-row][data-run-id="${runId}"]`)).toHaveAttribute('data-status', 'completed');
});
