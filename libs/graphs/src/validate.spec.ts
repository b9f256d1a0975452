import { GraphSpec, type GraphIssue } from '@omniai/contracts';
import { canonicalSpec, collectRefs, validateGraph, type ToolInfo, type ValidationContext } from './validate';

const G1 = '00000000-0000-4000-8000-0000000000a1';
const raw = (nodes: object[], edges: object[], extra: object = {}) => ({ schema: 'omni.graph/v1', name: 't', nodes, edges, ...extra });
const spec = (nodes: object[], edges: object[], extra: object = {}): GraphSpec => GraphSpec.parse(raw(nodes, edges, extra));
const model = (id: string, prompt: unknown = 'hi') => ({ id, kind: 'model', prompt });
const out = (id = 'out', value: unknown = null) => ({ id, kind: 'output', value });
const e = (from: string, to: string, port = 'out') => ({ from, to, port });

const SEARCH: ToolInfo = {
  id: 'documents.search',
  version: '1.0.0',
  input_schema: {
    type: 'object',
    properties: { query: { type: 'string' }, limit: { type: 'integer' } },
    required: ['query'],
    additionalProperties: false,
  },
  output_schema: null,
  requires_approval: false,
  denied: false,
};
const TOOLS: Record<string, ToolInfo> = {
  'documents.search': SEARCH,
  'files.ingest': { ...SEARCH, id: 'files.ingest', input_schema: null, requires_approval: true },
  'net.blocked': { ...SEARCH, id: 'net.blocked', input_schema: null, denied: true },
};
const ctx: ValidationContext = {
  tool: (id) => TOOLS[id] ?? null,
  graph: (id, version) =>
    id === G1 && version === 1 ? { input_schema: { type: 'object', properties: { topic: { type: 'string' } }, required: ['topic'] } } : null,
};

/** A graph with every node kind that validates cleanly (the baseline the cases below break one rule of). */
const everyKind = () =>
  spec(
    [
      { id: 'start', kind: 'tool', tool: { id: 'documents.search' }, arguments: { query: '{{ input.q }}', limit: 3 } },
      {
        id: 'classify',
        kind: 'model',
        prompt: 'Classify {{ nodes.start.output }}',
        output_schema: { type: 'object', properties: { cat: { type: 'string' } } },
      },
      { id: 'route', kind: 'branch', cases: [{ id: 'big', when: { '==': [{ var: 'nodes.classify.output.cat' }, 'big'] } }] },
      { id: 'gate', kind: 'approval', title: 'OK?', show: '{{ nodes.classify.output }}' },
      { id: 'fan', kind: 'parallel', join_at: 'join' },
      { id: 'agent', kind: 'agent', prompt: 'Think about {{ input.q }}', tools: [{ id: 'documents.search' }] },
      {
        id: 'each',
        kind: 'map',
        items: { var: 'nodes.start.output.results' },
        body: { kind: 'tool', tool: { id: 'documents.search' }, arguments: { query: '{{ item.path }}' } },
      },
      { id: 'join', kind: 'wait', duration_ms: 10 },
      { id: 'child', kind: 'subgraph', graph_id: G1, version: 1, input: { topic: '{{ input.q }}' } },
      out('out', { answer: '{{ nodes.child.output }}' }),
      out('small', { answer: '{{ nodes.route.port }}' }),
    ],
    [
      e('start', 'classify'),
      e('classify', 'route'),
      e('route', 'gate', 'big'),
      e('route', 'small', 'else'),
      e('gate', 'fan'),
      e('fan', 'agent'),
      e('fan', 'each'),
      e('agent', 'join'),
      e('each', 'join'),
      { from: 'join', to: 'child', port: 'out', condition: { '!!': { var: 'nodes.agent.output' } } },
      e('child', 'out'),
    ],
    { input_schema: { type: 'object', properties: { q: { type: 'string' } } }, output_schema: { type: 'object', required: ['answer'] } },
  );

const codes = (issues: GraphIssue[]) => issues.map((i) => `${i.severity}:${i.code}:${i.node_id ?? '-'}`);

