import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, type Page, test } from '@playwright/test';
import { TEST_ADMIN } from '../tools/testing/api-session.mjs';
import { APPROVED_TOOL_RUN, REVIEWER_DENIED_TOOL_RUN } from '../tools/testing/run-shapes.mjs';
import { api, base, projectAndThread, waitForRunStatus } from './helpers.js';

const SCREENSHOTS = join(import.meta.dirname, '..', 'test-results', 'screenshots');
const NO_GRANTS = { grants: [], kill_switch_external_writes: false };

// The tests share one project, the policy set in the first and the runs decided in the first two. Each drives
// a whole tool run (model, reviewer, sandbox container), hence the longer timeout.
test.describe.configure({ mode: 'serial', timeout: 180_000 });
// Tall enough that the inbox's detail panel and the policy form fit in their screenshots.
test.use({ viewport: { width: 1366, height: 1000 } });
test.beforeAll(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await api('PUT', '/v1/policy', NO_GRANTS);
});
// Deny by default again, so that the other test files see the policy they expect.
test.afterAll(async () => {
  await api('PUT', '/v1/policy', NO_GRANTS);
});

let projectId: string;
let threadId: string;
let approvedRunId: string;
let deniedRunId: string;

/** The timeline's rows as kinds, system events by their type (scrolling through the virtual list to see them all). */
async function timelineShape(page: Page): Promise<string[]> {
  const timeline = page.getByTestId('timeline');
  const seen = new Map<number, string>();
  await timeline.evaluate((el) => (el.scrollTop = 0));
  for (let i = 0; i < 50; i++) {
    const rows = await page
      .getByTestId('timeline-event')
      .evaluateAll((els) => els.map((r) => [Number(r.getAttribute('data-seq')), r.getAttribute('data-type') ?? r.getAttribute('data-kind') ?? ''] as const));
    for (const [seq, kind] of rows) seen.set(seq, kind);
    if (await timeline.evaluate((el) => el.scrollTop + el.clientHeight >= el.scrollHeight - 1)) break;
    await timeline.evaluate((el) => (el.scrollTop += el.clientHeight / 2));
    await page.waitForTimeout(50);
  }
  return [...seen.entries()].sort((a, b) => a[0] - b[0]).map(([, kind]) => kind);
}

/** Selects a timeline row, scrolling the virtual list until it is rendered. */
async function openRow(page: Page, selector: string): Promise<void> {
  const timeline = page.getByTestId('timeline');
  const row = page.locator(`[data-testid=timeline-event]${selector}`);
  await expect(page.getByTestId('timeline-event').first()).toBeVisible();
  await timeline.evaluate((el) => (el.scrollTop = 0));
  for (let i = 0; i < 50 && (await row.count()) === 0; i++) {
    await timeline.evaluate((el) => (el.scrollTop += el.clientHeight / 2));
    await page.waitForTimeout(50);
  }
  await row.click();
}

async function pendingApprovalOf(runId: string): Promise<any> {
  for (let i = 0; i < 200; i++) {
    const { items } = await api('GET', `/v1/approvals?run_id=${runId}&status=pending`);
    if (items.length) return items[0];
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`run ${runId} never asked for an approval`);
}

