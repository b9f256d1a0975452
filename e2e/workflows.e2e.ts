import { join } from 'node:path';
import { expect, type Locator, type Page, test } from '@playwright/test';
import { api, base, waitForRunStatus } from './helpers.js';

const IMAGES = join(import.meta.dirname, '..', 'docs', 'images');
const NO_GRANTS = { grants: [], kill_switch_external_writes: false };
// documents.search (over the project's documents) runs in-process and offline and only reads: granted without approval, so
// the graph's only gate is its own approval node (a tool that writes always needs a reviewer).
const FILE_GRANTS = {
  grants: [{ level: 'workspace', subject: '*', scopes: ['read_files'], require_approval: false }],
  kill_switch_external_writes: false,
};

test.describe.configure({ mode: 'serial', timeout: 180_000 });
test.use({ viewport: { width: 1280, height: 800 } });
test.beforeEach(async ({ page }) => {
  // Screenshots in the light theme whatever the machine prefers.
  await page.addInitScript(() => localStorage.setItem('omni.theme', 'light'));
});
test.beforeAll(async () => {
  await api('PUT', '/v1/policy', FILE_GRANTS);
});
test.afterAll(async () => {
  await api('PUT', '/v1/policy', NO_GRANTS);
});

/** Drags a palette kind onto the canvas so that the node's middle lands at (x, y) of the canvas. */
async function dropNode(page: Page, kind: string, x: number, y: number): Promise<void> {
  await page.getByTestId(`palette-${kind}`).dragTo(page.getByTestId('graph-canvas'), { targetPosition: { x, y } });
}

const node = (page: Page, id: string): Locator => page.locator(`[data-testid=graph-node][data-node-id="${id}"]`);

/** Drags from a node's port handle to another node's input handle (the mouse, as a user does). */
async function connectPorts(page: Page, from: string, port: string, to: string): Promise<void> {
  const source = page.locator(`[data-testid=handle-out][data-node-id="${from}"][data-port="${port}"]`);
  const target = page.locator(`[data-testid=handle-in][data-node-id="${to}"]`);
  const a = (await source.boundingBox())!;
  const b = (await target.boundingBox())!;
  await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
  await page.mouse.down();
  await page.mouse.move((a.x + b.x) / 2, (a.y + b.y) / 2 + 20, { steps: 8 });
  await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2, { steps: 8 });
  await page.mouse.up();
  await expect(page.locator(`[data-testid=graph-edge][data-edge="${from}:${port}->${to}"]`)).toHaveCount(1);
}

/** Clicks an edge half way along its path (where a user aims; an SVG path's bounding box centre may miss it). */
async function clickEdge(page: Page, from: string, port: string, to: string): Promise<void> {
  const at = await page.locator(`[data-testid=graph-edge][data-edge="${from}:${port}->${to}"]`).evaluate((el) => {
    const path = el as SVGPathElement;
    const p = path.getPointAtLength(path.getTotalLength() / 2);
    const m = path.getScreenCTM()!;
    return { x: p.x * m.a + p.y * m.c + m.e, y: p.x * m.b + p.y * m.d + m.f };
  });
  await page.mouse.click(at.x, at.y);
}

/** Sets a JSON box of the inspector (the whole text, replaced). */
async function fillJson(page: Page, field: string, value: unknown): Promise<void> {
  const box = page.getByTestId(`inspector-${field}`);
  await box.fill(JSON.stringify(value, null, 2));
  await expect(page.getByTestId(`inspector-${field}-error`)).toHaveCount(0);
}

let projectId: string;
let graphId: string;
let runId: string;