describe('validateGraph', () => {
  it('accepts a graph with every node kind', () => {
    expect(validateGraph(everyKind(), ctx)).toEqual([]);
  });

  // Each case breaks one rule; the issue must name the node (or edge) and point at the path.
  const cases: [string, GraphSpec, Partial<GraphIssue> & { code: string }][] = [
    ['duplicate_node', spec([model('a'), out('a')], []), { code: 'duplicate_node', node_id: 'a', path: 'nodes.1.id' }],
    ['unknown_node (edge target)', spec([model('a'), out()], [e('a', 'out'), e('a', 'ghost')]), { code: 'unknown_node', edge: 1, path: 'edges.1.to' }],
    [
      'unknown_node (edge source)',
      spec([model('a'), out()], [e('a', 'out'), e('ghost', 'out')]),
      { code: 'unknown_node', node_id: null, edge: 1, path: 'edges.1.from' },
    ],
    ['unknown_port', spec([model('a'), out()], [e('a', 'out', 'denied')]), { code: 'unknown_port', node_id: 'a', edge: 0, path: 'edges.0.port' }],
    [
      'cycle',
      spec([model('s'), model('a'), model('b'), out()], [e('s', 'a'), e('a', 'b'), e('b', 'a'), e('b', 'out')]),
      { code: 'cycle', node_id: 'a', edge: 1 },
    ],
    ['cycle (self-loop)', spec([model('a'), out()], [e('a', 'a'), e('a', 'out')]), { code: 'cycle', node_id: 'a', edge: 0 }],
    [
      'unreachable (behind a cycle)',
      spec([model('a'), model('b'), out()], [e('a', 'b'), e('b', 'a'), e('b', 'out')]),
      { code: 'unreachable', node_id: 'out', severity: 'error' },
    ],
    [
      'unreachable (not connected)',
      spec([model('a'), model('lonely'), out()], [e('a', 'out')]),
      { code: 'unreachable', node_id: 'lonely', severity: 'warning' },
    ],
    ['no_output', spec([model('a'), model('b')], [e('a', 'b')]), { code: 'no_output', node_id: null, path: 'nodes' }],
    [
      'missing_input (node not upstream)',
      spec([model('a', '{{ nodes.b.output }}'), model('b'), out()], [e('a', 'b'), e('b', 'out')]),
      { code: 'missing_input', node_id: 'a', path: 'nodes.0.prompt' },
    ],
    ['missing_input (no such node)', spec([model('a', '{{ nodes.zz.output }}'), out()], [e('a', 'out')]), { code: 'missing_input', node_id: 'a' }],
    [
      'missing_input (input field)',
      spec([model('a', '{{ input.nope }}'), out()], [e('a', 'out')], { input_schema: { type: 'object', properties: { q: { type: 'string' } } } }),
      { code: 'missing_input', node_id: 'a' },
    ],
    ['missing_input (item outside a map)', spec([model('a', '{{ item }}'), out()], [e('a', 'out')]), { code: 'missing_input', node_id: 'a' }],
    ['missing_input (unknown root)', spec([model('a', { $logic: { var: 'secrets.key' } }), out()], [e('a', 'out')]), { code: 'missing_input', node_id: 'a' }],
    ['missing_input (node field)', spec([model('a'), out('out', '{{ nodes.a.result }}')], [e('a', 'out')]), { code: 'missing_input', node_id: 'out' }],
    [
      'missing_input (closed output schema)',
      spec(
        [
          { id: 'a', kind: 'model', prompt: 'x', output_schema: { type: 'object', properties: { cat: { type: 'string' } }, additionalProperties: false } },
          out('out', '{{ nodes.a.output.category }}'),
        ],
        [e('a', 'out')],
      ),
      { code: 'missing_input', node_id: 'out', severity: 'error' },
    ],
    [
      'missing_input (edge condition)',
      spec([model('a'), model('b'), out()], [e('a', 'out'), { from: 'b', to: 'out', condition: { var: 'nodes.a.output' } }]),
      { code: 'missing_input', node_id: 'b', edge: 1, path: 'edges.1.condition' },
    ],
    [
      'bad_expression (operator)',
      spec([{ id: 'b', kind: 'branch', cases: [{ id: 'x', when: { method: ['a', 'toString'] } }] }, out()], [e('b', 'out', 'x')]),
      { code: 'bad_expression', node_id: 'b', path: 'nodes.0.cases.0.when' },
    ],
    [
      'bad_expression (template path)',
      spec([model('a', '{{ input.__proto__ }}'), out()], [e('a', 'out')]),
      { code: 'bad_expression', node_id: 'a', path: 'nodes.0.prompt' },
    ],
    [
      'bad_expression (edge condition)',
      spec([model('a'), out()], [{ from: 'a', to: 'out', condition: { log: 1 } }]),
      { code: 'bad_expression', edge: 0, path: 'edges.0.condition' },
    ],
    [
      'bad_expression (map items: nested iteration)',
      spec(
        [{ id: 'm', kind: 'map', items: { map: [[1], { map: [[2], { var: '' }] }] }, body: { kind: 'model', prompt: '{{ item }}' } }, out()],
        [e('m', 'out')],
      ),
      { code: 'bad_expression', node_id: 'm', path: 'nodes.0.items' },
    ],
    [
      'parallel_join (join_at unknown)',
      spec([{ id: 'p', kind: 'parallel', join_at: 'nowhere' }, model('a'), out()], [e('p', 'a'), e('a', 'out')]),
      { code: 'parallel_join', node_id: 'p', path: 'nodes.0.join_at' },
    ],
    [
      'parallel_join (a branch never reaches join_at)',
      spec(
        [{ id: 'p', kind: 'parallel', join_at: 'j' }, model('a'), model('b'), model('j'), out(), out('other')],
        [e('p', 'a'), e('p', 'b'), e('a', 'j'), e('b', 'other'), e('j', 'out')],
      ),
      { code: 'parallel_join', node_id: 'p', path: 'nodes.0.join_at' },
    ],
    [
      'parallel_join (no branches)',
      spec([{ id: 'p', kind: 'parallel', join_at: 'out' }, out()], [e('p', 'out', 'error')]),
      { code: 'parallel_join', node_id: 'p', path: 'nodes.0' },
    ],
    [
      'parallel_join (first_n over the branch count)',
      spec(
        [{ id: 'p', kind: 'parallel', join: 'first_n', n: 3, join_at: 'out' }, model('a'), model('b'), out()],
        [e('p', 'a'), e('p', 'b'), e('a', 'out'), e('b', 'out')],
      ),
      { code: 'parallel_join', node_id: 'p', path: 'nodes.0.n' },
    ],
    [
      'parallel_join (first_n without n)',
      spec([{ id: 'p', kind: 'parallel', join: 'first_n', join_at: 'out' }, model('a'), out()], [e('p', 'a'), e('a', 'out')]),
      { code: 'parallel_join', node_id: 'p', path: 'nodes.0.n' },
    ],
    [
      'unknown_tool',
      spec([{ id: 't', kind: 'tool', tool: { id: 'no.such' }, arguments: {} }, out()], [e('t', 'out')]),
      { code: 'unknown_tool', node_id: 't', path: 'nodes.0.tool' },
    ],
    [
      'unknown_tool (agent)',
      spec([{ id: 'ag', kind: 'agent', prompt: 'x', tools: [{ id: 'documents.search' }, { id: 'no.such' }] }, out()], [e('ag', 'out')]),
      { code: 'unknown_tool', node_id: 'ag', path: 'nodes.0.tools.1' },
    ],
    [
      'policy_denied',
      spec([{ id: 't', kind: 'tool', tool: { id: 'net.blocked' }, arguments: {} }, out()], [e('t', 'out')]),
      { code: 'policy_denied', node_id: 't', severity: 'warning' },
    ],
    [
      'approval_in_map',
      spec([{ id: 'm', kind: 'map', items: [1, 2], body: { kind: 'tool', tool: { id: 'files.ingest' }, arguments: { path: 'a' } } }, out()], [e('m', 'out')]),
      { code: 'approval_in_map', node_id: 'm', path: 'nodes.0.body.tool' },
    ],
    [
      'schema_mismatch (missing required)',
      spec([{ id: 't', kind: 'tool', tool: { id: 'documents.search' }, arguments: { limit: 2 } }, out()], [e('t', 'out')]),
      { code: 'schema_mismatch', node_id: 't', path: 'nodes.0.arguments' },
    ],
    [
      'schema_mismatch (literal type)',
      spec([{ id: 't', kind: 'tool', tool: { id: 'documents.search' }, arguments: { query: 'x', limit: 'two' } }, out()], [e('t', 'out')]),
      { code: 'schema_mismatch', node_id: 't', path: 'nodes.0.arguments.limit' },
    ],
    [
      'schema_mismatch (closed schema)',
      spec([{ id: 't', kind: 'tool', tool: { id: 'documents.search' }, arguments: { query: 'x', extra: 1 } }, out()], [e('t', 'out')]),
      { code: 'schema_mismatch', node_id: 't', path: 'nodes.0.arguments.extra' },
    ],
    [
      'schema_mismatch (subgraph input)',
      spec([{ id: 's', kind: 'subgraph', graph_id: G1, version: 1, input: { subject: 'x' } }, out()], [e('s', 'out')]),
      { code: 'schema_mismatch', node_id: 's', path: 'nodes.0.input' },
    ],
    [
      'schema_mismatch (graph output)',
      spec([out('out', 'text')], [], { output_schema: { type: 'object' } }),
      { code: 'schema_mismatch', node_id: 'out', path: 'nodes.0.value' },
    ],
    [
      'schema_mismatch (a model output into a tool argument)',
      spec(
        [
          { id: 'm', kind: 'model', prompt: 'x', output_schema: { type: 'object', properties: { cat: { enum: ['a', 'b'] } } } },
          { id: 't', kind: 'tool', tool: { id: 'documents.search' }, arguments: { query: '{{ nodes.m.output.cat }}', limit: '{{ nodes.m.output.cat }}' } },
          out(),
        ],
        [e('m', 't'), e('t', 'out')],
      ),
      { code: 'schema_mismatch', node_id: 't', path: 'nodes.1.arguments.limit' },
    ],
    [
      'schema_mismatch (graph input into a subgraph input)',
      spec([{ id: 's', kind: 'subgraph', graph_id: G1, version: 1, input: { topic: '{{ input.n }}' } }, out()], [e('s', 'out')], {
        input_schema: { type: 'object', properties: { n: { type: 'integer' } } },
      }),
      { code: 'schema_mismatch', node_id: 's', path: 'nodes.0.input.topic' },
    ],
    [
      'unknown_graph',
      spec([{ id: 's', kind: 'subgraph', graph_id: G1, version: 2, input: {} }, out()], [e('s', 'out')]),
      { code: 'unknown_graph', node_id: 's', path: 'nodes.0' },
    ],
    [
      'unknown_graph (map body)',
      spec([{ id: 'm', kind: 'map', items: [1], body: { kind: 'subgraph', graph_id: G1, version: 9, input: {} } }, out()], [e('m', 'out')]),
      { code: 'unknown_graph', node_id: 'm', path: 'nodes.0.body' },
    ],
    [
      'duplicate_port',
      spec([{ id: 'b', kind: 'branch', cases: [{ id: 'else', when: true }] }, out()], [e('b', 'out', 'else')]),
      { code: 'duplicate_port', node_id: 'b' },
    ],
    ['bad_wait', spec([{ id: 'w', kind: 'wait' }, out()], [e('w', 'out')]), { code: 'bad_wait', node_id: 'w' }],
    ['duplicate_edge', spec([model('a'), out()], [e('a', 'out'), e('a', 'out')]), { code: 'duplicate_edge', edge: 1, severity: 'warning' }],
  ];

  it.each(cases)('%s', (_, s, expected) => {
    const issues = validateGraph(s, ctx);
    expect(issues).toContainEqual(expect.objectContaining({ severity: 'error', ...expected }));
    const found = issues.find((i) => i.code === expected.code)!;
    if (found.node_id) expect(found.message).toContain(`"${found.node_id}"`);
  });

  it('reports nothing else for a one-rule break (the cases stay independent)', () => {
    expect(codes(validateGraph(spec([model('a', '{{ nodes.b.output }}'), model('b'), out()], [e('a', 'b'), e('b', 'out')]), ctx))).toEqual([
      'error:missing_input:a',
    ]);
  });

  it('warns, not errs, on a field an open output schema does not declare', () => {
    const s = spec(
      [{ id: 'a', kind: 'model', prompt: 'x', output_schema: { properties: { cat: {} } } }, out('out', '{{ nodes.a.output.kind }}')],
      [e('a', 'out')],
    );
    expect(codes(validateGraph(s))).toEqual(['warning:missing_input:out']);
  });

  it('lets a map body use item and index, and iteration bodies name elements, not the scope', () => {
    const s = spec(
      [
        { id: 'm', kind: 'map', items: { filter: [{ var: 'input.list' }, { var: 'ok' }] }, body: { kind: 'model', prompt: '{{ index }}: {{ item.name }}' } },
        out('out', { $logic: { map: [{ var: 'nodes.m.output' }, { var: 'text' }] } }),
      ],
      [e('m', 'out')],
    );
    expect(validateGraph(s)).toEqual([]);
  });

  it('lets placeholders through whose declared type fits, or whose type is unknown', () => {
    const s = spec(
      [
        {
          id: 'm',
          kind: 'model',
          prompt: 'x',
          output_schema: { type: 'object', properties: { n: { type: 'number' }, list: { type: 'array', items: { type: 'string' } } } },
        },
        { id: 't', kind: 'tool', tool: { id: 'documents.search' }, arguments: { query: '{{ nodes.m.output.list.0 }}', limit: '{{ nodes.m.output.n }}' } },
        { id: 'u', kind: 'tool', tool: { id: 'documents.search' }, arguments: { query: '{{ nodes.t.output.anything }}', limit: '{{ input.x }}' } },
        out(),
      ],
      [e('m', 't'), e('t', 'u'), e('u', 'out')],
    );
    expect(validateGraph(s, ctx)).toEqual([]);
  });

  it('checks tools and subgraphs only with a context', () => {
    const s = spec(
      [{ id: 't', kind: 'tool', tool: { id: 'no.such' }, arguments: {} }, { id: 's', kind: 'subgraph', graph_id: G1, version: 5, input: {} }, out()],
      [e('t', 's'), e('s', 'out')],
    );
    expect(validateGraph(s)).toEqual([]);
    expect(codes(validateGraph(s, ctx))).toEqual(['error:unknown_tool:t', 'error:unknown_graph:s']);
  });

  it('passes values only known at run time (placeholders, $logic) against a schema', () => {
    const s = spec([{ id: 't', kind: 'tool', tool: { id: 'documents.search' }, arguments: '{{ input.args }}' }, out()], [e('t', 'out')]);
    expect(validateGraph(s, ctx)).toEqual([]);
    const typed = spec(
      [{ id: 't', kind: 'tool', tool: { id: 'documents.search' }, arguments: { query: 'a {{ input.q }} b', limit: { $logic: { '+': [1, 2] } } } }, out()],
      [e('t', 'out')],
    );
    expect(validateGraph(typed, ctx)).toEqual([]);
  });
});

