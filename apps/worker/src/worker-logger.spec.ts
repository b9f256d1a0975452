import { formatEntry, workerLogger } from './worker-logger';

const entry = (message: string, meta?: Record<string, unknown>) => ({ level: 'WARN' as const, message, meta, timestampNanos: 1_795_000_000_000_000_000n });

describe('worker log lines', () => {
  it('are one redacted JSON object per line', () => {
    const line = formatEntry(entry('Activity failed', { error: new Error('401 from provider: key sk-live-abcdef123456 rejected') }), 'json');
    expect(JSON.parse(line)).toMatchObject({
      level: 'warn',
      msg: 'Activity failed',
      meta: { error: { message: '401 from provider: key sk-[redacted] rejected' } },
    });
    expect(line).not.toContain('abcdef123456');
  });

  it('are plain and still redacted when pretty', () => {
    const line = formatEntry(entry('calling with Bearer omni_pat_xyz'), 'pretty');
    expect(line).toMatch(/^\d{4}-\d\d-\d\dT.* WARN  calling with Bearer \[redacted\]$/);
  });

  it('respect the level', () => {
    const lines: string[] = [];
    const logger = workerLogger('WARN', 'json', (l) => lines.push(l));
    logger.info('not shown');
    logger.error('shown');
    expect(lines.map((l) => JSON.parse(l).msg)).toEqual(['shown']);
  });
});
