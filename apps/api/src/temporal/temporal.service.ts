import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { Client, Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { omniDataConverter } from '@omniai/workflow-api/codec';
import { AppConfig } from '../config/app-config';

/**
 * The API's Temporal client. The connection is lazy so the API starts (and reports Temporal as unhealthy) even while
 * the server is down; it never imports workflow code: workflows are started by their typed name.
 */
const PROBE_DEADLINE_MS = 2_500;

@Injectable()
export class TemporalService implements OnApplicationShutdown {
  readonly connection: Connection;
  readonly client: Client;
  // Health probes measure, they must not retry: a separate connection without the SDK's retry interceptor.
  private readonly probeConnection: Connection;

  constructor(private readonly config: AppConfig) {
    const tls = config.temporalTls;
    this.connection = Connection.lazy({ address: config.temporalAddress, tls, connectTimeout: '3s' });
    // Every payload leaves sealed (D45): Temporal's store and its own tools see ciphertext only.
    this.client = new Client({ connection: this.connection, namespace: config.temporalNamespace, dataConverter: omniDataConverter(config.payloadKeys) });
    this.probeConnection = Connection.lazy({ address: config.temporalAddress, tls, connectTimeout: '2s', interceptors: [] });
  }

  async serverVersion(): Promise<string> {
    const info = await this.bounded(() => this.probeConnection.workflowService.getSystemInfo({}));
    return info.serverVersion || 'unknown';
  }

  /** Number of workers that polled the task queue recently (Temporal keeps pollers for ~5 minutes). */
  async pollerCount(taskQueue: string): Promise<number> {
    const res = await this.bounded(() =>
      this.probeConnection.workflowService.describeTaskQueue({
        namespace: this.config.temporalNamespace,
        taskQueue: { name: taskQueue, kind: temporal.api.enums.v1.TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
        taskQueueType: temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
      }),
    );
    return res.pollers?.length ?? 0;
  }

  private bounded<T>(call: () => Promise<T>): Promise<T> {
    return this.probeConnection.withDeadline(Date.now() + PROBE_DEADLINE_MS, call);
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([this.connection.close(), this.probeConnection.close()]);
  }
}
