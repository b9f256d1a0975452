import type { GraphNodeKind } from '@omniai/contracts';

/**
 * The inspector's form of each node kind, as data: the inspector renders one control per field and writes the value
 * back under `key`. Mirrors `libs/contracts/src/graphs.ts` (a field added there is added here; the server's validation
 * names anything the form cannot express).
 */
export type FieldSpec =
  | { key: string; label: string; type: 'text'; required?: boolean; hint?: string }
  | { key: string; label: string; type: 'number'; min?: number; max?: number; hint?: string }
  | { key: string; label: string; type: 'enum'; options: readonly string[]; hint?: string }
  /** A checkbox. */
  | { key: string; label: string; type: 'boolean'; hint?: string }
  /** A template: plain text (with `{{ path }}` placeholders) or any JSON. */
  | { key: string; label: string; type: 'template'; required?: boolean; hint?: string }
  /** Any JSON value; optional ones are removed when the box is emptied. */
  | { key: string; label: string; type: 'json'; required?: boolean; hint?: string }
  | { key: string; label: string; type: 'tool'; hint?: string }
  /** Another node of the graph, by id. */
  | { key: string; label: string; type: 'node'; hint?: string };

const TEMPLATE_HINT = 'Text with {{ input.x }} / {{ nodes.<id>.output }} placeholders, or JSON (switch below).';

const COMMON_TAIL: readonly FieldSpec[] = [
  { key: 'timeout_ms', label: 'Timeout (ms)', type: 'number', min: 100, hint: 'Per attempt; over it the attempt fails with E_NODE_TIMEOUT.' },
  { key: 'retry', label: 'Retry', type: 'json', hint: '{ "max_attempts": 3, "initial_interval_ms": 1000, "backoff": 2 }' },
];

const TITLE: FieldSpec = { key: 'title', label: 'Title', type: 'text', hint: 'Shown on the canvas instead of the id.' };

