import type { GraphStore, RunStore } from '@omniai/store';
import { ApiException } from '../errors/api.exception';

/**
 * What a trigger or an outgoing hook is attached to must be a graph or thread of the same project: 404 when it does
 * not exist, 400 (on `path`) when it is another project's.
 */
export async function requireInProject(
  stores: { graphs: GraphStore; runs: RunStore },
  projectId: string,
  target: { graphId: string } | { threadId: string },
  path: string,
): Promise<void> {
  const [what, id, project] =
    'graphId' in target
      ? (['graph', target.graphId, (await stores.graphs.get(target.graphId))?.project_id] as const)
      : (['thread', target.threadId, (await stores.runs.getThread(target.threadId))?.project_id] as const);
  if (project === undefined) throw new ApiException('E_NOT_FOUND', `No ${what} ${id}.`);
  if (project !== projectId)
    throw new ApiException('E_VALIDATION', `The ${what} belongs to another project.`, [{ path, message: 'belongs to another project' }]);
}