test('policy page grants python_exec with approval; the chat waits; approve in the inbox; the tool runs and prints 5050', async ({ page }) => {
  ({ projectId, threadId } = await projectAndThread('Approvals'));
  // A project-level grant set through the API: the page shows it read-only and saves it back untouched.
  const projectGrant = { level: 'project', subject: projectId, scopes: ['read_web'], require_approval: true };
  await api('PUT', '/v1/policy', { grants: [projectGrant], kill_switch_external_writes: false });

  // Settings → Policy: the registered tool, deny-by-default copy, then grant python_exec with approval required.
  await page.goto(`${base()}/projects`);
  await page.getByTestId('nav-policy').click();
  await expect(page).toHaveURL(/\/settings\/policy$/);
  await expect(page.getByTestId('nav-policy')).toHaveClass(/active/);
  await expect(page.getByTestId('policy-explainer')).toContainText('every scope it needs is granted');
  const tool = page.locator('[data-testid=policy-tool-row][data-tool-id="python.compute"]');
  await expect(tool).toContainText('sandbox container');
  await expect(tool).toContainText('python_exec');
  await expect(tool).toContainText('read');
  await expect(page.getByTestId('policy-other-grant-subject')).toHaveText('project Project: Approvals');
  await expect(page.getByTestId('policy-other-grant-scopes')).toHaveText('read_web · requires approval');
  const scope = page.locator('[data-testid=policy-scope-row][data-scope=python_exec]');
  await expect(scope).toContainText('needed by python.compute');
  await expect(scope.getByTestId('policy-granted')).not.toBeChecked();
  await expect(scope.getByTestId('policy-requires-approval')).toBeDisabled();
  await expect(page.getByTestId('policy-save')).toBeDisabled();
  await scope.getByTestId('policy-granted').check();
  await scope.getByTestId('policy-requires-approval').check();
  await page.getByTestId('policy-timeout-value').fill('2');
  await page.getByTestId('policy-timeout-unit').selectOption({ label: 'hours' });
  await expect(page.getByTestId('policy-timeout-value')).toHaveAttribute('aria-invalid', 'false');
  await expect(page.locator('#policy-timeout-hint')).toHaveText('= 2 h. A call nobody decides in time is denied.');
  await page.screenshot({ path: join(SCREENSHOTS, 'console-policy-settings.png'), fullPage: true });
  const [saved] = await Promise.all([
    page.waitForResponse((r) => r.url() === `${base()}/v1/policy` && r.request().method() === 'PUT'),
    page.getByTestId('policy-save').click(),
  ]);
  expect(saved.status()).toBe(200);
  await expect(page.getByTestId('policy-status')).toHaveText('Policy saved. It applies to tool calls vetted from now on.');
  await expect(page.getByTestId('policy-save')).toBeDisabled();
  expect(await api('GET', '/v1/policy')).toEqual({
    grants: [{ level: 'workspace', subject: '*', scopes: ['python_exec'], require_approval: true }, projectGrant],
    kill_switch_external_writes: false,
    approval_timeout_s: 7200,
  });

  // The composer starts the demo: the model calls python.compute, which now waits for a reviewer.
  await page.goto(`${base()}/projects/${projectId}/threads/${threadId}`);
  await page.getByTestId('composer-input').fill('run the python demo');
  await page.getByTestId('composer-send').click();
  const turn = page.getByTestId('chat-turn').last();
  await expect(turn.getByTestId('waiting-approval')).toHaveText('· waiting for approval: python.compute', { timeout: 30_000 });
  await expect(turn).toHaveAttribute('data-status', 'running');
  approvedRunId = (await turn.getAttribute('data-run-id'))!;
  // The same approval card opens inline in the chat.
  await turn.getByTestId('review-approval').click();
  await expect(turn.getByTestId('approval-card')).toHaveAttribute('data-state', 'pending');
  await expect(turn.getByTestId('approval-card').getByTestId('approve')).toBeVisible();
  await turn.getByTestId('review-approval').click();
  await expect(turn.getByTestId('approval-card')).toHaveCount(0);

  // The inbox: the navigation badge counts it; the row has the tool, project, run link, expiry and risk.
  await expect(page.getByTestId('nav-approvals-badge')).toHaveText('1', { timeout: 10_000 });
  await page.getByTestId('nav-approvals').click();
  await expect(page).toHaveURL(/\/approvals$/);
  await expect(page.getByTestId('approvals-tab-pending')).toHaveAttribute('aria-selected', 'true');
  const row = page.locator(`[data-testid=approval-row][data-run-id="${approvedRunId}"]`);
  await expect(row.getByTestId('approval-row-tool')).toHaveText('python.compute');
  await expect(row.getByTestId('approval-row-project')).toHaveText('Approvals');
  await expect(row.getByTestId('approval-row-expires')).toHaveText(/^expires in 1 h 59 min$/);
  await expect(row.getByTestId('approval-run-link')).toHaveText(`run ${approvedRunId.slice(0, 8)}`);
  await expect(row.getByTestId('risk-side-effect')).toHaveText('reads');
  await expect(row.getByTestId('risk-scope')).toHaveText('python_exec');
  await expect(row.getByTestId('risk-no-egress')).toHaveText('no network');
  await row.click();
  await expect(row).toHaveAttribute('aria-selected', 'true');
  const approval = await pendingApprovalOf(approvedRunId);
  const detail = page.getByTestId('approval-detail');
  // Small arguments come whole with the detail: shown in full and checked against the hash at once.
  await expect(detail.getByTestId('approval-arguments-full')).toContainText('"code": "print(sum(range(1, 101)))"');
  await expect(detail.getByTestId('approval-arguments-verified')).toBeVisible();
  await expect(detail.getByTestId('approve')).toBeEnabled();
  await expect(detail.getByTestId('approval-detail-arguments-hash')).toHaveText(approval.arguments_hash);
  await expect(detail.getByTestId('approval-detail-manifest-hash')).toHaveText(approval.manifest_hash);
  await expect(detail.getByTestId('approval-decisions-empty')).toBeVisible();
  await detail.getByTestId('decision-reason').fill('Sums 1..100, no network: fine');
  await page.screenshot({ path: join(SCREENSHOTS, 'console-approvals-inbox.png') });

  // Keyboard: `d` asks to confirm a denial and Escape backs out; `a` then Enter approves.
  await page.getByTestId('approvals-list').focus();
  await page.keyboard.press('d');
  await expect(detail.getByTestId('decision-confirm')).toBeFocused();
  await expect(detail.getByTestId('decision-confirm')).toHaveText('Deny');
  await page.keyboard.press('Escape');
  await expect(detail.getByTestId('decision-confirm-step')).toHaveCount(0);
  await page.getByTestId('approvals-list').focus();
  await page.keyboard.press('a');
  await expect(detail.getByTestId('decision-confirm')).toBeFocused();
  await expect(detail.getByTestId('decision-confirm-step')).toContainText('Approve this call of python.compute with the reason above?');
  await page.keyboard.press('Enter');
  await expect(detail.getByTestId('approval-detail-decision')).toContainText(`Approved by ${TEST_ADMIN.email}`);
  await expect(detail.getByTestId('approval-detail-decision')).toContainText('“Sums 1..100, no network: fine”');
  await expect(detail.getByTestId('approval-decision-log-row')).toHaveAttribute('data-outcome', 'applied');
  await expect(page.getByTestId('approvals-status')).toHaveText('Approved python.compute.');
  await expect(page.getByTestId('nav-approvals-badge')).toHaveCount(0);
  await waitForRunStatus(approvedRunId, ['completed']);

  // The run link leads to the run: call → approval asked → decided → result → the model's answer.
  await detail.getByTestId('approval-detail-run-link').click();
  await expect(page).toHaveURL(new RegExp(`/threads/${threadId}/runs/${approvedRunId}$`));
  await expect.poll(() => timelineShape(page), { timeout: 15_000 }).toEqual(APPROVED_TOOL_RUN);
  const card = page.getByTestId('selected-event-card');
  await openRow(page, '[data-kind=tool_call]');
  await expect(card.getByTestId('tool-call-tool')).toHaveText('python.compute');
  await expect(card.getByTestId('tool-call-arguments')).toContainText('print(sum(range(1, 101)))');
  await openRow(page, '[data-type=approval_decided]');
  await expect(card.getByTestId('card-approval-decided')).toHaveAttribute('data-status', 'approved');
  await expect(card.getByTestId('decided-reason')).toHaveText('Sums 1..100, no network: fine');
  await openRow(page, '[data-kind=tool_result]');
  await expect(card.getByTestId('stdout')).toHaveText('5050');
  await expect(card.getByTestId('exit-code')).toHaveText('exit 0');
  await expect(card.getByTestId('stderr-empty')).toBeVisible();
  await page.getByTestId('tab-chat').click();
  await expect(page.getByTestId('chat-turn').last().getByTestId('assistant-text')).toContainText('The sum of the numbers from 1 to 100 is 5050');
  await expect(page.getByTestId('chat-turn').last().getByTestId('waiting-approval')).toHaveCount(0);
});