test('build a four-node graph by dragging from the palette and connecting ports, then save it', async ({ page }) => {
  projectId = (await api('POST', '/v1/projects', { name: 'Workflows' })).id;
  await page.goto(`${base()}/projects/${projectId}`);
  await page.getByTestId('nav-workflows').click();
  await expect(page).toHaveURL(new RegExp(`/projects/${projectId}/workflows$`));
  await expect(page.getByTestId('workflows-empty')).toBeVisible();
  // Templates are offered (they run offline); this test draws its own graph.
  await page.getByTestId('new-from-template').click();
  await expect(page.getByTestId('graph-template')).toHaveCount(3);
  await page.getByTestId('new-workflow').click();
  await expect(page).toHaveURL(new RegExp(`/projects/${projectId}/workflows/new$`));
  await expect(page.getByTestId('canvas-empty')).toBeVisible();
  await page.getByTestId('graph-name').fill('Search, review, search again');

  // tool (documents.search) → approval (the reviewer refines the query in a form) → tool (documents.search) → output, each dragged
  // onto the canvas.
  await dropNode(page, 'tool', 130, 90);
  await expect(node(page, 'tool_1')).toBeVisible();
  await expect(page.getByTestId('node-inspector')).toHaveAttribute('data-node-id', 'tool_1');
  await page.getByTestId('inspector-tool').selectOption('documents.search');
  await fillJson(page, 'arguments', { query: '{{ input.topic }}', limit: 3 });
  await expect(node(page, 'tool_1')).toContainText('documents.search');

  await dropNode(page, 'approval', 420, 90);
  await expect(node(page, 'approval_1')).toBeVisible();
  await page.getByTestId('inspector-title').fill('Refine the search?');
  await fillJson(page, 'form_schema', { type: 'object', properties: { query: { type: 'string', title: 'Refined query' } }, required: ['query'] });
  await page.getByTestId('inspector-show-mode-json').click();
  await fillJson(page, 'show', { topic: '{{ input.topic }}', results: '{{ nodes.tool_1.output.results }}' });

  await dropNode(page, 'tool', 130, 330);
  await expect(node(page, 'tool_2')).toBeVisible();
  await page.getByTestId('inspector-tool').selectOption('documents.search');
  await fillJson(page, 'arguments', { query: '{{ nodes.approval_1.output.query }}' });

  await dropNode(page, 'output', 420, 330);
  await expect(node(page, 'output_1')).toBeVisible();
  await page.getByTestId('inspector-value-mode-json').click();
  await fillJson(page, 'value', { topic: '{{ input.topic }}', refined: '{{ nodes.approval_1.output.query }}', results: '{{ nodes.tool_2.output.results }}' });

  // An unconnected graph has issues pinned on its nodes.
  await expect(page.getByTestId('graph-issues')).not.toHaveAttribute('data-errors', '0');

  await connectPorts(page, 'tool_1', 'out', 'approval_1');
  await connectPorts(page, 'approval_1', 'out', 'tool_2');
  await connectPorts(page, 'tool_2', 'out', 'output_1');
  await expect(page.getByTestId('graph-edge')).toHaveCount(3);

  // Undo / redo the last connection from the keyboard.
  await page.getByTestId('graph-canvas').click({ position: { x: 560, y: 560 } });
  await page.keyboard.press('Control+z');
  await expect(page.getByTestId('graph-edge')).toHaveCount(2);
  await page.keyboard.press('Control+Shift+z');
  await expect(page.getByTestId('graph-edge')).toHaveCount(3);

  // Valid in the browser and by the API (tools exist, the policy allows them): no errors anywhere.
  await expect(page.getByTestId('graph-issues')).toHaveAttribute('data-errors', '0', { timeout: 10_000 });
  await expect(page.locator('[data-testid=graph-node][data-issues]:not([data-issues="0"]) .gissues')).toHaveCount(0);

  // Click an edge: its inspector; a condition is checked as it is typed, marked "if" on the canvas and undoable.
  const firstEdge = page.locator('[data-testid=graph-edge][data-edge="tool_1:out->approval_1"]');
  await clickEdge(page, 'tool_1', 'out', 'approval_1');
  await expect(page.getByTestId('edge-inspector')).toContainText('tool_1 → approval_1');
  await expect(firstEdge).toHaveClass(/selected/);
  const condition = page.getByTestId('edge-condition-input');
  await condition.fill('{ "method": [1] }');
  await expect(page.getByTestId('edge-condition-error')).toContainText('unknown operator');
  await expect(page.getByTestId('graph-edge-condition')).toHaveCount(0);
  await condition.fill('{ "!!": [{ "var": "nodes.tool_1.output" }] }');
  await expect(page.getByTestId('edge-condition-error')).toHaveCount(0);
  await expect(page.getByTestId('graph-edge-condition')).toHaveCount(1);
  await expect(page.locator('[data-testid=graph-edge-label]:has([data-testid=graph-edge-condition])')).toHaveAttribute('title', /nodes\.tool_1\.output/);
  await page.getByTestId('edge-remove-condition').click();
  await expect(page.getByTestId('graph-edge-condition')).toHaveCount(0);
  await page.getByTestId('undo').click();
  await expect(page.getByTestId('graph-edge-condition')).toHaveCount(1);
  await expect(condition).toHaveValue(/nodes\.tool_1\.output/);
  await page.getByTestId('redo').click();
  await expect(page.getByTestId('graph-edge-condition')).toHaveCount(0);
  await expect(condition).toHaveValue('');
  // Delete removes the selected edge; undo brings it back.
  await page.keyboard.press('Delete');
  await expect(page.getByTestId('graph-edge')).toHaveCount(2);
  await page.keyboard.press('Control+z');
  await expect(page.getByTestId('graph-edge')).toHaveCount(3);

  await page.getByTestId('auto-layout').click();
  await node(page, 'approval_1').click();
  await expect(page.getByTestId('node-inspector')).toHaveAttribute('data-node-id', 'approval_1');
  await page.waitForTimeout(400);
  await page.screenshot({ path: join(IMAGES, 'graph-builder.png') });

  await page.getByTestId('save-note').fill('First draft');
  await page.getByTestId('save-graph').click();
  await expect(page).toHaveURL(new RegExp(`/projects/${projectId}/workflows/[0-9a-f-]{36}$`));
  graphId = page.url().split('/').pop()!;
  await expect(page.getByTestId('graph-version')).toHaveText('v1');
  const detail = await api('GET', `/v1/graphs/${graphId}`);
  expect(detail.version.version).toBe(1);
  expect(detail.version.note).toBe('First draft');
  expect(detail.version.spec.nodes.map((n: { id: string; kind: string }) => `${n.id}:${n.kind}`)).toEqual([
    'tool_1:tool',
    'approval_1:approval',
    'tool_2:tool',
    'output_1:output',
  ]);
  expect(detail.version.spec.edges).toEqual([
    { from: 'tool_1', to: 'approval_1', port: 'out' },
    { from: 'approval_1', to: 'tool_2', port: 'out' },
    { from: 'tool_2', to: 'output_1', port: 'out' },
  ]);

  // The list shows it, never run yet.
  await page.getByTestId('back-to-workflows').click();
  const row = page.locator(`[data-testid=workflow-row][data-graph-id="${graphId}"]`);
  await expect(row).toContainText('Search, review, search again');
  await expect(row.getByTestId('workflow-last-run')).toHaveText('never run');
});

