import { GRAPH_LIMITS } from '@omniai/contracts';
import {
  checkExpression,
  checkTemplate,
  evaluate,
  ExpressionError,
  expressionPaths,
  holds,
  renderTemplate,
  templatePaths,
  type GraphScope,
} from './expressions';

const scope: GraphScope = {
  input: { name: 'Ada', tags: ['a', 'b'], n: 3 },
  nodes: { classify: { output: { category: 'bug', score: 0.9 }, status: 'completed', port: 'out' } },
  item: { path: 'notes/x.md' },
  index: 2,
};

describe('checkExpression', () => {
  it('accepts the allowed operators and plain data', () => {
    expect(checkExpression({ and: [{ '==': [{ var: 'input.n' }, 3] }, { in: ['a', { var: 'input.tags' }] }] })).toBeNull();
    expect(checkExpression({ map: [{ filter: [{ var: 'input.tags' }, { '!=': [{ var: '' }, 'b'] }] }, { cat: [{ var: '' }, '!'] }] })).toBeNull();
    expect(checkExpression(42)).toBeNull();
  });

  it.each([
    ['an unknown operator', { method: [{ var: 'input.name' }, 'toUpperCase'] }, /unknown operator "method"/],
    ['log (a side effect)', { log: 1 }, /unknown operator "log"/],
    ['a forbidden path', { var: 'input.__proto__' }, /not allowed/],
    ['a computed path', { var: [{ cat: ['in', 'put'] }] }, /literal path/],
    ['nested iteration', { map: [{ var: 'input.tags' }, { some: [{ var: 'input.tags' }, true] }] }, /inside another iterating operator/],
    ['too deep', Array.from({ length: GRAPH_LIMITS.maxExpressionDepth + 2 }).reduce<unknown>((r) => ({ '!': [r] }), true), /deeper than/],
    ['too big', { cat: ['x'.repeat(GRAPH_LIMITS.maxExpressionBytes)] }, /bytes; the limit/],
  ])('refuses %s', (_, rule, message) => {
    expect(checkExpression(rule)).toMatch(message);
  });
});

describe('evaluate and holds', () => {
  it('evaluates against the scope and returns plain JSON', () => {
    expect(evaluate({ var: 'nodes.classify.output.category' }, scope)).toBe('bug');
    expect(evaluate({ map: [{ var: 'input.tags' }, { cat: [{ var: '' }, '!'] }] }, scope)).toEqual(['a!', 'b!']);
    expect(evaluate({ var: 'input.missing' }, scope)).toBeNull();
  });

  it('uses JSON Logic truthiness', () => {
    expect(holds({ '>': [{ var: 'nodes.classify.output.score' }, 0.5] }, scope)).toBe(true);
    expect(holds([], scope)).toBe(false);
    expect(holds({ var: 'input.tags' }, scope)).toBe(true);
    expect(holds('0', scope)).toBe(true);
    expect(holds(0, scope)).toBe(false);
  });

  it('throws ExpressionError for a refused rule and for an oversized result', () => {
    expect(() => evaluate({ method: ['x', 'toString'] }, scope)).toThrow(ExpressionError);
    const big = { input: 'x'.repeat(GRAPH_LIMITS.maxValueBytes / 2 + 1), nodes: {} };
    expect(() => evaluate({ cat: [{ var: 'input' }, { var: 'input' }] }, big)).toThrow(/the limit is/);
  });
});

describe('templates', () => {
  it('renders placeholders, whole-value placeholders and $logic, keeping the rest', () => {
    const t = {
      greeting: 'Hi {{ input.name }} ({{input.n}}), {{ input.nope }}!',
      tags: '{{ input.tags }}',
      path: '{{ item.path }}',
      i: { $logic: { '+': [{ var: 'index' }, 1] } },
      keep: [true, 1, null],
    };
    expect(renderTemplate(t, scope)).toEqual({ greeting: 'Hi Ada (3), !', tags: ['a', 'b'], path: 'notes/x.md', i: 3, keep: [true, 1, null] });
    expect(renderTemplate('{{ nodes.classify.output }} seen', scope)).toBe('{"category":"bug","score":0.9} seen');
  });

  it('lists the scope paths a template and a rule name (not iteration bodies)', () => {
    expect(templatePaths({ a: 'x {{ input.name }} {{nodes.classify.output}}', b: [{ $logic: { if: [{ var: 'index' }, { var: 'item.path' }, 0] } }] })).toEqual([
      'input.name',
      'nodes.classify.output',
      'index',
      'item.path',
    ]);
    expect(expressionPaths({ filter: [{ var: 'nodes.read.output' }, { var: 'text' }] })).toEqual(['nodes.read.output']);
    expect(expressionPaths({ var: ['input.a', { var: 'input.b' }] })).toEqual(['input.a', 'input.b']);
  });

  it('checks the rules and paths inside a template', () => {
    expect(checkTemplate({ a: '{{ input.x }}', b: { $logic: { '+': [1, 2] } } })).toBeNull();
    expect(checkTemplate('{{ input.constructor }}')).toMatch(/not allowed/);
    expect(checkTemplate({ deep: [{ $logic: { method: [] } }] })).toMatch(/unknown operator/);
  });
});
