import { Injectable } from '@nestjs/common';
import { DatabaseService } from '../database/database.service';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Which project a request is about, from its path parameters: the project itself, or the project of the thread,
 * run, approval, graph, trigger or outgoing hook it names (a deleted graph still names its project: the route then answers 404). Undefined when the route names none (or names it malformed: the route's own validation
 * then answers 400); null when the thread, run or approval does not exist.
 */
@Injectable()
export class ProjectScopes {
  constructor(private readonly db: DatabaseService) {}

  async projectOf(params: Record<string, string> | undefined): Promise<string | null | undefined> {
    if (!params) return undefined;
    const { projectId, threadId, runId, approvalId, graphId, triggerId, outgoingHookId } = params;
    if (projectId !== undefined) return UUID.test(projectId) ? projectId.toLowerCase() : undefined;
    if (threadId !== undefined) return UUID.test(threadId) ? this.lookup('threads', threadId) : undefined;
    if (runId !== undefined) return UUID.test(runId) ? this.lookup('runs', runId) : undefined;
    if (graphId !== undefined) return UUID.test(graphId) ? this.lookup('graphs', graphId) : undefined;
    if (triggerId !== undefined) return UUID.test(triggerId) ? this.lookup('triggers', triggerId) : undefined;
    if (outgoingHookId !== undefined) return UUID.test(outgoingHookId) ? this.lookup('outgoing_hooks', outgoingHookId) : undefined;
    if (approvalId !== undefined) {
      const run = approvalId.split('.')[0]!;
      return UUID.test(run) ? this.lookup('runs', run) : undefined;
    }
    return undefined;
  }

  private async lookup(table: 'threads' | 'runs' | 'graphs' | 'triggers' | 'outgoing_hooks', id: string): Promise<string | null> {
    const rows: Array<{ project_id: string }> = await this.db.dataSource.query(`select project_id from ${table} where id = $1`, [id]);
    return rows[0]?.project_id ?? null;
  }
}
