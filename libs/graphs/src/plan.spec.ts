import { GraphSpec } from '@omniai/contracts';
import { ancestors, descendants, graphCycles, graphPlan, nodePorts, reachableFrom } from './plan';

const spec = (nodes: object[], edges: object[]): GraphSpec => GraphSpec.parse({ schema: 'omni.graph/v1', name: 't', nodes, edges });
const model = (id: string) => ({ id, kind: 'model', prompt: 'hi' });
const out = (id: string) => ({ id, kind: 'output', value: null });

describe('nodePorts', () => {
  it('gives every node out and error, an approval denied and timeout, a branch its cases and else', () => {
    const [m, a, b] = spec(
      [
        model('m'),
        { id: 'a', kind: 'approval', title: 'ok?' },
        {
          id: 'b',
          kind: 'branch',
          cases: [
            { id: 'big', when: true },
            { id: 'small', when: false },
          ],
        },
      ],
      [],
    ).nodes;
    expect(nodePorts(m!)).toEqual(['out', 'error']);
    expect(nodePorts(a!)).toEqual(['out', 'denied', 'timeout', 'error']);
    expect(nodePorts(b!)).toEqual(['big', 'small', 'else', 'error']);
  });
});

describe('graphPlan', () => {
  it('orders topologically, spec order among ties, and lists starts and edges by endpoint', () => {
    // Spec order deliberately differs from the flow: z and a both follow s; out follows both.
    const s = spec(
      [out('out'), model('z'), model('s'), model('a'), model('t')],
      [
        { from: 's', to: 'z' },
        { from: 's', to: 'a' },
        { from: 'z', to: 'out' },
        { from: 'a', to: 'out' },
        { from: 't', to: 'out' },
      ],
    );
    const plan = graphPlan(s);
    expect(plan.starts).toEqual(['s', 't']);
    expect(plan.order).toEqual(['s', 'z', 'a', 't', 'out']);
    expect(plan.cyclic).toBe(false);
    expect(plan.incoming.get('out')!.map((e) => e.from)).toEqual(['z', 'a', 't']);
    expect(plan.outgoing.get('s')!.map((e) => e.to)).toEqual(['z', 'a']);
    expect(plan.incoming.get('s')).toEqual([]);
  });

  it('counts parallel edges between the same two nodes once when ordering', () => {
    const plan = graphPlan(
      spec(
        [{ id: 'b', kind: 'branch', cases: [{ id: 'x', when: true }] }, out('o')],
        [
          { from: 'b', to: 'o', port: 'x' },
          { from: 'b', to: 'o', port: 'else' },
        ],
      ),
    );
    expect(plan.order).toEqual(['b', 'o']);
  });

  it('ignores edges to unknown nodes, keeps the first of duplicate ids, and flags cycles', () => {
    const plan = graphPlan(
      spec(
        [model('a'), model('b'), out('a'), model('c')],
        [
          { from: 'a', to: 'ghost' },
          { from: 'a', to: 'b' },
          { from: 'b', to: 'c' },
          { from: 'c', to: 'b' },
        ],
      ),
    );
    expect(plan.nodes.get('a')!.kind).toBe('model');
    expect(plan.outgoing.get('a')!.map((e) => e.to)).toEqual(['b']);
    expect(plan.cyclic).toBe(true);
    expect(plan.order).toEqual(['a', 'b', 'c']);
    expect(graphCycles(plan)).toEqual([['b', 'c']]);
  });

  it('answers ancestors, descendants and reachability', () => {
    const plan = graphPlan(
      spec(
        [model('a'), model('b'), model('c'), model('d'), out('o')],
        [
          { from: 'a', to: 'b' },
          { from: 'b', to: 'o' },
          { from: 'c', to: 'o' },
        ],
      ),
    );
    expect([...ancestors(plan, 'o')].sort()).toEqual(['a', 'b', 'c']);
    expect([...ancestors(plan, 'a')]).toEqual([]);
    expect([...descendants(plan, 'a')].sort()).toEqual(['b', 'o']);
    expect([...reachableFrom(plan, ['c', 'ghost'])].sort()).toEqual(['c', 'o']);
    expect(reachableFrom(plan, plan.starts).has('d')).toBe(true);
  });
});

describe('graphCycles', () => {
  it('finds self-loops and every strongly connected component, in spec order', () => {
    const plan = graphPlan(
      spec(
        [model('a'), model('b'), model('c'), model('d'), model('e')],
        [
          { from: 'a', to: 'a' },
          { from: 'b', to: 'c' },
          { from: 'c', to: 'd' },
          { from: 'd', to: 'b' },
          { from: 'd', to: 'e' },
        ],
      ),
    );
    expect(graphCycles(plan)).toEqual([['a'], ['b', 'c', 'd']]);
  });

  it('walks a 500-node chain without recursion', () => {
    const ids = Array.from({ length: 500 }, (_, i) => `n${i}`);
    const plan = graphPlan(
      spec(
        ids.map(model),
        ids.slice(1).map((id, i) => ({ from: ids[i], to: id })),
      ),
    );
    expect(graphCycles(plan)).toEqual([]);
    expect(plan.order).toEqual(ids);
    plan.outgoing.get('n499')!.push({ from: 'n499', to: 'n0', port: 'out' });
    expect(graphCycles(plan)[0]).toHaveLength(500);
  });
});
