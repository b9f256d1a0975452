import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DeterminismViolationError } from '@temporalio/workflow';
import { Worker } from '@temporalio/worker';
import { sourceBundlerOptions } from '../testing';
import { historyFromFile } from '../verify/verify-run';

// Histories of mcpCheckWorkflow recorded from real checks (workflows/src/mcp-check/histories, recorded by
// apps/worker/src/mcp-hub/record-mcp-check-histories.int-spec.ts): a change to the workflow that would break checks
// in flight (a periodic check may be running at a deploy) fails here first: guard such a change with `patched()`.
const HISTORIES_DIR = join(__dirname, '..', '..', '..', '..', 'workflows', 'src', 'mcp-check', 'histories');
const histories = readdirSync(HISTORIES_DIR)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => ({ name: f, history: historyFromFile(JSON.parse(readFileSync(join(HISTORIES_DIR, f), 'utf8'))) }));
const bundlerOptions = sourceBundlerOptions as never;

describe('replay of committed MCP check histories', () => {
  it('has the histories of a listed server and of a refused one', () => {
    expect(histories.map((h) => h.name)).toEqual(['mcp-check-egress-refused.json', 'mcp-check-listed.json']);
  });

  it('replays every committed history against the current workflow', async () => {
    const results = Worker.runReplayHistories(
      { workflowsPath: require.resolve('@omniai/workflows'), bundlerOptions },
      histories.map((h) => ({ workflowId: h.name, history: h.history })),
    );
    const outcomes: Array<[string, unknown]> = [];
    for await (const r of results) outcomes.push([r.workflowId, r.error]);
    expect(outcomes).toEqual(histories.map((h) => [h.name, undefined]));
  });

  it('holds only the server id, never a header value or a URL with credentials', () => {
    for (const h of histories) {
      const input = h.history.events![0]!.workflowExecutionStartedEventAttributes!.input!.payloads![0]!;
      expect(JSON.parse(Buffer.from(input.data!).toString('utf8'))).toEqual({ server_id: 'docs', reason: expect.any(String) });
    }
  });

  it('fails with DeterminismViolationError on every history when the workflow changes incompatibly', async () => {
    const results = Worker.runReplayHistories(
      { workflowsPath: require.resolve('./fixtures/changed-mcp-check.workflow'), bundlerOptions },
      histories.map((h) => ({ workflowId: h.name, history: h.history })),
    );
    const failures: Array<[string, boolean]> = [];
    for await (const r of results) failures.push([r.workflowId, r.error instanceof DeterminismViolationError]);
    expect(failures).toEqual(histories.map((h) => [h.name, true]));
  });
});
