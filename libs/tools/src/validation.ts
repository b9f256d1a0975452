import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { SCHEMA_LIMITS, SCHEMA_VALIDATION_TIMEOUT_MS, type ToolManifest } from '@omniai/contracts';
import { createValidator, type JsonFieldError, MAX_FIELD_ERRORS, THREAD_ROLE, type ValidationResult } from './json-validator.cjs';
import { canonicalJson } from './manifest-hash';

/** In this thread: for checking schemas at registration and for trusted callers; tool calls use {@link JsonValidatorPool}. */
const local = createValidator();

/**
 * Validates `value` against a JSON Schema (draft 2020-12, patterns in RE2) on the calling thread; the message names
 * the first failing path. Throws when the schema cannot be compiled. Untrusted values go through
 * {@link JsonValidatorPool} instead, which bounds the time a validation may take.
 */
export function validateJson(schema: Record<string, unknown>, value: unknown): { ok: true } | { ok: false; message: string } {
  return local.validate(canonicalJson(schema), schema, value);
}

/** Keywords whose values are data, not schemas: a `pattern` member inside them is not a pattern. */
const DATA_KEYWORDS = new Set(['const', 'enum', 'default', 'examples']);

/**
 * Why a tool's input or output schema cannot be registered (over {@link SCHEMA_LIMITS}, a pattern RE2 cannot run, a
 * schema Ajv cannot compile), or undefined when it can. Called on every registration path (D43).
 */
export function schemaProblem(schema: Record<string, unknown>): string | undefined {
  const bytes = Buffer.byteLength(JSON.stringify(schema));
  if (bytes > SCHEMA_LIMITS.maxBytes) return `the schema is ${bytes} bytes of JSON, over the limit of ${SCHEMA_LIMITS.maxBytes}`;
  const patterns: string[] = [];
  let depth = 0;
  const walk = (node: unknown, level: number): void => {
    if (node === null || typeof node !== 'object') return;
    depth = Math.max(depth, level);
    if (depth > SCHEMA_LIMITS.maxDepth) return;
    if (Array.isArray(node)) return node.forEach((item) => walk(item, level + 1));
    for (const [key, child] of Object.entries(node)) {
      if (key === 'pattern' && typeof child === 'string') patterns.push(child);
      if (key === 'patternProperties' && child !== null && typeof child === 'object') patterns.push(...Object.keys(child));
      if (!DATA_KEYWORDS.has(key)) walk(child, level + 1);
    }
  };
  walk(schema, 1);
  if (depth > SCHEMA_LIMITS.maxDepth) return `the schema nests deeper than ${SCHEMA_LIMITS.maxDepth} levels`;
  if (patterns.length > SCHEMA_LIMITS.maxPatterns) return `the schema has ${patterns.length} patterns, over the limit of ${SCHEMA_LIMITS.maxPatterns}`;
  const long = patterns.find((p) => p.length > SCHEMA_LIMITS.maxPatternLength);
  if (long !== undefined) {
    return `the pattern ${JSON.stringify(long.slice(0, 60))}… is ${long.length} characters, over the limit of ${SCHEMA_LIMITS.maxPatternLength}`;
  }
  try {
    local.compile(canonicalJson(schema), schema);
  } catch (err) {
    return (err as Error).message.slice(0, 400);
  }
  return undefined;
}

/** {@link schemaProblem} for both schemas of a manifest, naming which one ("the input schema cannot be used: …"). */
export function manifestSchemaProblem(manifest: Pick<ToolManifest, 'input_schema' | 'output_schema'>): string | undefined {
  for (const [what, schema] of [
    ['input', manifest.input_schema],
    ['output', manifest.output_schema],
  ] as const) {
    const problem = schemaProblem(schema);
    if (problem) return `the ${what} schema cannot be used: ${problem}`;
  }
  return undefined;
}

export { type JsonFieldError, MAX_FIELD_ERRORS };

/**
 * A validation's outcome: the first failing path in `message`, or `E_VALIDATION_TIMEOUT` when it ran past its
 * deadline. Asked with `allErrors`, an `E_VALIDATION` also lists the failing fields in `errors` (distinct, at most
 * {@link MAX_FIELD_ERRORS}, paths as in `message`: dotted, `(root)` for the value itself) and how many failed in
 * `total` (absent when the schema itself could not be used).
 */
export type JsonValidation =
  { ok: true } | { ok: false; code: 'E_VALIDATION' | 'E_VALIDATION_TIMEOUT'; message: string; errors?: JsonFieldError[]; total?: number };

export interface JsonValidateOptions {
  /** Per validation (default: the pool's). */
  timeoutMs?: number;
  /**
   * Every failing field (bounded), not only the first: for forms a person fills in (a graph's input, an approval's
   * form). Costs more on a hostile value than stopping at the first error, so tool arguments and outputs do not ask.
   */
  allErrors?: boolean;
}

export interface JsonValidatorPoolOptions {
  /** Threads at most (default 2). */
  size?: number;
  /** Per validation, from the moment a thread takes it (default {@link SCHEMA_VALIDATION_TIMEOUT_MS}). */
  timeoutMs?: number;
}

