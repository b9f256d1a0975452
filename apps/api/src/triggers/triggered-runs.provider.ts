import type { Provider } from '@nestjs/common';
import { ArtifactStore, GraphStore, RunStore, ToolRegistryStore, TriggeredRuns } from '@omniai/store';
import { JsonSchemaChecks } from '../graphs/json-schema-checks';
import { ApiException } from '../errors/api.exception';

/**
 * The API's `TriggeredRuns`: a webhook's run is created (idempotently, id derived from the fire) before the API
 * answers 202. The graph's input schema is checked with the API's validator threads (422 with every failing field).
 */
export const TRIGGERED_RUNS_PROVIDER: Provider = {
  provide: TriggeredRuns,
  useFactory: (runs: RunStore, graphs: GraphStore, tools: ToolRegistryStore, artifacts: ArtifactStore, checks: JsonSchemaChecks) =>
    new TriggeredRuns(runs, graphs, tools, artifacts, async (schema, value) => {
      try {
        await checks.require(schema, value, 'input', 'E_GRAPH_INPUT_INVALID', 'input');
        return null;
      } catch (err) {
        if (err instanceof ApiException) return { message: err.message, detail: err.detail };
        throw err;
      }
    }),
  inject: [RunStore, GraphStore, ToolRegistryStore, ArtifactStore, JsonSchemaChecks],
};