test('deny from the timeline card: a refused (mismatched) decision shows inline, then the run records policy_denied and a tool_error', async ({ page }) => {
  const run = await api('POST', `/v1/threads/${threadId}/runs`, { message: 'run the python demo' });
  deniedRunId = run.id;
  await pendingApprovalOf(deniedRunId);
  await page.goto(`${base()}/projects/${projectId}/threads/${threadId}/runs/${deniedRunId}`);
  await openRow(page, '[data-type=approval_requested]');
  const card = page.getByTestId('selected-event-card').getByTestId('approval-card');
  await expect(card).toHaveAttribute('data-state', 'pending');
  await expect(card.getByTestId('approval-state')).toHaveText('Needs approval');
  await expect(card.getByTestId('approval-tool')).toHaveText('python.compute');
  await expect(card.getByTestId('approval-reason')).toHaveText('The grant for a scope this tool needs requires approval.');
  await expect(card.getByTestId('approval-arguments')).toContainText('print(sum(range(1, 101)))');
  await expect(card.getByTestId('risk-scope')).toHaveText('python_exec');
  await expect(card.getByTestId('approval-expiry')).toContainText(/Expires in 1 h 59 min/);
  await card.getByTestId('decision-reason').fill('Not today');
  await page.screenshot({ path: join(SCREENSHOTS, 'console-approval-card.png') });

  // A decision the API refuses (another arguments hash, e.g. from a stale tab) is explained next to the buttons.
  await page.route('**/v1/approvals/*/decide', (route) =>
    route.fulfill({
      status: 409,
      contentType: 'application/json',
      body: JSON.stringify({
        error: {
          code: 'E_APPROVAL_MISMATCH',
          message: 'This decision names other arguments than the call waiting for approval; reload the approval and decide again.',
          request_id: 'r-1',
        },
      }),
    }),
  );
  await card.getByTestId('deny').click();
  await expect(card.getByTestId('decision-error')).toHaveText(
    'Not decided: This decision names other arguments than the call waiting for approval; reload the approval and decide again. (E_APPROVAL_MISMATCH)',
  );
  await expect(card).toHaveAttribute('data-state', 'pending');
  await page.unroute('**/v1/approvals/*/decide');

  await card.getByTestId('deny').click();
  await expect(card).toHaveAttribute('data-state', 'denied');
  await expect(card.getByTestId('approval-decision')).toContainText(`Denied by ${TEST_ADMIN.email}`);
  await expect(card.getByTestId('approval-decision')).toContainText('“Not today”');
  await waitForRunStatus(deniedRunId, ['completed']);
  await expect.poll(() => timelineShape(page), { timeout: 15_000 }).toEqual(REVIEWER_DENIED_TOOL_RUN);
  const selected = page.getByTestId('selected-event-card');
  await openRow(page, '[data-type=approval_decided]');
  await expect(selected.getByTestId('card-approval-decided')).toHaveAttribute('data-status', 'denied');
  await openRow(page, '[data-type=policy_denied]');
  await expect(selected.getByTestId('card-policy-denied')).toContainText('A reviewer denied python.compute: Not today');
  await expect(selected.getByTestId('policy-denied-reason')).toContainText('approval_denied');
  await openRow(page, '[data-kind=tool_error]');
  await expect(selected.getByTestId('tool-error-code')).toHaveText('E_POLICY_DENIED');
  // The approval card still shows the decision when opened again.
  await openRow(page, '[data-type=approval_requested]');
  await expect(selected.getByTestId('approval-card')).toHaveAttribute('data-state', 'denied');
  await expect(selected.getByTestId('approve')).toHaveCount(0);
});

