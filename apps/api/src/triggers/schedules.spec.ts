import { ApiException } from '../errors/api.exception';
import { describeCrons, temporalSpec } from './schedules.service';

const BASE = { cron: [], intervals: [], calendars: [], timezone: 'UTC', jitter_ms: 0, start_at: null, end_at: null };

describe('schedule spec mapping (ours → Temporal)', () => {
  it('converts intervals to milliseconds with their phase, and instants to dates', () => {
    const spec = temporalSpec({ ...BASE, intervals: [{ every_seconds: 90, offset_seconds: 15 }], jitter_ms: 500, start_at: '2027-01-01T00:00:00Z' });
    expect(spec).toMatchObject({ intervals: [{ every: 90_000, offset: 15_000 }], jitter: 500, startAt: new Date('2027-01-01T00:00:00Z'), endAt: undefined });
  });

  it('names months and days of week as Temporal does, and defaults unset time fields to zero', () => {
    const [cal] = temporalSpec({ ...BASE, calendars: [{ month: [{ start: 1, end: 3 }], day_of_week: [{ start: 0 }], hour: [{ start: 9 }] }] }).calendars!;
    expect(cal).toMatchObject({
      month: [{ start: 'JANUARY', end: 'MARCH', step: 1 }],
      dayOfWeek: [{ start: 'SUNDAY', end: 'SUNDAY', step: 1 }],
      hour: [{ start: 9, end: 9, step: 1 }],
      minute: [{ start: 0, end: 0, step: 1 }],
      second: [{ start: 0, end: 0, step: 1 }],
    });
  });

  it('refuses a month out of range with the field', () => {
    const call = () => temporalSpec({ ...BASE, calendars: [{ month: [{ start: 13 }] }] });
    expect(call).toThrow(ApiException);
    expect(call).toThrow(/month 13 is out of range/);
  });

  it('describes cron expressions in words, and an unreadable one as itself', () => {
    expect(describeCrons(['0 6 * * 1-5', '*/15 * * * *', 'not a cron'])).toEqual(['At 06:00, Monday through Friday', 'Every 15 minutes', 'not a cron']);
  });
});
