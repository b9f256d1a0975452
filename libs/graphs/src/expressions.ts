import jsonLogic from 'json-logic-js';
import { GRAPH_LIMITS } from '@omniai/contracts/pure';

/**
 * The one expression language of graphs: JSON Logic (json-logic-js), evaluated deterministically inside the workflow.
 * It has no loops beyond iterating an array it is given, no recursion, no user functions and no I/O; on top of that
 * this module enforces an operator allowlist, size and depth limits, no nested iteration (so the work is linear in the
 * data), safe `var` paths and a cap on the size of what it produces. A rule that breaks a limit throws
 * {@link ExpressionError}: the interpreter turns that into a node error, never a stuck workflow task.
 */

/** What expressions and templates see. */
export interface GraphScope {
  /** The graph run's input. */
  input: unknown;
  /** Nodes that ended so far: their output, status and the port they left by. */
  nodes: Record<string, { output?: unknown; status: string; port?: string | null }>;
  /** Inside a `map`: the current item and its index. */
  item?: unknown;
  index?: number;
}

export class ExpressionError extends Error {
  readonly code = 'E_GRAPH_NODE_FAILED';
  constructor(message: string) {
    super(message);
    this.name = 'ExpressionError';
  }
}

/** Operators a rule may use: JSON Logic's own, minus `log` (side effect). Everything else is refused at validation. */
export const ALLOWED_OPERATORS: ReadonlySet<string> = new Set([
  'var',
  'missing',
  'missing_some',
  'if',
  '?:',
  '==',
  '===',
  '!=',
  '!==',
  '>',
  '>=',
  '<',
  '<=',
  '!!',
  '!',
  '%',
  'in',
  'cat',
  'substr',
  '+',
  '*',
  '-',
  '/',
  'min',
  'max',
  'merge',
  'and',
  'or',
  'map',
  'filter',
  'reduce',
  'all',
  'none',
  'some',
]);

/** Operators that iterate an array; one may not appear inside another's body (keeps evaluation linear). */
const ITERATING = new Set(['map', 'filter', 'reduce', 'all', 'none', 'some']);

/** Path segments a `var` may not name (they reach JavaScript internals, not data). */
const FORBIDDEN_SEGMENTS = new Set(['__proto__', 'prototype', 'constructor']);

const isRule = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length === 1;

/**
 * Checks a rule without evaluating it: its size, depth, operators, `var` paths and iteration nesting.
 * Returns the problem in a sentence, or null when the rule is acceptable.
 */
export function checkExpression(rule: unknown): string | null {
  let json: string;
  try {
    json = JSON.stringify(rule) ?? 'null';
  } catch {
    return 'the expression is not JSON';
  }
  if (json.length > GRAPH_LIMITS.maxExpressionBytes) return `the expression is ${json.length} bytes; the limit is ${GRAPH_LIMITS.maxExpressionBytes}`;
  return walk(rule, 0, false);
}

function walk(node: unknown, depth: number, insideIteration: boolean): string | null {
  if (depth > GRAPH_LIMITS.maxExpressionDepth) return `the expression nests deeper than ${GRAPH_LIMITS.maxExpressionDepth} levels`;
  if (Array.isArray(node)) {
    for (const child of node) {
      const problem = walk(child, depth + 1, insideIteration);
      if (problem) return problem;
    }
    return null;
  }
  if (!isRule(node)) {
    if (typeof node === 'object' && node !== null) {
      for (const child of Object.values(node)) {
        const problem = walk(child, depth + 1, insideIteration);
        if (problem) return problem;
      }
    }
    return null;
  }
  const op = Object.keys(node)[0]!;
  if (!ALLOWED_OPERATORS.has(op)) return `unknown operator "${op}"`;
  const args = node[op];
  if (op === 'var') {
    const path = Array.isArray(args) ? args[0] : args;
    if (typeof path === 'string' && path.split('.').some((s) => FORBIDDEN_SEGMENTS.has(s))) return `the path "${path}" is not allowed`;
    // A computed path (a rule) could reach anything: paths are literal text or numbers.
    if (path !== undefined && path !== null && typeof path !== 'string' && typeof path !== 'number') return '"var" takes a literal path (text or number)';
    return Array.isArray(args) ? walk(args.slice(1), depth + 1, insideIteration) : null;
  }
  if (ITERATING.has(op)) {
    if (insideIteration) return `"${op}" inside another iterating operator is not allowed (it would multiply the work)`;
    const list = Array.isArray(args) ? args : [args];
    const source = walk(list[0], depth + 1, false);
    if (source) return source;
    return walk(list.slice(1), depth + 1, true);
  }
  return walk(args, depth + 1, insideIteration);
}

/** Evaluates a checked rule against the scope; throws {@link ExpressionError} on any problem. */
export function evaluate(rule: unknown, scope: GraphScope): unknown {
  const problem = checkExpression(rule);
  if (problem) throw new ExpressionError(problem);
  let value: unknown;
  try {
    value = jsonLogic.apply(rule as jsonLogic.RulesLogic, scope as unknown as Record<string, unknown>);
  } catch (err) {
    throw new ExpressionError(`the expression failed: ${err instanceof Error ? err.message : String(err)}`);
  }
  return plainJson(value);
}

/** Whether a condition holds (JSON Logic truthiness, as jsonlogic.com defines it: `[]` is false, `"0"` is true). */
export function holds(rule: unknown, scope: GraphScope): boolean {
  return jsonLogic.truthy(evaluate(rule, scope));
}

const PLACEHOLDER = /\{\{\s*([^{}]+?)\s*\}\}/g;
const WHOLE_PLACEHOLDER = /^\{\{\s*([^{}]+?)\s*\}\}$/;

