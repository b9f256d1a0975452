import { Context } from '@temporalio/activity';
import { isDatabaseUnavailable } from '@omniai/store';

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
      if (!isDatabaseUnavailable(err)) throw err;
      ctx.heartbeat(ctx.info.heartbeatDetails);
      await ctx.sleep(delay);
    }
  }
}
