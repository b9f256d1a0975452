import type { GraphSpec } from '@omniai/contracts';
import {
  History,
  addNode,
  autoLayout,
  blankSpec,
  connect,
  defaultNode,
  freshNodeId,
  mergeIssues,
  removeNodes,
  renameNode,
  replaceNode,
  sampleFromSchema,
  setEdgeCondition,
} from './graph-model';

function twoTools(): GraphSpec {
  let spec = blankSpec('t');
  spec = addNode(spec, defaultNode('tool', 'tool_1', { x: 0, y: 0 }, 'documents.search'));
  spec = addNode(spec, defaultNode('approval', 'approval_1', { x: 0, y: 0 }));
  return connect(spec, 'tool_1', 'out', 'approval_1')!;
}

describe('graph-model edits', () => {
  it('gives fresh ids per kind', () => {
    expect(freshNodeId(twoTools(), 'tool')).toBe('tool_2');
    expect(freshNodeId(twoTools(), 'output')).toBe('output_1');
  });

  it('connects once, never to itself', () => {
    const spec = twoTools();
    expect(connect(spec, 'tool_1', 'out', 'approval_1')).toBeNull();
    expect(connect(spec, 'tool_1', 'out', 'tool_1')).toBeNull();
    expect(connect(spec, 'approval_1', 'denied', 'tool_1')!.edges).toEqual([
      { from: 'tool_1', to: 'approval_1', port: 'out' },
      { from: 'approval_1', to: 'tool_1', port: 'denied' },
    ]);
  });

  it('removes a node with its edges, and renames one in edges', () => {
    expect(removeNodes(twoTools(), new Set(['approval_1']))).toMatchObject({ nodes: [{ id: 'tool_1' }], edges: [] });
    const renamed = renameNode(twoTools(), 'tool_1', 'search')!;
    expect(renamed.nodes.map((n) => n.id)).toEqual(['search', 'approval_1']);
    expect(renamed.edges).toEqual([{ from: 'search', to: 'approval_1', port: 'out' }]);
    expect(renameNode(twoTools(), 'tool_1', 'approval_1')).toBeNull();
  });

  it('drops the edges of a port a node no longer has', () => {
    let spec = addNode(blankSpec(), defaultNode('branch', 'branch_1', { x: 0, y: 0 }));
    spec = addNode(spec, defaultNode('output', 'output_1', { x: 0, y: 0 }));
    spec = connect(spec, 'branch_1', 'yes', 'output_1')!;
    const branch = spec.nodes[0]!;
    if (branch.kind !== 'branch') throw new Error('branch');
    const next = replaceNode(spec, { ...branch, cases: [{ id: 'no', when: true }] });
    expect(next.edges).toEqual([]);
  });

  it('sets, replaces and removes an edge condition; null when nothing changes', () => {
    const spec = twoTools();
    const rule = { '==': [{ var: 'nodes.tool_1.output.ok' }, true] };
    const set = setEdgeCondition(spec, 0, rule)!;
    expect(set.edges).toEqual([{ from: 'tool_1', to: 'approval_1', port: 'out', condition: rule }]);
    expect(spec.edges[0]).not.toHaveProperty('condition');
    expect(setEdgeCondition(set, 0, structuredClone(rule))).toBeNull();
    const other = setEdgeCondition(set, 0, { '!': { var: 'input.skip' } })!;
    expect(other.edges[0]!.condition).toEqual({ '!': { var: 'input.skip' } });
    const removed = setEdgeCondition(other, 0, undefined)!;
    expect(removed.edges).toEqual([{ from: 'tool_1', to: 'approval_1', port: 'out' }]);
    expect(removed.edges[0]).not.toHaveProperty('condition');
    expect(setEdgeCondition(removed, 0, undefined)).toBeNull();
    expect(setEdgeCondition(spec, 5, rule)).toBeNull();
    // A falsy rule is still a condition (`false` never holds).
    expect(setEdgeCondition(spec, 0, false)!.edges[0]!.condition).toBe(false);
  });

  it('undoes and redoes a condition edit through the history', () => {
    const spec = twoTools();
    const h = new History(spec);
    const rule = { '>': [{ var: 'input.n' }, 1] };
    h.push(setEdgeCondition(h.value, 0, rule)!, 'edge:0:condition');
    h.push(setEdgeCondition(h.value, 0, { '>': [{ var: 'input.n' }, 12] })!, 'edge:0:condition');
    h.push(setEdgeCondition(h.value, 0, undefined)!);
    expect(h.value.edges[0]).not.toHaveProperty('condition');
    expect(h.undo()!.edges[0]!.condition).toEqual({ '>': [{ var: 'input.n' }, 12] });
    // Typing in the box is one step: the next undo goes back to no condition at all.
    expect(h.undo()).toBe(spec);
    expect(h.redo()!.edges[0]!.condition).toEqual({ '>': [{ var: 'input.n' }, 12] });
    expect(h.redo()!.edges[0]).not.toHaveProperty('condition');
  });

  it('lays a chain out left to right', () => {
    const laid = autoLayout(twoTools());
    expect(laid.nodes[0]!.position!.x).toBeLessThan(laid.nodes[1]!.position!.x);
  });

  it('merges issues once, errors first', () => {
    const w = { severity: 'warning' as const, code: 'policy_denied', message: 'm', node_id: 'a', edge: null, path: 'nodes.0' };
    const e = { ...w, severity: 'error' as const, code: 'cycle' };
    expect(mergeIssues([w], [w, e])).toEqual([e, w]);
  });

  it('samples an input from a schema', () => {
    expect(sampleFromSchema({ type: 'object', properties: { a: { type: 'string' }, b: { type: 'integer', default: 3 }, c: { enum: ['x'] } } })).toEqual({
      a: '',
      b: 3,
      c: 'x',
    });
  });
});

describe('History', () => {
  it('undoes and redoes, coalesces a run of the same key, and drops the redo side on a new edit', () => {
    const h = new History('a');
    h.push('b');
    h.push('bc', 'typing');
    h.push('bcd', 'typing');
    expect(h.undo()).toBe('b');
    expect(h.undo()).toBe('a');
    expect(h.undo()).toBeNull();
    expect(h.redo()).toBe('b');
    h.push('x');
    expect(h.canRedo).toBe(false);
    expect(h.undo()).toBe('b');
  });
});
