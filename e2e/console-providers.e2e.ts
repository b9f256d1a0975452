import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, type Page, test } from '@playwright/test';
import { api, base, projectAndThread } from './helpers.js';

const SCREENSHOTS = join(import.meta.dirname, '..', 'test-results', 'screenshots');
test.beforeAll(() => mkdirSync(SCREENSHOTS, { recursive: true }));

const card = (page: Page, id: string) => page.locator(`[data-testid=provider-card][data-provider-id="${id}"]`);

/** Submits the form and returns the created provider's id (from the API's answer, which must not hold the key). */
async function submitProvider(page: Page, canary?: string): Promise<string> {
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.url() === `${base()}/v1/providers` && r.request().method() === 'POST'),
    page.getByTestId('provider-submit').click(),
  ]);
  expect(response.status()).toBe(201);
  const text = await response.text();
  if (canary) expect(text).not.toContain(canary);
  return (JSON.parse(text) as { id: string }).id;
}

test('settings → providers: offline card, add Ollama and OpenAI, the key never comes back, pick, delete, validate', async ({ page }) => {
  const canary = `sk-canary-${randomBytes(12).toString('hex')}`;
  const { projectId, threadId } = await projectAndThread('Provider settings');

  await page.goto(`${base()}/projects`);
  await page.getByTestId('nav-providers').click();
  await expect(page).toHaveURL(/\/settings\/providers$/);
  await expect(page.getByTestId('nav-providers')).toHaveClass(/active/);
  const offline = page.getByTestId('provider-offline');
  await expect(offline).toBeVisible();
  await expect(offline.getByTestId('provider-offline-label')).toHaveText('Offline · scripted, deterministic, no key');
  await expect(offline.getByRole('button')).toHaveCount(0); // built in: nothing to delete
  await expect(page.getByTestId('provider-form')).toBeVisible();

  // Ollama, scoped to the project: no key field, the preset's label and address prefilled.
  await page.getByTestId('provider-preset-select').selectOption('ollama');
  await expect(page.getByTestId('preset-local-badge')).toHaveText('local');
  await expect(page.getByTestId('provider-preset-select').locator('option[value=ollama]')).toHaveText('Ollama — local');
  await expect(page.getByTestId('provider-name-input')).toHaveValue('Ollama');
  await expect(page.getByTestId('provider-key-input')).toHaveCount(0);
  await expect(page.getByTestId('provider-base-url-input')).toHaveAttribute('placeholder', 'http://127.0.0.1:11434/v1');
  await page.getByTestId('provider-project-select').selectOption(projectId);
  const ollamaId = await submitProvider(page);
  const ollama = card(page, ollamaId);
  await expect(ollama.getByTestId('provider-name')).toHaveText('Ollama');
  await expect(ollama.getByTestId('provider-key')).toHaveText('no key');
  await expect(ollama.getByTestId('provider-scope')).toHaveText('Project: Provider settings');
  await expect(ollama.getByTestId('provider-base-url')).toHaveText('http://127.0.0.1:11434/v1');
  await expect(page.getByTestId('providers-status')).toHaveText('Added “Ollama”.');

  // OpenAI with a canary key: the list shows a fingerprint, the key field is empty again.
  await page.getByTestId('provider-preset-select').selectOption('openai');
  await expect(page.getByTestId('provider-name-input')).toHaveValue('OpenAI');
  await expect(page.getByTestId('provider-key-input')).toHaveAttribute('type', 'password');
  await page.getByTestId('provider-name-input').fill('E2E OpenAI');
  await page.getByTestId('provider-key-input').fill(canary);
  const openaiId = await submitProvider(page, canary);
  const openai = card(page, openaiId);
  // The fingerprint is an HMAC under the install's salt (D41): read it from the API, and check it is not the plain hash.
  const stored = ((await api('GET', '/v1/providers')) as { items: Array<{ id: string; key_fingerprint: string | null }> }).items;
  const fingerprint = stored.find((p) => p.id === openaiId)!.key_fingerprint!;
  expect(fingerprint).toMatch(/^[0-9a-f]{12}$/);
  expect(fingerprint).not.toBe(createHash('sha256').update(canary).digest('hex').slice(0, 12));
  await expect(openai.getByTestId('provider-name')).toHaveText('E2E OpenAI');
  await expect(openai.getByTestId('provider-preset')).toHaveText('OpenAI');
  await expect(openai.getByTestId('provider-key')).toHaveText(`key ••• ${fingerprint}`);
  await expect(openai.getByTestId('provider-scope')).toHaveText('Whole workspace');
  await expect(openai.getByTestId('provider-base-url')).toHaveText('https://api.openai.com/v1');
  await expect(page.getByTestId('provider-key-input')).toHaveValue('');
  await expect(page.getByTestId('provider-name-input')).toHaveValue('OpenAI');

  // The canary is nowhere: not in the page's HTML, not in any field, not in what the API lists.
  expect(await page.content()).not.toContain(canary);
  expect(await page.locator('input').evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value).join('\n'))).not.toContain(canary);
  const listed = JSON.stringify(await api('GET', '/v1/providers'));
  expect(listed).toContain(fingerprint);
  expect(listed).not.toContain(canary);
  await page.locator('main').evaluate((el) => (el.scrollTop = 0)); // the form's submit scrolled the pane
  await page.screenshot({ path: join(SCREENSHOTS, 'console-provider-settings.png'), fullPage: true });

  // The thread's model picker sees both, without a reload.
  await page.getByTestId('nav-projects').click();
  await page.getByTestId('project-item').filter({ hasText: 'Provider settings' }).click();
  await page.locator(`a[data-testid=thread-item][href$="/threads/${threadId}"]`).click();
  const picker = page.getByTestId('provider-select');
  await expect(picker.locator(`option[value="${openaiId}"]`)).toHaveText('E2E OpenAI · openai');
  await expect(picker.locator(`option[value="${ollamaId}"]`)).toHaveText('Ollama · ollama');
  await picker.selectOption(openaiId);
  await expect(page.getByTestId('model-input')).toBeEnabled();
  await expect(page.getByTestId('offline-label')).toHaveCount(0);
  await page.screenshot({ path: join(SCREENSHOTS, 'console-provider-picker.png') });
  await picker.selectOption(ollamaId); // the thread remembers Ollama, which is deleted next
  await page.getByTestId('model-input').fill('llama3.2');
  await page.getByTestId('model-input').press('Tab');

  // Delete Ollama: behind a confirm step that Escape backs out of, keyboard first.
  await page.getByTestId('manage-providers').click();
  await expect(page).toHaveURL(/\/settings\/providers$/);
  await ollama.getByTestId('provider-delete').click();
  await expect(ollama.getByTestId('provider-delete-confirm')).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(ollama.getByTestId('provider-delete-confirm')).toHaveCount(0);
  await expect(ollama.getByTestId('provider-delete')).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(ollama.getByTestId('provider-delete-confirm')).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(ollama).toHaveCount(0);
  await expect(page.getByTestId('providers-status')).toHaveText('Deleted “Ollama”.');
  await expect(openai).toBeVisible();
  const remaining = (await api('GET', '/v1/providers')) as { items: { id: string }[] };
  expect(remaining.items.map((p) => p.id)).not.toContain(ollamaId);

  // Back in the thread (no reload): the deleted provider is flagged, not silently used or swapped.
  await page.goBack();
  await expect(page.getByTestId('provider-missing')).toHaveText('This provider was deleted: pick another model.');
  await expect(picker.locator(`option[value="${ollamaId}"]`)).toHaveText('Deleted provider');
  await page.getByTestId('composer-input').fill('hello?');
  await expect(page.getByTestId('composer-send')).toBeDisabled();
  await picker.selectOption(openaiId);
  await expect(page.getByTestId('provider-missing')).toHaveCount(0);
  await expect(picker.locator(`option[value="${ollamaId}"]`)).toHaveCount(0);
  await page.goForward();

  // OpenAI without a key: refused inline, in the browser, nothing sent.
  let posted = 0;
  page.on('request', (r) => void (r.method() === 'POST' && r.url().endsWith('/v1/providers') && posted++));
  await page.getByTestId('provider-preset-select').selectOption('openai');
  await page.getByTestId('provider-submit').click();
  await expect(page.getByTestId('provider-key-error')).toHaveText('OpenAI needs an API key.');
  await expect(page.getByTestId('provider-key-input')).toBeFocused();
  await expect(page.getByTestId('provider-key-input')).toHaveAttribute('aria-invalid', 'true');
  expect(posted).toBe(0);
  await page.screenshot({ path: join(SCREENSHOTS, 'console-provider-settings-validation.png'), fullPage: true });
});

