import type { GraphTemplate } from '@omniai/contracts';
import { GRAPH_SCHEMA } from '@omniai/contracts/pure';

/**
 * The graphs the console offers under "New from template". All run offline: models go to the default offline
 * provider (the triage classifier's JSON replies are fixtures in apps/worker/fixtures/scripted/10-graph-templates.json)
 * and the tools are built-ins over the project's own files (`documents.search`, `files.read`, `files.ingest`), which need the
 * project's `read_files` grant (and `write_files` for the triage record). The `id`s are stable.
 */
export const GRAPH_TEMPLATES: GraphTemplate[] = [
  {
    id: 'triage-ticket',
    name: 'Triage a support ticket',
    description:
      'A model classifies an incoming ticket (bug, billing or question). Questions get the drafted reply at once; bugs and ' +
      'billing issues look up related project documents, wait for a reviewer, then record the triage as a project file.',
    sample_input: {
      subject: 'Export fails with an error',
      body: 'Since this morning every CSV export fails with an error "E_EXPORT 500". We need the monthly report today.',
      customer: 'acme-corp',
    },
    spec: {
      schema: GRAPH_SCHEMA,
      name: 'Triage a support ticket',
      description: 'Classify → branch → search → approval → record.',
      input_schema: {
        type: 'object',
        properties: {
          subject: { type: 'string', minLength: 1, maxLength: 200 },
          body: { type: 'string', minLength: 1, maxLength: 20000 },
          customer: { type: 'string', maxLength: 100 },
        },
        required: ['subject', 'body'],
        additionalProperties: false,
      },
      nodes: [
        {
          id: 'classify',
          kind: 'model',
          title: 'Classify the ticket',
          system: 'You triage support tickets. Answer with JSON only, matching the schema.',
          prompt: 'Triage this support ticket.\nSubject: {{ input.subject }}\n\n{{ input.body }}',
          output_schema: {
            type: 'object',
            properties: {
              category: { type: 'string', enum: ['bug', 'billing', 'question'] },
              summary: { type: 'string', minLength: 1 },
              reply: { type: 'string', minLength: 1 },
            },
            required: ['category', 'summary', 'reply'],
            additionalProperties: false,
          },
          position: { x: 0, y: 0 },
        },
        {
          id: 'route',
          kind: 'branch',
          title: 'Needs a human?',
          cases: [{ id: 'escalate', label: 'Bug or billing', when: { in: [{ var: 'nodes.classify.output.category' }, ['bug', 'billing']] } }],
          position: { x: 0, y: 120 },
        },
        {
          id: 'find_related',
          kind: 'tool',
          title: 'Find related documents',
          tool: { id: 'documents.search' },
          arguments: { query: '{{ nodes.classify.output.summary }}', limit: 3 },
          position: { x: -160, y: 240 },
        },
        {
          id: 'review',
          kind: 'approval',
          title: 'Review the triage',
          instructions: 'Check the category and the drafted reply. Add a note for the record if you like.',
          show: {
            ticket: '{{ input.subject }}',
            category: '{{ nodes.classify.output.category }}',
            reply: '{{ nodes.classify.output.reply }}',
            related: '{{ nodes.find_related.output.results }}',
          },
          form_schema: { type: 'object', properties: { note: { type: 'string', maxLength: 2000 } }, additionalProperties: false },
          timeout_s: 86_400,
          position: { x: -160, y: 360 },
        },
        {
          id: 'record',
          kind: 'tool',
          title: 'Record the triage',
          tool: { id: 'files.ingest' },
          arguments: {
            path: 'triage/{{ nodes.classify.output.category }}.md',
            text: '# {{ input.subject }}\n\nCategory: {{ nodes.classify.output.category }}\nCustomer: {{ input.customer }}\n\n{{ nodes.classify.output.summary }}\n\nReply:\n{{ nodes.classify.output.reply }}\n\nReviewer note: {{ nodes.review.output.note }}\n',
            media_type: 'text/markdown',
          },
          position: { x: -160, y: 480 },
        },
        {
          id: 'escalated',
          kind: 'output',
          title: 'Escalated',
          value: { status: 'recorded', category: '{{ nodes.classify.output.category }}', file: '{{ nodes.record.output.path }}' },
          position: { x: -160, y: 600 },
        },
        {
          id: 'declined',
          kind: 'output',
          title: 'Declined',
          value: { status: 'declined', category: '{{ nodes.classify.output.category }}' },
          position: { x: 0, y: 480 },
        },
        {
          id: 'answered',
          kind: 'output',
          title: 'Answered',
          value: { status: 'answered', category: '{{ nodes.classify.output.category }}', reply: '{{ nodes.classify.output.reply }}' },
          position: { x: 160, y: 240 },
        },
      ],
      edges: [
        { from: 'classify', to: 'route', port: 'out' },
        { from: 'route', to: 'find_related', port: 'escalate' },
        { from: 'route', to: 'answered', port: 'else' },
        { from: 'find_related', to: 'review', port: 'out' },
        { from: 'review', to: 'record', port: 'out' },
        { from: 'review', to: 'declined', port: 'denied' },
        { from: 'record', to: 'escalated', port: 'out' },
      ],
    },
  },
  {
    id: 'summarize-documents',
    name: 'Summarize project documents',
    description:
      "Searches the project's documents, reads every match with a map over the results, and has a model summarise each " +
      'document in a second map. The output lists each path with its summary.',
    sample_input: { query: 'approval', limit: 10 },
    spec: {
      schema: GRAPH_SCHEMA,
      name: 'Summarize project documents',
      description: 'Search → map(read) → map(summarise) → output.',
      input_schema: {
        type: 'object',
        properties: { query: { type: 'string', minLength: 1, maxLength: 500 }, limit: { type: 'integer', minimum: 1, maximum: 20 } },
        required: ['query'],
        additionalProperties: false,
      },
      nodes: [
        {
          id: 'search',
          kind: 'tool',
          title: 'Find documents',
          tool: { id: 'documents.search' },
          arguments: { query: '{{ input.query }}', limit: { $logic: { if: [{ var: 'input.limit' }, { var: 'input.limit' }, 10] } } },
          position: { x: 0, y: 0 },
        },
        {
          id: 'read',
          kind: 'map',
          title: 'Read each document',
          items: { var: 'nodes.search.output.results' },
          body: { kind: 'tool', tool: { id: 'files.read' }, arguments: { path: '{{ item.path }}' } },
          concurrency: 4,
          batch_size: 50,
          on_item_error: 'continue',
          position: { x: 0, y: 120 },
        },
        {
          id: 'summarize',
          kind: 'map',
          title: 'Summarise each document',
          items: { filter: [{ var: 'nodes.read.output' }, { var: 'text' }] },
          body: {
            kind: 'model',
            system: 'You summarise documents in two sentences.',
            prompt: 'Summarise this document.\nPath: {{ item.path }}\n\n{{ item.text }}',
          },
          concurrency: 4,
          batch_size: 50,
          on_item_error: 'continue',
          position: { x: 0, y: 240 },
        },
        {
          id: 'result',
          kind: 'output',
          title: 'Summaries',
          value: {
            query: '{{ input.query }}',
            paths: { $logic: { map: [{ filter: [{ var: 'nodes.read.output' }, { var: 'text' }] }, { var: 'path' }] } },
            summaries: '{{ nodes.summarize.output }}',
          },
          position: { x: 0, y: 360 },
        },
      ],
      edges: [
        { from: 'search', to: 'read', port: 'out' },
        { from: 'read', to: 'summarize', port: 'out' },
        { from: 'summarize', to: 'result', port: 'out' },
      ],
    },
  },
  {
    id: 'two-agent-brief',
    name: 'Brief from two agents',
    description:
      'Two agents work in parallel on a topic, one gathering the facts and one the risks and open questions; a model joins ' +
      'their notes into a one-page brief.',
    sample_input: { topic: 'Moving our nightly reports to durable workflows' },
    spec: {
      schema: GRAPH_SCHEMA,
      name: 'Brief from two agents',
      description: 'Parallel(agent, agent) → model → output.',
      input_schema: {
        type: 'object',
        properties: { topic: { type: 'string', minLength: 1, maxLength: 500 } },
        required: ['topic'],
        additionalProperties: false,
      },
      nodes: [
        { id: 'fan_out', kind: 'parallel', title: 'Work in parallel', join: 'all', join_at: 'merge', position: { x: 0, y: 0 } },
        {
          id: 'researcher',
          kind: 'agent',
          title: 'Gather the facts',
          prompt: 'Research the topic "{{ input.topic }}" and list the key facts, one per line.',
          budget: { max_steps: 4 },
          position: { x: -160, y: 120 },
        },
        {
          id: 'critic',
          kind: 'agent',
          title: 'Find the risks',
          prompt: 'List the main risks and open questions of "{{ input.topic }}", one per line.',
          budget: { max_steps: 4 },
          position: { x: 160, y: 120 },
        },
        {
          id: 'merge',
          kind: 'model',
          title: 'Write the brief',
          system: 'You write short, plain briefs for busy readers.',
          prompt:
            'Write a one-page brief on "{{ input.topic }}".\n\nFacts:\n{{ nodes.researcher.output }}\n\nRisks and open questions:\n{{ nodes.critic.output }}',
          position: { x: 0, y: 240 },
        },
        { id: 'brief', kind: 'output', title: 'Brief', value: { topic: '{{ input.topic }}', brief: '{{ nodes.merge.output }}' }, position: { x: 0, y: 360 } },
      ],
      edges: [
        { from: 'fan_out', to: 'researcher', port: 'out' },
        { from: 'fan_out', to: 'critic', port: 'out' },
        { from: 'researcher', to: 'merge', port: 'out' },
        { from: 'critic', to: 'merge', port: 'out' },
        { from: 'merge', to: 'brief', port: 'out' },
      ],
    },
  },
];
