import { GraphSpec } from '@omniai/contracts';
import { diffGraphs } from './diff';

const spec = (nodes: object[], edges: object[], extra: object = {}): GraphSpec =>
  GraphSpec.parse({ schema: 'omni.graph/v1', name: 't', nodes, edges, ...extra });
const base = () =>
  spec(
    [
      { id: 'a', kind: 'model', prompt: 'hi', position: { x: 0, y: 0 } },
      { id: 'b', kind: 'model', prompt: 'there' },
      { id: 'out', kind: 'output', value: '{{ nodes.b.output }}' },
    ],
    [
      { from: 'a', to: 'b' },
      { from: 'b', to: 'out' },
    ],
  );

describe('diffGraphs', () => {
  it('finds nothing between equal specs, whatever their key order', () => {
    const a = base();
    const b = JSON.parse(JSON.stringify({ ...a, nodes: a.nodes.map((n) => Object.fromEntries(Object.entries(n).reverse())) })) as GraphSpec;
    expect(diffGraphs(a, b)).toEqual({ nodes: { added: [], removed: [], changed: [] }, edges: { added: [], removed: [] }, graph: [] });
  });

  it('lists added, removed and changed nodes (with the changed fields), edges and top-level fields', () => {
    const b = spec(
      [
        { id: 'a', kind: 'model', prompt: 'hello', title: 'Greet', position: { x: 10, y: 0 } },
        { id: 'c', kind: 'tool', tool: { id: 'documents.search' }, arguments: { query: 'x' } },
        { id: 'out', kind: 'output', value: '{{ nodes.b.output }}' },
      ],
      [
        { from: 'a', to: 'c' },
        { from: 'c', to: 'out', condition: true },
      ],
      { name: 'renamed', input_schema: { type: 'object' } },
    );
    expect(diffGraphs(base(), b)).toEqual({
      nodes: { added: ['c'], removed: ['b'], changed: [{ node_id: 'a', fields: ['position', 'prompt', 'title'] }] },
      edges: {
        added: [
          { from: 'a', to: 'c', port: 'out' },
          { from: 'c', to: 'out', port: 'out', condition: true },
        ],
        removed: [
          { from: 'a', to: 'b', port: 'out' },
          { from: 'b', to: 'out', port: 'out' },
        ],
      },
      graph: ['input_schema', 'name'],
    });
  });

  it('sees a node whose kind changed, and an edge whose port changed, and counts repeated edges', () => {
    const a = spec(
      [
        { id: 'x', kind: 'approval', title: 'ok?' },
        { id: 'out', kind: 'output', value: 1 },
      ],
      [
        { from: 'x', to: 'out' },
        { from: 'x', to: 'out' },
      ],
    );
    const b = spec(
      [
        { id: 'x', kind: 'model', prompt: 'ok?' },
        { id: 'out', kind: 'output', value: 1 },
      ],
      [{ from: 'x', to: 'out', port: 'error' }],
    );
    const d = diffGraphs(a, b);
    expect(d.nodes.changed).toEqual([{ node_id: 'x', fields: ['kind', 'prompt', 'timeout_s', 'title'] }]);
    expect(d.edges.removed).toEqual([
      { from: 'x', to: 'out', port: 'out' },
      { from: 'x', to: 'out', port: 'out' },
    ]);
    expect(d.edges.added).toEqual([{ from: 'x', to: 'out', port: 'error' }]);
    expect(diffGraphs(a, { ...a, edges: [a.edges[0]!] }).edges).toEqual({ added: [], removed: [{ from: 'x', to: 'out', port: 'out' }] });
  });
});