export const NODE_FIELDS: Readonly<Record<GraphNodeKind, readonly FieldSpec[]>> = {
  tool: [
    TITLE,
    { key: 'tool', label: 'Tool', type: 'tool', hint: 'Policy, approval and sandbox apply exactly as in chat.' },
    { key: 'arguments', label: 'Arguments', type: 'template', required: true, hint: TEMPLATE_HINT },
    ...COMMON_TAIL,
  ],
  model: [
    TITLE,
    { key: 'system', label: 'System prompt', type: 'template', hint: TEMPLATE_HINT },
    { key: 'prompt', label: 'Prompt', type: 'template', required: true, hint: TEMPLATE_HINT },
    { key: 'output_schema', label: 'Output schema', type: 'json', hint: 'A JSON Schema: the reply must be JSON valid against it.' },
    { key: 'pins', label: 'Model pins', type: 'json', hint: '{ "provider": "…", "model": "…", "params": {} }' },
    ...COMMON_TAIL,
  ],
  agent: [
    TITLE,
    { key: 'prompt', label: 'Prompt', type: 'template', required: true, hint: TEMPLATE_HINT },
    { key: 'tools', label: 'Tools', type: 'json', hint: '[{ "id": "files.read" }]' },
    { key: 'pins', label: 'Model pins', type: 'json' },
    { key: 'budget', label: 'Budget', type: 'json', hint: '{ "max_cost_usd": 0.5 }' },
    ...COMMON_TAIL,
  ],
  approval: [
    { key: 'title', label: 'Title', type: 'text', required: true, hint: 'What the reviewer decides.' },
    { key: 'instructions', label: 'Instructions', type: 'template', hint: TEMPLATE_HINT },
    { key: 'show', label: 'Data shown', type: 'template', hint: 'Rendered when the gate opens and bound into the approval.' },
    { key: 'form_schema', label: 'Form schema', type: 'json', hint: "A JSON Schema of the reviewer's input (the node's output)." },
    { key: 'timeout_s', label: 'Timeout (s)', type: 'number', min: 1, max: 30 * 86_400, hint: 'Then the timeout port (or the node fails).' },
    ...COMMON_TAIL,
  ],
  branch: [
    TITLE,
    {
      key: 'cases',
      label: 'Cases',
      type: 'json',
      required: true,
      hint: '[{ "id": "urgent", "when": { "==": [{ "var": "nodes.classify.output.label" }, "urgent"] } }]: each id is a port, plus else.',
    },
    ...COMMON_TAIL,
  ],
  parallel: [
    TITLE,
    { key: 'join', label: 'Join', type: 'enum', options: ['all', 'any', 'first_n'] },
    { key: 'n', label: 'n (first_n)', type: 'number', min: 1, max: 64 },
    { key: 'join_at', label: 'Join at', type: 'node', hint: 'Where the branches meet.' },
    ...COMMON_TAIL,
  ],
  map: [
    TITLE,
    { key: 'items', label: 'Items', type: 'json', required: true, hint: 'An expression yielding an array, e.g. { "var": "input.items" }.' },
    { key: 'body', label: 'Body', type: 'json', required: true, hint: 'A tool, model or subgraph step; item and index are in scope.' },
    { key: 'concurrency', label: 'Concurrency', type: 'number', min: 1, max: 32 },
    { key: 'batch_size', label: 'Batch size', type: 'number', min: 1, max: 500 },
    { key: 'on_item_error', label: 'On item error', type: 'enum', options: ['fail', 'continue'] },
    ...COMMON_TAIL,
  ],
  wait: [
    TITLE,
    { key: 'duration_ms', label: 'Duration (ms)', type: 'number', min: 0 },
    { key: 'until', label: 'Until', type: 'template', hint: 'An ISO 8601 time (template).' },
    ...COMMON_TAIL,
  ],
  subgraph: [
    TITLE,
    { key: 'graph_id', label: 'Graph id', type: 'text', required: true },
    { key: 'version', label: 'Version', type: 'number', min: 1 },
    { key: 'input', label: 'Input', type: 'template', required: true, hint: TEMPLATE_HINT },
    ...COMMON_TAIL,
  ],
  research: [
    TITLE,
    {
      key: 'question',
      label: 'Question',
      type: 'template',
      required: true,
      hint: 'Renders to text of 3 to 2000 characters, e.g. {{ input.topic }}. The output: run_id, report_markdown, metrics, bibliography.',
    },
    { key: 'depth', label: 'Depth', type: 'number', min: 1, max: 3, hint: 'Results read per sub-question: 1 → 2, 2 → 3, 3 → 5.' },
    { key: 'max_sources', label: 'Max sources', type: 'number', min: 1, max: 50, hint: 'Distinct sources read at most.' },
    { key: 'plan_review', label: 'Review the plan', type: 'boolean', hint: 'A reviewer edits and approves the plan in the approvals inbox first.' },
    {
      key: 'sources',
      label: 'Sources',
      type: 'json',
      hint: '{ "documents": true }: the project\'s documents. Web and MCP sources need the plan review of the Research page.',
    },
    { key: 'pins', label: 'Model pins', type: 'json' },
    { key: 'budget', label: 'Budget', type: 'json', hint: '{ "max_cost_usd": 0.5 }' },
    ...COMMON_TAIL,
  ],
  output: [TITLE, { key: 'value', label: 'Value', type: 'template', required: true, hint: TEMPLATE_HINT }, ...COMMON_TAIL],
};

/** JSON text of a value for an editor box ('' for absent). */
export function jsonText(value: unknown): string {
  return value === undefined ? '' : JSON.stringify(value, null, 2);
}

/** Parses an editor box: `{ ok, value }` (undefined for an empty box) or the parser's message. */
export function parseJsonText(text: string): { ok: true; value: unknown } | { ok: false; message: string } {
  if (!text.trim()) return { ok: true, value: undefined };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (err) {
    return { ok: false, message: err instanceof Error ? err.message : String(err) };
  }
}
