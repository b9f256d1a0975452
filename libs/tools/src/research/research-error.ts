import type { ErrorCode, RESEARCH_SOURCE_ERROR_CODES } from '@omniai/contracts';
import { ToolError } from '../tool';

export type ResearchSourceErrorCode = (typeof RESEARCH_SOURCE_ERROR_CODES)[number];

/**
 * A source that could not be read, or a search that failed, for a reason of its own (robots, media type, the
 * backend's key or rate limit). Like {@link ToolError}: a stable code and a message fit for the timeline, never a
 * secret or a stack trace. Failures that tool calls share (timeouts, egress refusals, HTTP errors) stay ToolErrors.
 */
export class ResearchError extends Error {
  constructor(
    readonly code: ResearchSourceErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ResearchError';
  }
}

/** What a research run records for a source or search that failed: its `ResearchSource.error`. */
export interface SourceFailure {
  code: ErrorCode | ResearchSourceErrorCode;
  message: string;
}

/**
 * The failure to record for `err`, so the caller can note it per source and go on. Anything that is neither a
 * ToolError nor a ResearchError is a bug of ours: its message may say anything, so it is not passed on.
 */
export function sourceFailure(err: unknown): SourceFailure {
  if (err instanceof ToolError || err instanceof ResearchError) return { code: err.code, message: err.message };
  return { code: 'E_INTERNAL', message: 'the source could not be read (internal error)' };
}
