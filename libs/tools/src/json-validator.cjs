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

/**
 * One Ajv instance (draft 2020-12, formats, RE2 patterns) and its compiled schemas, keyed by the caller's key.
 * @param {{ maxCached?: number }} [options]
 */
function createValidator(options = {}) {
  const maxCached = options.maxCached ?? 500;
  const ajv = new Ajv2020({ allErrors: false, strict: false, code: { regExp: re2 } });
  addFormats(ajv);
  /** @type {Map<string, import('ajv').ValidateFunction>} */
  const compiled = new Map();
  /**
   * @param {string} key
   * @param {Record<string, unknown>} schema
   */
  function compile(key, schema) {
    let validate = compiled.get(key);
    if (!validate) {
      validate = ajv.compile(schema);
      if (compiled.size >= maxCached) compiled.clear();
      compiled.set(key, validate);
    }
    return validate;
  }
  /**
   * The first failing path, or ok. Throws when the schema cannot be compiled.
   * @param {string} key
   * @param {Record<string, unknown>} schema
   * @param {unknown} value
   * @returns {{ ok: true } | { ok: false, message: string }}
   */
  function validate(key, schema, value) {
    const fn = compile(key, schema);
    if (fn(value)) return { ok: true };
    const e = fn.errors && fn.errors[0];
    const where = e && e.instancePath ? e.instancePath.slice(1).replace(/\//g, '.') : '(root)';
    const extra = e && e.keyword === 'additionalProperties' ? ` (${String(e.params.additionalProperty)})` : '';
    return { ok: false, message: `${where}: ${(e && e.message) || 'invalid'}${extra}` };
  }
  return { compile, validate };
}

// As a validation thread: one request at a time, answered by id; a schema that cannot be compiled is an answer too.
if (!isMainThread && parentPort && workerData && workerData.role === THREAD_ROLE) {
  const validator = createValidator();
  const port = parentPort;
  port.on('message', (/** @type {{ id: number, key: string, schema: Record<string, unknown>, value: unknown }} */ job) => {
    let result;
    try {
      result = validator.validate(job.key, job.schema, job.value);
    } catch (err) {
      result = { ok: false, unusable: true, message: `the schema cannot be used: ${String(err && err.message).slice(0, 300)}` };
    }
    port.postMessage({ id: job.id, result });
  });
  // Loading Ajv takes a while: the pool starts a job's deadline only once the thread is ready.
  port.postMessage({ ready: true });
}

module.exports = { createValidator, THREAD_ROLE };
