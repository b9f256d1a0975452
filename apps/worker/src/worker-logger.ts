import { redact } from '@omniai/contracts';
import { DefaultLogger, type LogEntry, type LogLevel } from '@temporalio/worker';

/**
 * The worker's log lines (the Temporal SDK's and ours): one JSON object per line, or `pretty` plain lines under
 * `npm start`; either way through the same `redact` as the API's, so a token or key quoted in an error never lands
 * in a log.
 */
export function workerLogger(level: LogLevel, format: 'json' | 'pretty', write: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): DefaultLogger {
  return new DefaultLogger(level, (entry: LogEntry) => write(formatEntry(entry, format)));
}

export function formatEntry(entry: LogEntry, format: 'json' | 'pretty'): string {
  const ts = new Date(Number(entry.timestampNanos / 1_000_000n)).toISOString();
  const meta = entry.meta && Object.keys(entry.meta).length ? entry.meta : undefined;
  if (format === 'json') return redact(JSON.stringify({ ts, level: entry.level.toLowerCase(), msg: entry.message, ...(meta ? { meta } : {}) }, jsonSafe));
  return redact(`${ts} ${entry.level.padEnd(5)} ${entry.message}${meta ? ` ${JSON.stringify(meta, jsonSafe)}` : ''}`);
}

// Errors keep their message; bigints become strings (JSON.stringify throws on them).
function jsonSafe(_key: string, value: unknown): unknown {
  if (value instanceof Error) return { name: value.name, message: value.message };
  return typeof value === 'bigint' ? value.toString() : value;
}
