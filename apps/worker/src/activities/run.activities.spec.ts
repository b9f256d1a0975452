import { MockActivityEnvironment } from '@temporalio/testing';
import { ApplicationFailure } from '@temporalio/activity';
import type { RunEvent } from '@omniai/contracts';
import type { RunStore } from '@omniai/store';
import { APPEND_ATTEMPTS, createRunActivities, type RunActivityDeps } from './run.activities';

const RUN = '00000000-0000-4000-8000-000000000001';
const event = (text: string): RunEvent => ({
  event_id: '00000000-0000-4000-8000-000000000002',
  run_id: RUN,
  seq: 2,
  ts: '2026-12-01T00:00:00.000Z',
  actor: { type: 'user', id: 'someone@example.test' },
  correlation_id: RUN,
  causation_id: null,
  schema_version: 1,
  kind: 'user_message',
  payload: { message_id: 'm', content: { text } },
});

const activities = (appendEvents: RunStore['appendEvents']) => createRunActivities({ runs: { appendEvents } as RunStore } as RunActivityDeps);
const attempt = (n: number, fn: () => Promise<unknown>) => new MockActivityEnvironment({ attempt: n }).run(fn);

describe('appendRunEvents', () => {
  it('makes text storable before it reaches the store (NUL and lone surrogates become U+FFFD)', async () => {
    const seen: RunEvent[][] = [];
    const { appendRunEvents } = activities(async (_run, events) => (seen.push(events), events.length));
    await attempt(1, () => appendRunEvents({ run_id: RUN, events: [event('a\u0000b\ud800')] }));
    expect(seen[0]![0]!.kind === 'user_message' && seen[0]![0]!.payload.content).toEqual({ text: 'a\ufffdb\ufffd' });
  });

  it('retries a refused append a bounded number of times, then fails the run with E_EVENT_REJECTED', async () => {
    const refused = Object.assign(new Error('invalid byte sequence for encoding "UTF8": 0x00'), { code: '22021' });
    const { appendRunEvents } = activities(async () => {
      throw refused;
    });
    await expect(attempt(APPEND_ATTEMPTS - 1, () => appendRunEvents({ run_id: RUN, events: [event('x')] }))).rejects.toBe(refused);
    const last = await attempt(APPEND_ATTEMPTS, () => appendRunEvents({ run_id: RUN, events: [event('x')] })).catch((e: unknown) => e);
    expect(last).toBeInstanceOf(ApplicationFailure);
    expect(last).toMatchObject({ type: 'E_EVENT_REJECTED', nonRetryable: true });
    expect((last as Error).message).toContain('user_message');
  });

  it('waits out an unreachable database: an outage is retried however many attempts it takes', async () => {
    const outage = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    const { appendRunEvents } = activities(async () => {
      throw outage;
    });
    await expect(attempt(APPEND_ATTEMPTS * 10, () => appendRunEvents({ run_id: RUN, events: [event('x')] }))).rejects.toBe(outage);
  });
});