test('the inbox’s Decided tab lists both decisions; nothing is pending any more', async ({ page }) => {
  await page.goto(`${base()}/approvals`);
  await expect(page.getByTestId('approvals-empty')).toContainText('Nothing waits for a reviewer');
  await page.getByTestId('approvals-tab-decided').click();
  const approved = page.locator(`[data-testid=approval-row][data-run-id="${approvedRunId}"]`);
  const denied = page.locator(`[data-testid=approval-row][data-run-id="${deniedRunId}"]`);
  await expect(approved.getByTestId('approval-row-status')).toHaveText('Approved');
  await expect(denied.getByTestId('approval-row-status')).toHaveText('Denied');
  // Newest first; arrow keys move the selection and the detail follows.
  await expect(page.getByTestId('approval-row').first()).toHaveAttribute('data-run-id', deniedRunId);
  await expect(denied).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByTestId('approval-detail-decision')).toContainText(`Denied by ${TEST_ADMIN.email}`);
  await page.getByTestId('approvals-list').focus();
  await page.keyboard.press('ArrowDown');
  await expect(approved).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByTestId('approval-detail-decision')).toContainText(`Approved by ${TEST_ADMIN.email}`);
  // `a` on a decided approval does nothing but say so.
  await page.keyboard.press('a');
  await expect(page.getByTestId('decision-confirm-step')).toHaveCount(0);
  await expect(page.getByTestId('approvals-status')).toHaveText('The selected approval is not pending.');
  await page.getByTestId('approvals-tab-all').click();
  await expect(page.getByTestId('approval-row')).toHaveCount(2);
  await expect(page.getByTestId('nav-approvals-badge')).toHaveCount(0);
});