describe('collectRefs', () => {
  it('lists every tool and graph once, from tool, agent, map and subgraph nodes', () => {
    expect(collectRefs(everyKind())).toEqual({ tools: [{ id: 'documents.search' }], graphs: [{ graph_id: G1, version: 1 }] });
    const s = spec(
      [
        { id: 'a', kind: 'agent', prompt: 'x', tools: [{ id: 'files.read', version: '1.0.0' }, { id: 'files.read' }] },
        { id: 'm', kind: 'map', items: [], body: { kind: 'subgraph', graph_id: G1, version: 2, input: {} } },
        out(),
      ],
      [e('a', 'm'), e('m', 'out')],
    );
    expect(collectRefs(s)).toEqual({ tools: [{ id: 'files.read', version: '1.0.0' }, { id: 'files.read' }], graphs: [{ graph_id: G1, version: 2 }] });
  });
});

describe('canonicalSpec', () => {
  it('is the same text whatever order keys were written in, and differs when content does', () => {
    const a = spec([model('a'), out()], [e('a', 'out')]);
    const reordered = JSON.parse(
      JSON.stringify({
        edges: a.edges,
        nodes: a.nodes.map((n) => Object.fromEntries(Object.entries(n).reverse())),
        name: a.name,
        description: a.description,
        schema: a.schema,
      }),
    ) as GraphSpec;
    expect(canonicalSpec(reordered)).toBe(canonicalSpec(a));
    expect(canonicalSpec(a)).toMatch(/^\{"description":"","edges":\[/);
    expect(canonicalSpec(spec([model('a', 'ho'), out()], [e('a', 'out')]))).not.toBe(canonicalSpec(a));
  });
});
