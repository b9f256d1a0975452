import type { LoggerService, LogLevel } from '@nestjs/common';
import { redact } from '@omniai/contracts';

type Level = 'error' | 'warn' | 'log' | 'debug';

/**
 * The API's logger: one JSON object per line (`{"ts","level","context","msg"}`) for machines, or a plain
 * `level [context] msg` line for people (`OMNI_LOG_FORMAT=pretty`, what `npm start` uses). Either way every line
 * goes through `redact` first.
 */
export class StructuredLogger implements LoggerService {
  constructor(
    private readonly levels: readonly Level[],
    private readonly format: 'json' | 'pretty',
    private readonly write: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
  ) {}

  log(message: unknown, ...rest: unknown[]): void {
    this.emit('log', message, rest);
  }
  error(message: unknown, ...rest: unknown[]): void {
    this.emit('error', message, rest);
  }
  warn(message: unknown, ...rest: unknown[]): void {
    this.emit('warn', message, rest);
  }
  debug(message: unknown, ...rest: unknown[]): void {
    this.emit('debug', message, rest);
  }
  verbose(message: unknown, ...rest: unknown[]): void {
    this.emit('debug', message, rest);
  }

  setLogLevels(_levels: LogLevel[]): void {
    // Levels are fixed by configuration at start.
  }

  private emit(level: Level, message: unknown, rest: unknown[]): void {
    if (!this.levels.includes(level)) return;
    // Nest passes the context as the last string argument (and a stack before it for errors).
    const context = typeof rest[rest.length - 1] === 'string' ? (rest[rest.length - 1] as string) : undefined;
    const text = redact(message instanceof Error ? message.message : typeof message === 'string' ? message : JSON.stringify(message));
    if (this.format === 'json') {
      this.write(JSON.stringify({ ts: new Date().toISOString(), level, ...(context ? { context } : {}), msg: text }));
    } else {
      this.write(`${level.toUpperCase().padEnd(5)} ${context ? `[${context}] ` : ''}${text}`);
    }
  }
}
