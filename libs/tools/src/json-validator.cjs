'use strict';
// JSON Schema validation with linear-time patterns (D43). Plain CommonJS on purpose: the same file is required by
// validation.ts and is the entry of the validation threads (worker_threads get no TypeScript transform, in Jest or
// elsewhere), so the Ajv set-up has one home. tsc copies it to dist beside validation.js (allowJs).
const { isMainThread, parentPort, workerData } = require('node:worker_threads');
const Ajv2020 = require('ajv/dist/2020').default;
const addFormats = require('ajv-formats').default;
const { RE2JS } = require('re2js');

/** Marks a thread started by JsonValidatorPool (another thread that requires this file must not answer messages). */
const THREAD_ROLE = 'omniai-json-validator';

/**
 * Ajv's `code.regExp`: every `pattern` and `patternProperties` key is compiled by RE2 (no backtracking, so matching
 * is linear in the input). RE2 has no backreferences or lookaround: such a pattern fails to compile, naming itself.
 * @param {string} pattern
 * @returns {{ test(s: string): boolean, toString(): string }}
 */
function re2(pattern) {
  let compiled;
  try {
    compiled = RE2JS.compile(RE2JS.translateRegExp(pattern));
  } catch (err) {
    throw new Error(
      `the pattern ${JSON.stringify(pattern.slice(0, 200))} is not supported (patterns are RE2: no backreferences or lookaround): ${String(err && err.message).slice(0, 200)}`,
    );
  }
  // Ajv keys compiled patterns by toString(): it must differ for different patterns.
  return { test: (s) => compiled.test(s), toString: () => `re2:${pattern}` };
}
re2.code = 'omniai-re2';

/** At most this many failing fields in an all-errors answer. */
const MAX_FIELD_ERRORS = 20;

/**
 * An Ajv error as `{ path, message }`: the dotted path from the value's root (`(root)` for the value itself) and why.
 * @param {import('ajv').ErrorObject | undefined} e
 * @returns {{ path: string, message: string }}
 */
function fieldOf(e) {
  const path = e && e.instancePath ? e.instancePath.slice(1).replace(/\//g, '.') : '(root)';
  const extra = e && e.keyword === 'additionalProperties' ? ` (${String(e.params.additionalProperty)})` : '';
  return { path, message: `${(e && e.message) || 'invalid'}${extra}` };
}

/**
 * Ajv instances (draft 2020-12, formats, RE2 patterns) and their compiled schemas, keyed by the caller's key: one that
 * stops at the first error (the default), and, made on first use, one that collects every error (`allErrors`, for
 * forms: it costs more on a hostile value, so only callers that show every field ask for it).
 * @param {{ maxCached?: number }} [options]
 */
function createValidator(options = {}) {
  const maxCached = options.maxCached ?? 500;
  /** @param {boolean} allErrors */
  const instance = (allErrors) => {
    const ajv = new Ajv2020({ allErrors, strict: false, code: { regExp: re2 } });
    addFormats(ajv);
    return { ajv, /** @type {Map<string, import('ajv').ValidateFunction>} */ compiled: new Map() };
  };
  const first = instance(false);
  /** @type {ReturnType<typeof instance> | undefined} */
  let every;
  /**
   * @param {string} key
   * @param {Record<string, unknown>} schema
   * @param {boolean} [allErrors]
   */
  function compile(key, schema, allErrors = false) {
    const at = allErrors ? (every ??= instance(true)) : first;
    let validate = at.compiled.get(key);
    if (!validate) {
      validate = at.ajv.compile(schema);
      if (at.compiled.size >= maxCached) at.compiled.clear();
      at.compiled.set(key, validate);
    }
    return validate;
  }
  /**
   * Ok, or the first failing path in `message` (`a.b: must be string`); with `allErrors`, also `errors`: the failing
   * fields (distinct, in Ajv's order, at most {@link MAX_FIELD_ERRORS}) and `total`, how many distinct ones failed.
   * Throws when the schema cannot be compiled.
   * @param {string} key
   * @param {Record<string, unknown>} schema
   * @param {unknown} value
   * @param {{ allErrors?: boolean }} [options]
   * @returns {{ ok: true } | { ok: false, message: string, errors?: { path: string, message: string }[], total?: number }}
   */
  function validate(key, schema, value, options = {}) {
    const allErrors = options.allErrors === true;
    const fn = compile(key, schema, allErrors);
    if (fn(value)) return { ok: true };
    const head = fieldOf(fn.errors ? fn.errors[0] : undefined);
    const message = `${head.path}: ${head.message}`;
    if (!allErrors) return { ok: false, message };
    /** @type {{ path: string, message: string }[]} */
    const errors = [];
    const seen = new Set();
    for (const e of fn.errors || [undefined]) {
      const field = fieldOf(e);
      const id = `${field.path}\u0000${field.message}`;
      if (seen.has(id)) continue;
      seen.add(id);
      if (errors.length < MAX_FIELD_ERRORS) errors.push(field);
    }
    return { ok: false, message, errors, total: seen.size };
  }
  return { compile, validate };
}

// As a validation thread: one request at a time, answered by id; a schema that cannot be compiled is an answer too.
if (!isMainThread && parentPort && workerData && workerData.role === THREAD_ROLE) {
  const validator = createValidator();
  const port = parentPort;
  port.on('message', (/** @type {{ id: number, key: string, schema: Record<string, unknown>, value: unknown, allErrors?: boolean }} */ job) => {
    let result;
    try {
      result = validator.validate(job.key, job.schema, job.value, { allErrors: job.allErrors === true });
    } catch (err) {
      result = { ok: false, unusable: true, message: `the schema cannot be used: ${String(err && err.message).slice(0, 300)}` };
    }
    port.postMessage({ id: job.id, result });
  });
  // Loading Ajv takes a while: the pool starts a job's deadline only once the thread is ready.
  port.postMessage({ ready: true });
}

module.exports = { createValidator, THREAD_ROLE, MAX_FIELD_ERRORS };
