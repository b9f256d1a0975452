import { triggeredRunId } from './run-store';

describe('triggeredRunId', () => {
  it('is a stable version-5 layout UUID of the fire workflow id', () => {
    const a = triggeredRunId('sched-1b6f-2026-12-03T10:00:00Z');
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(triggeredRunId('sched-1b6f-2026-12-03T10:00:00Z')).toBe(a);
  });

  it('differs per fire', () => {
    expect(triggeredRunId('hook-a-1')).not.toBe(triggeredRunId('hook-a-2'));
  });
});
