import { ApplicationFailure } from '@temporalio/activity';
import { type NodeValue, RESEARCH_NODES, type ResearchReport, storableJson } from '@omniai/contracts';
import { collectRefs } from '@omniai/graphs';
import type { ArtifactStore, ClaimChecked, GraphRunStore, ToolRegistryStore } from '@omniai/store';
import { argumentsHash, type JsonValidatorPool } from '@omniai/tools';
import type { GraphActivities } from '@omniai/workflows';
import { waitForDatabase } from './wait-for-database';

export interface GraphActivityDeps {
  artifacts: ArtifactStore;
  graphRuns: GraphRunStore;
  tools: Pick<ToolRegistryStore, 'resolveForProject'>;
  /** Model replies and graph outputs are validated off the event loop, under a deadline (D43). */
  validator: Pick<JsonValidatorPool, 'validate'>;
}

/** Bytes of the preview an artifact-backed node value carries in its event. */
const PREVIEW_CHARS = 200;

/** The JSON a model replied with: the whole reply, or the body of a ```json fence around it. */
export function jsonFromReply(text: string): unknown {
  const fenced = /^\s*```(?:json)?\s*\n([\s\S]*?)\n\s*```\s*$/.exec(text);
  return JSON.parse(fenced ? fenced[1]! : text);
}

/** The graph-run activities (runs queue: Postgres and the artifact store only). */
export function createGraphActivities(deps: GraphActivityDeps): GraphActivities {
  const redeem = (value: NodeValue | ClaimChecked) => waitForDatabase(() => deps.artifacts.redeem(value as ClaimChecked));
  const store = async (value: unknown): Promise<{ value: NodeValue; hash: string }> => {
    const storable = storableJson(value ?? null);
    const checked = await waitForDatabase(() => deps.artifacts.claimCheck(storable));
    const json = JSON.stringify(storable);
    return {
      value: 'inline' in checked ? { inline: checked.inline as never } : { artifact: checked.artifact, preview: json.slice(0, PREVIEW_CHARS) },
      hash: argumentsHash(storable),
    };
  };
  return {
    storeNodeValue: ({ value }) => store(value),

    readNodeValue: ({ value }) => redeem(value),

    async parseModelOutput({ content, schema }) {
      const text = 'text' in content ? content.text : String(await waitForDatabase(() => deps.artifacts.redeemText(content)));
      if (!schema) return { ok: true, value: text };
      let value: unknown;
      try {
        value = storableJson(jsonFromReply(text));
      } catch {
        return { ok: false, message: 'the reply is not JSON' };
      }
      const valid = await deps.validator.validate(schema, value);
      return valid.ok ? { ok: true, value } : { ok: false, message: valid.message };
    },

    async validateValue({ value, schema }) {
      const valid = await deps.validator.validate(schema, value);
      return valid.ok ? { ok: true } : { ok: false, message: valid.message };
    },

    async loadGraphVersion({ project_id, graph_id, version }) {
      const found = await waitForDatabase(() => deps.graphRuns.graphVersion(project_id, graph_id, version));
      if (!found) return null;
      // The child run is pinned to the tools its spec names, at the versions the project resolves now.
      const named = collectRefs(found.spec).tools;
      const resolved = await waitForDatabase(() => deps.tools.resolveForProject(project_id));
      const tools = resolved.filter((t) => named.some((r) => r.id === t.id && (!r.version || r.version === t.version)));
      return { ...found, tools };
    },

    async createChildRun(row) {
      await waitForDatabase(() =>
        deps.graphRuns.createChildRun({
          id: row.run_id,
          projectId: row.project_id,
          parentRunId: row.parent_run_id,
          parentNodeId: row.parent_node_id,
          kind: row.kind,
          pins: row.pins,
          input: row.input,
          budget: row.budget,
          ...(row.graph ? { graph: row.graph } : {}),
        }),
      );
    },

    async childRunSummary({ run_id }) {
      const summary = await waitForDatabase(() => deps.graphRuns.childRunSummary(run_id));
      const text = summary.content ? await waitForDatabase(() => deps.artifacts.redeemText(summary.content!)) : null;
      return { text, cost_usd: summary.cost_usd, usage: summary.usage };
    },

    async researchReport({ run_id }) {
      const output = await waitForDatabase(() => deps.graphRuns.nodeOutput(run_id, RESEARCH_NODES.finalize));
      if (!output) return null;
      const report = (await redeem(output)) as ResearchReport;
      return { markdown: report.markdown, metrics: report.metrics, bibliography: report.bibliography };
    },

    async readMapItems({ items, from, to }) {
      const all = await redeem(items);
      if (!Array.isArray(all)) throw ApplicationFailure.nonRetryable('the map items are not an array', 'ValidationError');
      return all.slice(from, to);
    },

    async joinMapResults({ parts }) {
      const out: unknown[] = [];
      for (const part of parts) {
        const entries = (await redeem(part)) as Array<{ v: ClaimChecked } | { error: { code: string; message: string } }>;
        for (const e of entries) out.push('v' in e ? await redeem(e.v) : { error: e.error });
      }
      return store(out);
    },
  };
}
