import { GRAPH_LIMITS } from '@omniai/contracts';
import { checkGraphSpec, parseGraphSpec } from './parse';

const raw = (nodes: unknown[], edges: unknown[] = [], extra: object = {}) => ({ schema: 'omni.graph/v1', name: 't', nodes, edges, ...extra });
const model = (id: string) => ({ id, kind: 'model', prompt: 'hi' });

describe('parseGraphSpec', () => {
  it('parses and fills defaults', () => {
    const r = parseGraphSpec(
      raw([model('a'), { id: 'g', kind: 'approval', title: 'ok?' }, { id: 'out', kind: 'output', value: 1 }], [{ from: 'a', to: 'out' }]),
    );
    if (!r.ok) throw new Error(JSON.stringify(r.issues));
    expect(r.spec.description).toBe('');
    expect(r.spec.edges[0]!.port).toBe('out');
    expect(r.spec.nodes[1]).toMatchObject({ kind: 'approval', timeout_s: 86_400 });
  });

  it('names an unknown node kind on its node', () => {
    const r = parseGraphSpec(raw([model('a'), model('b'), { id: 'c', kind: 'teleport' }]));
    expect(r).toEqual({
      ok: false,
      issues: [
        {
          severity: 'error',
          code: 'unknown_node_kind',
          message: 'Node "c", field "kind": "teleport" is not a node kind.',
          node_id: 'c',
          edge: null,
          path: 'nodes.2.kind',
        },
      ],
    });
  });

  it('pins field errors on the node or edge their path names', () => {
    const r = parseGraphSpec(
      raw([model('a'), model('b'), { id: 'c', kind: 'model' }, { id: 'Bad Id', kind: 'output', value: 1 }], [{ from: 'a', to: 'b', port: 'OUT' }]),
    );
    if (r.ok) throw new Error('should fail');
    expect(r.issues.map((i) => [i.code, i.node_id, i.edge, i.path])).toEqual([
      ['invalid_field', 'c', null, 'nodes.2.prompt'],
      ['invalid_field', null, null, 'nodes.3.id'],
      ['invalid_field', null, 0, 'edges.0.port'],
    ]);
    expect(r.issues[0]!.message).toMatch(/^Node "c", field "prompt": /);
    expect(r.issues[2]!.message).toMatch(/^Edge 0, field "port": /);
  });

  it('refuses what is not a spec at all', () => {
    expect(parseGraphSpec(null)).toMatchObject({ ok: false, issues: [{ code: 'invalid_field', path: '' }] });
    expect(parseGraphSpec(raw([{ ...model('a'), prompt: Number.NaN }]))).toMatchObject({ ok: false, issues: [{ code: 'invalid_field' }] });
  });

  it('refuses a spec over 1 MB of canonical JSON before walking it', () => {
    const big = raw([{ ...model('a'), prompt: 'x'.repeat(GRAPH_LIMITS.maxSpecBytes) }]);
    expect(parseGraphSpec(big)).toMatchObject({ ok: false, issues: [{ code: 'too_large', node_id: null, path: '' }] });
    // Bytes, not characters: 400,000 three-byte characters are 1.2 MB.
    expect(parseGraphSpec(raw([{ ...model('a'), prompt: '€'.repeat(400_000) }]))).toMatchObject({ ok: false, issues: [{ code: 'too_large' }] });
    expect(parseGraphSpec(raw([{ ...model('a'), prompt: 'x'.repeat(900_000) }])).ok).toBe(true);
  });

  it('refuses 501 nodes and 2,001 edges, accepts 500 nodes', () => {
    const nodes = (n: number) => Array.from({ length: n }, (_, i) => model(`n${i}`));
    expect(parseGraphSpec(raw(nodes(501)))).toMatchObject({ ok: false, issues: [{ code: 'too_many_nodes', path: 'nodes' }] });
    expect(parseGraphSpec(raw(nodes(500))).ok).toBe(true);
    const edges = Array.from({ length: 2001 }, () => ({ from: 'n0', to: 'n1' }));
    expect(parseGraphSpec(raw(nodes(2), edges))).toMatchObject({ ok: false, issues: [{ code: 'too_many_edges', path: 'edges' }] });
  });
});

describe('checkGraphSpec', () => {
  it('parses, then validates', () => {
    expect(checkGraphSpec(raw([{ id: 'c', kind: 'teleport' }])).spec).toBeNull();
    const r = checkGraphSpec(raw([model('a'), model('b')], [{ from: 'a', to: 'b' }]));
    expect(r.spec).not.toBeNull();
    expect(r.issues.map((i) => i.code)).toEqual(['no_output']);
  });
});