test('long arguments: the preview says it is cut, Approve waits until the full arguments are open and match the hash (D42)', async ({ page }) => {
  const run = await api('POST', `/v1/threads/${threadId}/runs`, { message: 'run the long python demo' });
  const approval = await pendingApprovalOf(run.id);
  await page.goto(`${base()}/approvals?id=${encodeURIComponent(approval.id)}`);
  const detail = page.getByTestId('approval-detail');
  await expect(detail.getByTestId('approval-detail-status')).toHaveText('Pending');
  // Only a preview so far: loudly marked, the full size named, Approve off (Deny stays available).
  const truncated = detail.getByTestId('approval-arguments-truncated');
  await expect(truncated).toContainText('Truncated in preview');
  await expect(truncated).toContainText(/the full arguments are [\d,]+ bytes/);
  await expect(detail.getByTestId('approval-arguments-preview')).toContainText('bypass, passage');
  await expect(detail.getByTestId('approval-arguments-full')).toHaveCount(0);
  await expect(detail.getByTestId('approve')).toBeDisabled();
  await expect(detail.getByTestId('deny')).toBeEnabled();
  await expect(detail.getByTestId('approve-blocked')).toBeVisible();
  // The keyboard cannot get around it either.
  await page.getByTestId('approvals-list').focus();
  await page.keyboard.press('a');
  await expect(detail.getByTestId('decision-confirm-step')).toHaveCount(0);

  // Open full: the artifact is loaded, shown whole (to its last value) and its sha256 recomputed in the browser.
  await detail.getByTestId('approval-arguments-open-full').click();
  const full = detail.getByTestId('approval-arguments-full');
  await expect(full).toContainText('1197, 1198, 1199]');
  await expect(full).toContainText('print(sum(values))');
  await expect(detail.getByTestId('approval-arguments-verified')).toBeVisible();
  await expect(detail.getByTestId('approval-arguments-verified')).toHaveAttribute('title', approval.arguments_hash);
  await expect(detail.getByTestId('approval-arguments-bytes')).toHaveText(/^Full arguments · [\d,]+ bytes$/);
  expect(await full.evaluate((el) => el.scrollHeight > el.clientHeight)).toBe(true); // scrollable, not cut
  await expect(detail.getByTestId('approve')).toBeEnabled();
  await expect(detail.getByTestId('approve-blocked')).toHaveCount(0);
  // docs/images/console-approval-full-arguments.png is a copy of this one.
  await page.screenshot({ path: join(SCREENSHOTS, 'console-approval-full-arguments.png') });

  await detail.getByTestId('approve').click();
  await expect(detail.getByTestId('approval-detail-decision')).toContainText(`Approved by ${TEST_ADMIN.email}`);
  await waitForRunStatus(run.id, ['completed']);
});
