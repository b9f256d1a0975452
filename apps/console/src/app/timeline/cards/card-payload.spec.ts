import { inlineValue, isDiff, isProcessOutput, isTable } from './card-payload';

const toolResult = (inline: unknown) =>
  ({
    event_id: '00000000-0000-4000-8000-000000000001',
    run_id: '00000000-0000-4000-8000-000000000002',
    seq: 5,
    kind: 'tool_result',
    ts: '2026-11-21T00:00:00.000Z',
    actor: { type: 'agent', id: 'a' },
    correlation_id: 'c',
    causation_id: null,
    schema_version: 1,
    payload: { call_id: 'call-1', result: { inline }, duration_ms: 3 },
  }) as const;

describe('card selection by payload type', () => {
  it('recognises tables (arrays of objects)', () => {
    expect(isTable(inlineValue(toolResult([{ a: 1 }, { a: 2, b: 'x' }])))).toBe(true);
    expect(isTable(inlineValue(toolResult([1, 2])))).toBe(false);
    expect(isTable(inlineValue(toolResult([])))).toBe(false);
  });

  it('recognises unified diffs', () => {
    expect(isDiff('--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b')).toBe(true);
    expect(isDiff('plain text')).toBe(false);
  });

  it("recognises a program run's output (python.compute)", () => {
    expect(isProcessOutput(inlineValue(toolResult({ stdout: '5050\n', stderr: '', exit_code: 0 })))).toBe(true);
    expect(isProcessOutput({ stdout: 'x', stderr: '', exit_code: 1.5 })).toBe(false);
    expect(isProcessOutput({ stdout: 'x', exit_code: 0 })).toBe(false);
    expect(isProcessOutput(null)).toBe(false);
  });
});
