import type { Run } from '@omniai/contracts';
import { toolNameOf } from './mcp-catalog';
import { outcomeText, taskOf } from './run-outcome';

const run = (over: Partial<Run>): Run =>
  ({
    id: '6f1c2a9e-0b1d-4c55-9a44-1d2e3f405060',
    kind: 'graph',
    status: 'running',
    error: null,
    created_at: '2026-12-03T10:00:00.000Z',
    started_at: '2026-12-03T10:00:01.000Z',
    ended_at: null,
    ...over,
  }) as Run;

describe('MCP tool names', () => {
  it('keep to the spec characters, read as the name and stay distinct by id', () => {
    expect(toolNameOf('graph', 'Ticket triage (v2)!', '6f1c2a9e-0b1d-4c55-9a44-1d2e3f405060')).toBe('graph_ticket_triage_v2_6f1c2a9e');
    expect(toolNameOf('agent', 'Café — support', 'abcdef01-0000-4000-8000-000000000000')).toBe('agent_cafe_support_abcdef01');
    expect(toolNameOf('graph', '日本語', 'abcdef01-0000-4000-8000-000000000000')).toBe('graph_abcdef01');
    expect(toolNameOf('graph', 'x'.repeat(300), 'abcdef01-0000-4000-8000-000000000000')).toMatch(/^[A-Za-z0-9_.-]{1,128}$/);
  });
});

describe('runs as MCP tasks', () => {
  it('maps run statuses, and a pending approval or a paused run to input_required', () => {
    expect(taskOf(run({ status: 'queued' }))).toMatchObject({ taskId: run({}).id, status: 'working', ttl: null, pollInterval: 500 });
    expect(taskOf(run({}), [{ id: `${run({}).id}.gate.1`, tool_id: 'graph.approval', arguments_hash: 'a'.repeat(64), arguments_redacted: {} }])).toMatchObject({
      status: 'input_required',
      statusMessage: expect.stringContaining('approvals_decide'),
    });
    expect(taskOf(run({ status: 'paused' })).status).toBe('input_required');
    expect(taskOf(run({ status: 'completed', ended_at: '2026-12-03T10:00:05.000Z' }))).toMatchObject({
      status: 'completed',
      lastUpdatedAt: '2026-12-03T10:00:05.000Z',
    });
    expect(taskOf(run({ status: 'failed', error: { code: 'E_TOOL_FAILED', message: 'boom' } }))).toMatchObject({
      status: 'failed',
      statusMessage: 'E_TOOL_FAILED: boom',
    });
  });

  it('says what to do next in the text of an unfinished outcome', () => {
    expect(outcomeText({ run_id: 'r1', kind: 'graph', status: 'running' })).toContain('runs_get');
    expect(outcomeText({ run_id: 'r1', kind: 'chat', status: 'completed', answer: 'hi' })).toBe('hi');
  });
});