/**
 * Renders a template: strings with `{{ path }}` placeholders (a string that is exactly one placeholder yields the value
 * itself), `{ "$logic": rule }` objects replaced by the rule's result, everything else as it is.
 */
export function renderTemplate(template: unknown, scope: GraphScope): unknown {
  return plainJson(render(template, scope, 0));
}

/** What a trigger's templates see (a graph target's input, an agent target's message; docs/TRIGGERS.md). */
export interface TriggerScope {
  /** A webhook's JSON body; null for a schedule. */
  payload: unknown;
  trigger: { id: string; name: string; kind: 'schedule' | 'webhook' };
  /** When the fire happened (ISO 8601). */
  fired_at: string;
}

/** Renders a trigger's template with the same placeholders, rules and limits as a graph's templates. */
export function renderTriggerTemplate(template: unknown, scope: TriggerScope): unknown {
  // The evaluator reads scope paths only through `var`, so any plain object is a scope.
  return plainJson(render(template, scope as unknown as GraphScope, 0));
}

function render(t: unknown, scope: GraphScope, depth: number): unknown {
  if (depth > GRAPH_LIMITS.maxExpressionDepth * 4) throw new ExpressionError('the template nests too deep');
  if (typeof t === 'string') {
    const whole = WHOLE_PLACEHOLDER.exec(t);
    if (whole) return evaluate({ var: whole[1]!.trim() }, scope);
    return t.replace(PLACEHOLDER, (_, path: string) => text(evaluate({ var: path.trim() }, scope)));
  }
  if (Array.isArray(t)) return t.map((x) => render(x, scope, depth + 1));
  if (typeof t === 'object' && t !== null) {
    const keys = Object.keys(t);
    if (keys.length === 1 && keys[0] === '$logic') return evaluate((t as { $logic: unknown }).$logic, scope);
    return Object.fromEntries(keys.map((k) => [k, render((t as Record<string, unknown>)[k], scope, depth + 1)]));
  }
  return t;
}

const text = (v: unknown): string => (v === undefined || v === null ? '' : typeof v === 'string' ? v : JSON.stringify(v));

/** The `var` paths a template's placeholders and `$logic` rules name (for validation: missing inputs). */
export function templatePaths(template: unknown): string[] {
  const out: string[] = [];
  const visit = (t: unknown): void => {
    if (typeof t === 'string') {
      for (const m of t.matchAll(PLACEHOLDER)) out.push(m[1]!.trim());
    } else if (Array.isArray(t)) t.forEach(visit);
    else if (typeof t === 'object' && t !== null) {
      const keys = Object.keys(t);
      if (keys.length === 1 && keys[0] === '$logic') out.push(...expressionPaths((t as { $logic: unknown }).$logic));
      else Object.values(t).forEach(visit);
    }
  };
  visit(template);
  return out;
}

/** Problems of a template: each `{{ path }}` and `$logic` rule checked like an expression. */
export function checkTemplate(template: unknown): string | null {
  let json: string;
  try {
    json = JSON.stringify(template) ?? 'null';
  } catch {
    return 'the template is not JSON';
  }
  if (json.length > GRAPH_LIMITS.maxExpressionBytes * 4) return `the template is ${json.length} bytes; the limit is ${GRAPH_LIMITS.maxExpressionBytes * 4}`;
  for (const path of templatePaths(template)) {
    if (path.split('.').some((s) => FORBIDDEN_SEGMENTS.has(s))) return `the path "${path}" is not allowed`;
  }
  let problem: string | null = null;
  const visit = (t: unknown): void => {
    if (problem) return;
    if (Array.isArray(t)) t.forEach(visit);
    else if (typeof t === 'object' && t !== null) {
      const keys = Object.keys(t);
      if (keys.length === 1 && keys[0] === '$logic') problem = checkExpression((t as { $logic: unknown }).$logic);
      else Object.values(t).forEach(visit);
    }
  };
  visit(template);
  return problem;
}

/**
 * The literal `var` paths a rule names in the run's scope. Paths inside the body of an iterating operator (`map`,
 * `filter`, `reduce`, `all`, `none`, `some`) name the current element (or `current` / `accumulator`), not the scope,
 * so they are left out; the array such an operator iterates over is a scope path like any other.
 */
export function expressionPaths(rule: unknown): string[] {
  const out: string[] = [];
  const visit = (n: unknown): void => {
    if (Array.isArray(n)) n.forEach(visit);
    else if (isRule(n)) {
      const [op] = Object.keys(n);
      const args = n[op!];
      if (ITERATING.has(op!)) visit(Array.isArray(args) ? args[0] : args);
      else if (op === 'var') {
        const path = Array.isArray(args) ? args[0] : args;
        if (typeof path === 'string' && path !== '') out.push(path);
        if (Array.isArray(args)) args.slice(1).forEach(visit);
      } else visit(args);
    } else if (typeof n === 'object' && n !== null) Object.values(n).forEach(visit);
  };
  visit(rule);
  return out;
}

/** The value as plain JSON within the size limit (functions, cycles and oversized values are refused). */
function plainJson(value: unknown): unknown {
  if (value === undefined) return null;
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch {
    throw new ExpressionError('the expression produced a value that is not JSON');
  }
  if (json === undefined) throw new ExpressionError('the expression produced a value that is not JSON');
  if (json.length > GRAPH_LIMITS.maxValueBytes)
    throw new ExpressionError(`the expression produced ${json.length} bytes; the limit is ${GRAPH_LIMITS.maxValueBytes}`);
  return JSON.parse(json) as unknown;
}
