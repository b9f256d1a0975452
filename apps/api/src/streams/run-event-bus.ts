import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { AssistantMessageDelta, RunStatusChange } from '@omniai/contracts';
import { decodeRunNotification, LISTEN_RUN_CHANNELS } from '@omniai/store';
import { Client } from 'pg';
import { AppConfig } from '../config/app-config';

export interface RunSubscriber {
  /** New events were committed for the run (or the bus reconnected and may have missed some): read from your cursor. */
  onEvents(): void;
  onDelta(delta: AssistantMessageDelta): void;
}

type StatusListener = (change: RunStatusChange) => void;

/**
 * One LISTEN connection per API process fans Postgres NOTIFY out to the streams this process serves, so any number
 * of API processes can serve any run's stream.
 */
@Injectable()
export class RunEventBus implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('run-event-bus');
  private readonly runs = new Map<string, Set<RunSubscriber>>();
  private readonly projects = new Map<string, Set<StatusListener>>();
  private readonly identities = new Map<string, Set<() => void>>();
  private client: Client | null = null;
  private closed = false;
  private retryMs = 250;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly config: AppConfig) {}

  async onModuleInit(): Promise<void> {
    await this.connect();
  }

  async onApplicationShutdown(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    await this.client?.end().catch(() => undefined);
  }

  subscribeRun(runId: string, subscriber: RunSubscriber): () => void {
    return add(this.runs, runId, subscriber);
  }

  subscribeProject(projectId: string, listener: StatusListener): () => void {
    return add(this.projects, projectId, listener);
  }

  /** `listener` runs when the user's access may have changed (role, disabled, membership, session or token revoked). */
  subscribeIdentity(userId: string, listener: () => void): () => void {
    return add(this.identities, userId, listener);
  }

  get subscriberCount(): number {
    let n = 0;
    for (const set of this.runs.values()) n += set.size;
    return n;
  }

  private async connect(): Promise<void> {
    if (this.closed) return;
    const client = new Client({ connectionString: this.config.databaseUrl, application_name: 'omniai-api-listen' });
    client.on('notification', (msg) => this.dispatch(msg.channel, msg.payload));
    client.on('error', (err) => this.logger.warn(`listen connection failed: ${err.message}`));
    client.on('end', () => this.reconnectSoon());
    try {
      await client.connect();
      await client.query(LISTEN_RUN_CHANNELS);
      if (this.closed) {
        await client.end();
        return;
      }
      this.client = client;
      this.retryMs = 250;
      // Anything committed while we were away reaches subscribers now: they read from their own cursors.
      for (const set of this.runs.values()) for (const s of set) s.onEvents();
      // An identity change may have been missed too: every open stream re-checks its access.
      for (const set of this.identities.values()) for (const l of set) l();
    } catch (err) {
      this.logger.warn(`cannot LISTEN yet (${err instanceof Error ? err.message : String(err)}); retrying`);
      await client.end().catch(() => undefined);
      this.reconnectSoon();
    }
  }

  private reconnectSoon(): void {
    if (this.closed) return;
    this.client = null;
    const delay = this.retryMs;
    this.retryMs = Math.min(this.retryMs * 2, 10_000);
    this.timer = setTimeout(() => void this.connect(), delay);
    this.timer.unref();
  }

  private dispatch(channel: string, payload: string | undefined): void {
    try {
      const n = decodeRunNotification(channel, payload);
      if (n?.kind === 'events') this.runs.get(n.run_id)?.forEach((s) => s.onEvents());
      else if (n?.kind === 'delta') this.runs.get(n.delta.run_id)?.forEach((s) => s.onDelta(n.delta));
      else if (n?.kind === 'status') this.projects.get(n.change.project_id)?.forEach((l) => l(n.change));
      else if (n?.kind === 'identity') this.identities.get(n.user_id)?.forEach((l) => l());
    } catch (err) {
      this.logger.warn(`ignored a malformed notification on ${channel}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}

function add<T>(map: Map<string, Set<T>>, key: string, value: T): () => void {
  let set = map.get(key);
  if (!set) map.set(key, (set = new Set()));
  set.add(value);
  return () => {
    set.delete(value);
    if (set.size === 0) map.delete(key);
  };
}