test('run it, approve the approval node from the inbox with its form, and see every node complete', async ({ page }) => {
  await page.goto(`${base()}/projects/${projectId}/workflows/${graphId}`);
  await expect(node(page, 'tool_1')).toBeVisible();
  await page.getByTestId('run-graph').click();
  const dialog = page.getByTestId('run-dialog');
  await expect(dialog).toBeVisible();
  await dialog.getByTestId('run-input').fill(JSON.stringify({ topic: 'quarterly report' }));
  await dialog.getByTestId('run-start').click();
  await expect(page).toHaveURL(new RegExp(`/workflows/${graphId}/runs/[0-9a-f-]{36}$`));
  runId = page.url().split('/').pop()!;

  // Live states: the search runs, then the gate waits for a reviewer.
  await expect(node(page, 'tool_1')).toHaveAttribute('data-status', 'completed', { timeout: 60_000 });
  await expect(node(page, 'approval_1')).toHaveAttribute('data-status', 'waiting_approval', { timeout: 30_000 });
  await expect(node(page, 'tool_2')).toHaveAttribute('data-status', 'pending');

  // The waiting node links to the inbox, where the approval shows the node's title, data and form.
  await page.getByTestId('graph-run-open-inbox').first().click();
  await expect(page).toHaveURL(/\/approvals/);
  const detail = page.getByTestId('approval-detail');
  await expect(detail.getByTestId('graph-gate-title')).toHaveText('Refine the search?');
  await expect(detail.getByTestId('graph-gate-show')).toContainText('quarterly report');
  await expect(detail.getByTestId('approval-arguments-verified')).toBeVisible();
  // The form's required query keeps Approve off until it is filled in.
  await expect(detail.getByTestId('approve')).toBeDisabled();
  await detail.getByTestId('gate-field-query').fill('annual report');
  await expect(detail.getByTestId('approve')).toBeEnabled();
  await detail.getByTestId('approve').click();
  await expect(detail.getByTestId('approval-detail-decision')).toContainText('Approved');

  await waitForRunStatus(runId, ['completed'], 60_000);
  await detail.getByTestId('approval-detail-run-link').click();
  await expect(page).toHaveURL(new RegExp(`/workflows/${graphId}/runs/${runId}$`));
  for (const id of ['tool_1', 'approval_1', 'tool_2', 'output_1'])
    await expect(node(page, id)).toHaveAttribute('data-status', 'completed', { timeout: 30_000 });
  await expect(page.getByTestId('graph-run-status')).toContainText('completed');
  await expect(page.getByTestId('graph-run-progress')).toHaveText('4 of 4 nodes done');

  // The drawer: the approval node's output is the reviewer's form; its events are listed.
  await node(page, 'approval_1').click();
  const drawer = page.getByTestId('node-drawer');
  await expect(drawer.getByTestId('node-drawer-status')).toHaveAttribute('data-status', 'completed');
  await expect(drawer.getByTestId('node-drawer-output')).toContainText('annual report');
  await expect(drawer.getByTestId('node-drawer-events').locator('li')).not.toHaveCount(0);
  await page.waitForTimeout(300);
  await page.screenshot({ path: join(IMAGES, 'graph-run.png') });

  const nodes = await api('GET', `/v1/runs/${runId}/nodes`);
  expect(nodes.nodes.map((n: { node_id: string; status: string }) => `${n.node_id}:${n.status}`)).toEqual([
    'tool_1:completed',
    'approval_1:completed',
    'tool_2:completed',
    'output_1:completed',
  ]);

  // The list's last run is this one.
  await page.goto(`${base()}/projects/${projectId}/workflows`);
  await expect(page.locator(`[data-testid=workflow-row][data-graph-id="${graphId}"]`).getByTestId('workflow-last-run')).toContainText('completed');
});
