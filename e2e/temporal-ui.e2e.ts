import { randomUUID } from 'node:crypto';
import { expect, test } from '@playwright/test';
import { api, projectAndThread, waitForRunStatus } from './helpers.js';

// Temporal holds only ciphertext (D45): the Temporal UI, reached through the API's /temporal/ proxy with an admin
// session, opens the payloads with the API's codec endpoint and shows the plaintext; without a session the UI is not
// there at all.
test('the Temporal UI, reached as an admin, shows a run’s payloads in plaintext through the codec endpoint', async ({ page }) => {
  const canary = `codec-canary-${randomUUID().slice(0, 8)}`;
  const { threadId } = await projectAndThread('Temporal UI');
  const run = await api('POST', `/v1/threads/${threadId}/runs`, { message: `say ${canary}`, pins: { params: { delay_ms: 0, reply_words: 3 } } });
  await waitForRunStatus(run.id, ['completed']);

  await page.goto(`${process.env['OMNI_E2E_TEMPORAL_UI']}/namespaces/default/workflows/run-${run.id}`);
  // The input card of the workflow page: decoded by the codec endpoint, so the message is readable.
  await expect(page.getByText(canary).first()).toBeVisible({ timeout: 30_000 });
  await expect(page.getByText('binary/encrypted')).toHaveCount(0);
  await page.screenshot({ path: 'test-results/e2e/temporal-ui-decoded.png' });
});

test('without an admin session the Temporal UI is not served', async ({ browser }) => {
  const context = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const res = await context.request.get(`${process.env['OMNI_E2E_TEMPORAL_UI']}/`);
  expect(res.status()).toBe(404);
  await context.close();
});
