import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GraphSpec, GraphTemplate } from '@omniai/contracts';
import { parseScriptedFixtures, ScriptedProvider } from '@omniai/providers';
import { createFilesIngestTool, createFilesReadTool, createDocumentsSearchTool, validateJson, type BuiltinTool } from '@omniai/tools';
import { canonicalSpec, GRAPH_TEMPLATES, renderTemplate, validateGraph, type ToolInfo, type ValidationContext } from '.';

// The real built-in manifests the templates name (their schemas; the tools are never called here).
const builtins: BuiltinTool[] = [
  createDocumentsSearchTool({ backend: {} as never }),
  createFilesReadTool({ documents: {} as never }),
  createFilesIngestTool({ documents: {} as never }),
];
const tools = new Map<string, ToolInfo>(
  builtins.map(({ manifest: m }) => [
    m.id,
    {
      id: m.id,
      version: m.version,
      input_schema: m.input_schema,
      output_schema: m.output_schema ?? null,
      // The policy engine's rule: writes and egress always need a reviewer.
      requires_approval: m.risk.side_effect !== 'read' || m.risk.egress_hosts.length > 0,
      denied: false,
    },
  ]),
);
const ctx: ValidationContext = { tool: (id) => tools.get(id) ?? null, graph: () => null };

describe('GRAPH_TEMPLATES', () => {
  it('offers the three templates the issue asks for, with unique ids', () => {
    expect(GRAPH_TEMPLATES.map((t) => t.id)).toEqual(['triage-ticket', 'summarize-documents', 'two-agent-brief']);
  });

  it.each(GRAPH_TEMPLATES.map((t) => [t.id, t] as const))('%s is a valid, normalised spec with no validation issue', (_, template) => {
    expect(GraphTemplate.parse(template)).toBeTruthy();
    // Already normalised: parsing adds no defaults, so the hash the API computes is the template's own.
    expect(canonicalSpec(GraphSpec.parse(template.spec))).toBe(canonicalSpec(template.spec));
    expect(validateGraph(template.spec, ctx)).toEqual([]);
  });

  it.each(GRAPH_TEMPLATES.map((t) => [t.id, t] as const))('%s carries a sample input valid against its input schema', (_, template) => {
    expect(validateJson(template.spec.input_schema!, template.sample_input)).toEqual({ ok: true });
    expect(validateJson(template.spec.input_schema!, {}).ok).toBe(false);
  });

  it('uses only built-in tools, and none that needs approval inside a map', () => {
    for (const template of GRAPH_TEMPLATES) {
      for (const node of template.spec.nodes) {
        if (node.kind === 'tool') expect(tools.has(node.tool.id)).toBe(true);
        if (node.kind === 'map' && node.body.kind === 'tool') expect(tools.get(node.body.tool.id)!.requires_approval).toBe(false);
      }
    }
  });

  it("triage: the offline model's fixtures answer the classifier with JSON valid against its output schema", async () => {
    const fixtures = parseScriptedFixtures(readFileSync(join(__dirname, '../../../apps/worker/fixtures/scripted/10-graph-templates.json'), 'utf8'), 'fixtures');
    const provider = new ScriptedProvider(fixtures);
    const triage = GRAPH_TEMPLATES.find((t) => t.id === 'triage-ticket')!;
    const classify = triage.spec.nodes.find((n) => n.id === 'classify')!;
    if (classify.kind !== 'model') throw new Error('classify is a model node');
    const categories: unknown[] = [];
    for (const input of [
      triage.sample_input,
      { subject: 'Refund please', body: 'I was charged twice on my invoice.' },
      { subject: 'How do I invite a colleague?', body: 'Where is the setting?' },
    ]) {
      const prompt = renderTemplate(classify.prompt, { input, nodes: {} }) as string;
      const reply = await provider.chatOnce({ model: 'offline-scripted-1', messages: [{ role: 'user', content: prompt }], params: { delay_ms: 0 } } as never);
      const json = JSON.parse(reply.text) as { category: string };
      expect(validateJson(classify.output_schema!, json)).toEqual({ ok: true });
      categories.push(json.category);
    }
    expect(categories).toEqual(['bug', 'billing', 'question']);
  });
});
