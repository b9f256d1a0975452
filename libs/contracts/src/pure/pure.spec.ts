import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RunEvent, SystemEventPayload } from '../run-events';
import { runStatusAfter, SYSTEM_EVENT_TYPES } from '.';

const RUN = '00000000-0000-4000-8000-000000000001';
const event = (payload: unknown) => ({
  event_id: '00000000-0000-4000-8000-000000000002',
  run_id: RUN,
  seq: 3,
  ts: '2026-12-01T00:00:00.000Z',
  actor: { type: 'service', id: 'omni-worker' },
  correlation_id: RUN,
  causation_id: null,
  schema_version: 1,
  kind: 'system_event',
  payload,
});

describe('@omniai/contracts/pure', () => {
  it('imports nothing at run time but its own files (the workflow and console bundles stay zod-free)', () => {
    const dir = __dirname;
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.endsWith('.spec.ts'))) {
      const imports = readFileSync(join(dir, file), 'utf8').match(/^(?:import|export) [^;]*? from '[^']+';/gms) ?? [];
      for (const line of imports) expect(line.startsWith('import type') || /from '\.\/[^']+'$/.test(line.replace(/;$/, ''))).toBe(true);
    }
  });

  it('types every system event the workflows record, and only those', () => {
    const examples = {
      budget_exceeded: { limit: 'steps', max: 3, used: 4, action: 'pause' },
      paused: { limit: 'steps' },
      resumed: { budget: { max_steps: 10 }, paused_ms: 1200 },
      policy_denied: { call_id: 'c1', tool_id: 'web.fetch', reason_code: 'no_grant' },
      signal_rejected: { signal: 'approvalDecision', reason: 'unrecorded', approval_id: `${RUN}.1`, problem: null },
      approval_decided: { approval_id: `${RUN}.1`, status: 'expired', decided_by: null, reason: null },
      approval_requested: {
        approval_id: `${RUN}.1`,
        call_id: 'c1',
        tool_id: 'web.fetch',
        tool_version: '1.0.0',
        manifest_hash: 'm',
        arguments_hash: 'a',
        arguments_redacted: { url: 'https://example.com' },
        risk: { side_effect: 'read', scopes: ['read_web'], egress_hosts: ['example.com'], limits: { timeout_ms: 1000, memory_mb: 64, cpus: 0.5 } },
        reason_code: 'egress_needs_approval',
        requested_by: { type: 'user', id: 'a@b.c' },
        expires_at: '2026-12-02T00:00:00.000Z',
      },
    } satisfies Record<(typeof SYSTEM_EVENT_TYPES)[number], unknown>;
    for (const [type, data] of Object.entries(examples)) expect(RunEvent.safeParse(event({ type, message: type, data })).error).toBeUndefined();
    expect(SystemEventPayload.safeParse({ type: 'notice', message: 'nobody emits this' }).success).toBe(false);
    expect(SystemEventPayload.safeParse({ type: 'paused', message: 'p', data: { limit: 'steps', extra: 1 } }).success).toBe(false);
  });

  it('projects run status from the log', () => {
    expect(runStatusAfter({ kind: 'run_created', payload: { project_id: RUN, thread_id: RUN, pins: {} as never, retry_of: null } })).toBe('running');
    expect(runStatusAfter({ kind: 'system_event', payload: { type: 'paused', message: '', data: { limit: 'cost' } } })).toBe('paused');
    expect(runStatusAfter({ kind: 'system_event', payload: { type: 'resumed', message: '', data: { budget: {}, paused_ms: 1 } } })).toBe('running');
    expect(runStatusAfter({ kind: 'tool_error', payload: { call_id: 'c', code: 'E', message: 'm' } })).toBeUndefined();
    expect(runStatusAfter({ kind: 'run_cancelled', payload: { reason: 'r', partial_output: false } })).toBe('cancelled');
  });
});