interface Job {
  id: number;
  key: string;
  schema: Record<string, unknown>;
  value: unknown;
  timeoutMs: number;
  allErrors: boolean;
  resolve(result: JsonValidation): void;
}

interface Slot {
  worker: Worker;
  /** The thread has loaded Ajv (a job's deadline starts only then). */
  ready: boolean;
  job: Job | undefined;
  timer: NodeJS.Timeout | undefined;
}

/** Where the validation threads start: the plain-JS file beside this one (in `src/` under Jest, in `dist/` built). */
const THREAD_ENTRY = join(__dirname, 'json-validator.cjs');

/**
 * Validation of untrusted values (a model's arguments, a tool's output) off the event loop, with a deadline (D43):
 * a small pool of `worker_threads`, each with its own Ajv; a validation that runs past its deadline has its thread
 * terminated (the only way to stop synchronous code) and answers `E_VALIDATION_TIMEOUT`; the next job gets a fresh
 * thread. Patterns are RE2 there too, so the deadline is the second line, not the first.
 */
export class JsonValidatorPool {
  private readonly size: number;
  private readonly timeoutMs: number;
  private readonly slots: Slot[] = [];
  private readonly queue: Job[] = [];
  private nextId = 1;
  private closed = false;

  constructor(options: JsonValidatorPoolOptions = {}) {
    this.size = Math.max(1, options.size ?? 2);
    this.timeoutMs = options.timeoutMs ?? SCHEMA_VALIDATION_TIMEOUT_MS;
  }

  /** `options` as a number is the deadline in ms. */
  validate(schema: Record<string, unknown>, value: unknown, options: number | JsonValidateOptions = {}): Promise<JsonValidation> {
    if (this.closed) return Promise.reject(new Error('the validator pool is closed'));
    const { timeoutMs = this.timeoutMs, allErrors = false } = typeof options === 'number' ? { timeoutMs: options } : options;
    return new Promise((resolve) => {
      this.queue.push({ id: this.nextId++, key: canonicalJson(schema), schema, value, timeoutMs, allErrors, resolve });
      this.dispatch();
    });
  }

  /** Terminates every thread; queued validations are dropped unanswered. */
  async close(): Promise<void> {
    this.closed = true;
    this.queue.length = 0;
    await Promise.all(this.slots.splice(0).map((slot) => (clearTimeout(slot.timer), slot.worker.terminate())));
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      const slot = this.slots.find((s) => s.ready && !s.job);
      if (!slot) {
        if (this.slots.length < this.size && !this.slots.some((s) => !s.ready)) this.spawn();
        return;
      }
      const job = this.queue.shift()!;
      slot.job = job;
      slot.worker.ref();
      slot.timer = setTimeout(() => {
        this.retire(slot);
        job.resolve({
          ok: false,
          code: 'E_VALIDATION_TIMEOUT',
          message: `validating against the schema took longer than ${job.timeoutMs} ms and was stopped`,
        });
      }, job.timeoutMs);
      slot.worker.postMessage({ id: job.id, key: job.key, schema: job.schema, value: job.value, allErrors: job.allErrors });
    }
  }

  private spawn(): Slot {
    const worker = new Worker(THREAD_ENTRY, { workerData: { role: THREAD_ROLE }, resourceLimits: { maxOldGenerationSizeMb: 256 } });
    const slot: Slot = { worker, ready: false, job: undefined, timer: undefined };
    worker.on('message', (answer: { ready: true } | { id: number; result: ValidationResult }) => {
      if ('ready' in answer) {
        slot.ready = true;
        return this.dispatch();
      }
      const job = slot.job;
      if (!job || job.id !== answer.id) return;
      this.settle(slot);
      const r = answer.result;
      job.resolve(r.ok ? { ok: true } : { ok: false, code: 'E_VALIDATION', message: r.message, ...(r.errors && { errors: r.errors, total: r.total }) });
      this.dispatch();
    });
    // A thread that dies (out of memory, a bug) fails its job, never the caller's process.
    const died = (why: string) => {
      const failed = { ok: false, code: 'E_VALIDATION', message: `the validation could not complete (${why})` } as const;
      const job = slot.job;
      // A thread that cannot even start would fail the same way again: the waiting jobs fail now, no respawn loop.
      const waiting = slot.ready ? [] : this.queue.splice(0);
      this.retire(slot);
      for (const j of [job, ...waiting]) j?.resolve(failed);
    };
    worker.on('error', (err) => died(err.message.slice(0, 200)));
    worker.on('exit', (code) => {
      if (this.slots.includes(slot)) died(`the validation thread exited with code ${code}`);
    });
    worker.unref();
    this.slots.push(slot);
    return slot;
  }

  /** The slot is idle again; an idle thread does not keep the process alive. */
  private settle(slot: Slot): void {
    clearTimeout(slot.timer);
    slot.timer = undefined;
    slot.job = undefined;
    slot.worker.unref();
  }

  /** Drops the slot and terminates its thread (a runaway validation cannot be stopped any other way). */
  private retire(slot: Slot): void {
    clearTimeout(slot.timer);
    slot.job = undefined;
    const at = this.slots.indexOf(slot);
    if (at >= 0) this.slots.splice(at, 1);
    void slot.worker.terminate();
    if (!this.closed) setImmediate(() => this.dispatch());
  }
}
