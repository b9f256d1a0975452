import { Context } from '@temporalio/activity';

// Connection-level failures (node codes and SQLSTATE classes 08/57P): the database is away, not the query wrong.
const DOWN = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', '57P01', '57P02', '57P03', '08000', '08001', '08003', '08004', '08006']);

export function isDatabaseDown(err: unknown): boolean {
  const e = err as { code?: unknown; driverError?: { code?: unknown }; message?: unknown } | null;
  if (!e || typeof e !== 'object') return false;
  if ([e.code, e.driverError?.code].some((c) => typeof c === 'string' && DOWN.has(c))) return true;
  return /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/i.test(String(e.message ?? ''));
}

/**
 * Runs a database step of an activity, waiting (heartbeating, with backoff up to 5 s) while Postgres is unreachable,
 * so that an outage delays the run instead of failing it. Other errors, and cancellation, pass through.
 */
export async function waitForDatabase<T>(step: () => Promise<T>): Promise<T> {
  const ctx = Context.current();
  for (let delay = 250; ; delay = Math.min(delay * 2, 5_000)) {
    try {
      return await step();
    } catch (err) {
      if (!isDatabaseDown(err)) throw err;
      ctx.heartbeat(ctx.info.heartbeatDetails);
      await ctx.sleep(delay);
    }
  }
}
