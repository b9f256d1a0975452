import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import type { McpCheckInput, McpCheckResult } from '@omniai/contracts';
import { mcpCheckScheduleId, type McpCheckWorkflow, mcpCheckStart, WORKFLOW_TYPES } from '@omniai/workflow-api';
import { ScheduleAlreadyRunning, ScheduleNotFoundError, ScheduleOverlapPolicy } from '@temporalio/client';
import { AppConfig } from '../config/app-config';
import { ApiException } from '../errors/api.exception';
import { TemporalService } from '../temporal/temporal.service';

/**
 * The API's side of MCP server checks (docs/MCP.md): the API never connects to an MCP server; it starts
 * `mcpCheckWorkflow` (whose activity, in the worker, connects and lists) and waits for it, bounded; and it keeps each
 * server's periodic check as a Temporal Schedule `mcp-check-<id>`.
 */
@Injectable()
export class McpChecks {
  private readonly logger = new Logger(McpChecks.name);

  constructor(
    private readonly temporal: TemporalService,
    private readonly config: AppConfig,
  ) {}

  /** Runs one check and waits for it (up to `OMNI_MCP_CHECK_WAIT_MS`: then 504, and the check is cancelled). */
  async run(input: McpCheckInput): Promise<McpCheckResult> {
    let handle;
    try {
      handle = await this.temporal.client.workflow.start<McpCheckWorkflow>(
        ...mcpCheckStart(input, this.config.taskQueue, `${mcpCheckScheduleId(input.server_id)}-${input.reason}-${randomUUID()}`),
      );
    } catch (err) {
      throw this.down(err);
    }
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), this.config.mcp.checkWaitMs);
    });
    try {
      const outcome = await Promise.race([handle.result(), timeout]);
      if (outcome === 'timeout') {
        await handle.terminate('the API stopped waiting').catch(() => undefined);
        throw new ApiException(
          'E_TOOL_TIMEOUT',
          `The check of MCP server ${input.server_id} did not finish within ${Math.round(this.config.mcp.checkWaitMs / 1000)} s (is a worker running?).`,
        );
      }
      return outcome;
    } catch (err) {
      if (err instanceof ApiException) throw err;
      throw this.down(err);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Creates (or keeps) the server's periodic check. */
  async schedule(serverId: string): Promise<void> {
    try {
      await this.temporal.client.schedule.create({
        scheduleId: mcpCheckScheduleId(serverId),
        spec: { intervals: [{ every: `${this.config.mcp.checkIntervalS}s` }] },
        action: {
          type: 'startWorkflow',
          workflowType: WORKFLOW_TYPES.mcpCheck,
          args: [{ server_id: serverId, reason: 'schedule' } satisfies McpCheckInput],
          workflowId: mcpCheckScheduleId(serverId),
          taskQueue: this.config.taskQueue,
        },
        policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 minute' },
        state: { note: `periodic check of MCP server ${serverId}` },
      });
    } catch (err) {
      if (err instanceof ScheduleAlreadyRunning) return;
      throw this.down(err);
    }
  }

  /** Removes the periodic check; one already gone counts as removed. */
  async unschedule(serverId: string): Promise<void> {
    try {
      await this.temporal.client.schedule.getHandle(mcpCheckScheduleId(serverId)).delete();
    } catch (err) {
      if (err instanceof ScheduleNotFoundError || (err as { code?: unknown }).code === 5) return;
      throw this.down(err);
    }
  }

  private down(err: unknown): ApiException {
    this.logger.warn(`temporal call failed: ${err instanceof Error ? err.message : String(err)}`);
    return new ApiException('E_DEPENDENCY_UNAVAILABLE', 'Temporal is unavailable; nothing was checked.');
  }
}