test('providers page: loading and empty states, server errors next to the form, dark theme', async ({ page }) => {
  // Hold the list back, then answer it empty, to see both states whatever other tests configured.
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.route(`${base()}/v1/providers`, async (route) => {
    if (route.request().method() !== 'GET') return route.fallback();
    await held;
    await route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify({ items: [] }) });
  });
  await page.goto(`${base()}/settings/providers`);
  await expect(page.getByTestId('providers-loading').first()).toBeVisible();
  await expect(page.getByTestId('provider-offline')).toBeVisible();
  release();
  await expect(page.getByTestId('providers-empty')).toBeVisible();
  await expect(page.getByTestId('providers-loading')).toHaveCount(0);

  // The envelope's message and field details appear next to the form (an answer the console cannot produce itself).
  await page.route(`${base()}/v1/providers`, (route) =>
    route.request().method() === 'POST'
      ? route.fulfill({
          status: 400,
          contentType: 'application/json',
          body: JSON.stringify({
            error: { code: 'E_VALIDATION', message: 'The request is not valid.', detail: [{ path: 'base_url', message: 'Invalid URL' }], request_id: 'r-1' },
          }),
        })
      : route.fallback(),
  );
  await page.getByTestId('provider-preset-select').selectOption('lmstudio');
  await page.getByTestId('provider-base-url-input').fill('http://127.0.0.1:1234/v1');
  await page.getByTestId('provider-submit').click();
  await expect(page.getByTestId('provider-form-error')).toContainText('The request is not valid.');
  await expect(page.getByTestId('provider-form-issue')).toHaveText('base_url: Invalid URL');
  await expect(page.getByTestId('provider-base-url-error')).toHaveText('Invalid URL');

  await page.getByTestId('theme-toggle').click();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await page.screenshot({ path: join(SCREENSHOTS, 'console-provider-settings-dark.png'), fullPage: true });
});
