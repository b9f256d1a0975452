import type { Readable, Writable } from 'node:stream';
import { Client, type JSONRPCMessage, ReadBuffer, SdkError, SdkErrorCode, serializeMessage, type Transport } from '@modelcontextprotocol/client';
import { MCP_CLIENT_INFO, type McpCallOutput, type McpServerListing, toCallOutput, toServerListing, toToolError } from './mcp-results';

/** A single JSON-RPC message a stdio server may send; beyond it the connection is closed. */
const MAX_MESSAGE_BYTES = 4 * 1024 * 1024;
/** Resources and prompts beyond this count are cut from a catalog (it is for people to browse). */
const MAX_CATALOG_ITEMS = 500;

/** The two ends of a stdio MCP server: its stdout to read from, its stdin to write to. */
export interface StdioStreams {
  readable: Readable;
  writable: Writable;
}

/**
 * MCP's stdio transport over streams someone else owns (a sandboxed container's attached stdio): newline-delimited
 * JSON-RPC, framed by the SDK's own ReadBuffer and serializeMessage, as its StdioClientTransport does for a child
 * process. Closing it detaches from the streams; stopping the process is the owner's job. Output that is not JSON-RPC
 * (a server logging to stdout) is skipped.
 */
export class StreamTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;
  private readonly buffer = new ReadBuffer({ maxBufferSize: MAX_MESSAGE_BYTES });
  private readonly inbox: JSONRPCMessage[] = [];
  private delivering = false;
  private ending = false;
  private started = false;
  private closed = false;

  constructor(private readonly streams: StdioStreams) {}

  async start(): Promise<void> {
    if (this.started) throw new Error('StreamTransport already started');
    this.started = true;
    const { readable, writable } = this.streams;
    readable.on('data', this.onData);
    readable.on('end', this.onEnd);
    readable.on('close', this.onEnd);
    readable.on('error', this.onError);
    writable.on('error', this.onError);
  }

  async send(message: JSONRPCMessage): Promise<void> {
    if (this.closed || this.streams.writable.destroyed) throw new SdkError(SdkErrorCode.NotConnected, 'Not connected');
    await new Promise<void>((resolve, reject) => {
      this.streams.writable.write(serializeMessage(message), (err) => (err ? reject(err) : resolve()));
    });
  }

  async close(): Promise<void> {
    this.finish();
  }

  private readonly onData = (chunk: Buffer): void => {
    try {
      this.buffer.append(chunk);
    } catch (err) {
      // One message larger than the cap: the stream cannot be re-synchronized, so the connection ends.
      this.onError(err as Error);
      this.finish();
      return;
    }
    for (;;) {
      let message: JSONRPCMessage | null;
      try {
        message = this.buffer.readMessage();
      } catch (err) {
        this.onError(err as Error); // a JSON line that is not JSON-RPC: reported, skipped
        continue;
      }
      if (message === null) break;
      this.inbox.push(message);
    }
    void this.deliver();
  };

  /**
   * Hands messages to the client one per microtask. The SDK runs notification handlers a microtask late but responses
   * at once, so a progress notification read in the same chunk as its call's response would otherwise find its
   * handler already gone (the last progress of a call was lost that way).
   */
  private async deliver(): Promise<void> {
    if (this.delivering) return;
    this.delivering = true;
    try {
      for (let message = this.inbox.shift(); message && !this.closed; message = this.inbox.shift()) {
        this.onmessage?.(message);
        await Promise.resolve();
      }
    } finally {
      this.delivering = false;
    }
    if (this.ending) this.finish();
  }

  private readonly onEnd = (): void => {
    // What was read before the end is delivered first (a server's last answer before it exits).
    this.ending = true;
    if (!this.delivering) this.finish();
  };

  private readonly onError = (err: Error): void => this.onerror?.(err);

  private finish(): void {
    if (this.closed) return;
    this.closed = true;
    const { readable } = this.streams;
    readable.off('data', this.onData);
    readable.off('end', this.onEnd);
    readable.off('close', this.onEnd);
    // The error listeners stay: a late socket error must not become an uncaught exception in the worker.
    this.buffer.clear();
    this.inbox.length = 0;
    this.onclose?.();
  }
}

/** The listing plus the server's resources and prompts (read-only), shaped as the hub's catalog contract shows them. */
export interface McpServerCatalog extends McpServerListing {
  resources: Array<{ uri: string; name: string; description?: string; mime_type?: string }>;
  prompts: Array<{ name: string; description?: string; arguments?: Array<{ name: string; description?: string; required?: boolean }> }>;
}

/** How one request on a connection may run. */
export interface McpRequestOptions {
  timeoutMs: number;
  /** Ends the request early (the run was cancelled); the server is told with `notifications/cancelled`. */
  signal?: AbortSignal | undefined;
}

/** Progress a server reports for a call (`notifications/progress`). */
export interface McpProgress {
  progress: number;
  total?: number;
  message?: string;
}

export interface McpStdioConnectOptions extends McpRequestOptions {
  /** Names the server in error messages, e.g. `the MCP server "files"`. */
  server: string;
  /** Called on every `notifications/tools/list_changed` the server sends. */
  onToolsListChanged?: () => void;
  /** Why the server's output ended, once it did (its exit status and last stderr lines); see {@link toToolError}. */
  ended?: () => string | undefined;
}

/**
 * One initialized MCP connection over a server's stdio, kept for many requests (the stdio-session pool in the worker
 * owns the process). Every failure is a ToolError, mapped like the HTTP client's (mcp-results.ts).
 */
export class McpStdioClient {
  private constructor(
    private readonly client: Client,
    private readonly options: McpStdioConnectOptions,
  ) {}

  /** `initialize` over the streams; the server is ready for requests when this resolves. */
  static async connect(streams: StdioStreams, options: McpStdioConnectOptions): Promise<McpStdioClient> {
    // No client capabilities: no roots (a filesystem server must keep the roots its argv names), no sampling, no
    // elicitation (nobody is there to answer).
    const client = new Client(MCP_CLIENT_INFO);
    client.setNotificationHandler('notifications/tools/list_changed', () => options.onToolsListChanged?.());
    const connection = new McpStdioClient(client, options);
    await connection.request(options, (request) => client.connect(new StreamTransport(streams), request));
    return connection;
  }

  /** The server's identity and every tool it lists now (never a cached listing). */
  async listing(options: McpRequestOptions): Promise<McpServerListing> {
    return this.request(options, async (request) => {
      const { tools } = await this.client.listTools(undefined, { ...request, cacheMode: 'refresh' });
      return toServerListing(this.client.getServerVersion(), tools);
    });
  }

  /** The listing plus resources and prompts, each only when the server offers them. */
  async catalog(options: McpRequestOptions): Promise<McpServerCatalog> {
    const listing = await this.listing(options);
    const caps = this.client.getServerCapabilities() ?? {};
    return this.request(options, async (request) => {
      const fresh = { ...request, cacheMode: 'refresh' as const };
      const [resources, prompts] = await Promise.all([
        caps.resources ? this.client.listResources(undefined, fresh).then((r) => r.resources) : [],
        caps.prompts ? this.client.listPrompts(undefined, fresh).then((r) => r.prompts) : [],
      ]);
      return {
        ...listing,
        resources: resources.slice(0, MAX_CATALOG_ITEMS).map((r) => ({
          uri: r.uri,
          name: r.name,
          ...(r.description !== undefined ? { description: r.description } : {}),
          ...(r.mimeType !== undefined ? { mime_type: r.mimeType } : {}),
        })),
        prompts: prompts.slice(0, MAX_CATALOG_ITEMS).map((p) => ({
          name: p.name,
          ...(p.description !== undefined ? { description: p.description } : {}),
          ...(p.arguments ? { arguments: p.arguments.map((a) => pick(a, ['name', 'description', 'required']) as { name: string }) } : {}),
        })),
      };
    });
  }

  /** `tools/call`; progress the server reports reaches `onProgress`. See {@link toCallOutput} for the result. */
  async callTool(
    toolName: string,
    args: Record<string, unknown>,
    options: McpRequestOptions & { onProgress?: ((progress: McpProgress) => void) | undefined },
  ): Promise<McpCallOutput> {
    return this.request(options, async (request) => {
      const onProgress = options.onProgress;
      const result = await this.client.callTool(
        { name: toolName, arguments: args },
        { ...request, ...(onProgress ? { onprogress: (p: McpProgress) => onProgress(pick(p, ['progress', 'total', 'message']) as McpProgress) } : {}) },
      );
      return toCallOutput(toolName, result);
    });
  }

  async close(): Promise<void> {
    await this.client.close().catch(() => undefined);
  }

  /** Runs one exchange under its own deadline (and the caller's signal); every failure becomes a ToolError. */
  private async request<T>(
    options: McpRequestOptions,
    use: (request: { signal: AbortSignal; timeout: number; maxTotalTimeout: number }) => Promise<T>,
  ): Promise<T> {
    const deadline = AbortSignal.timeout(options.timeoutMs);
    const signal = options.signal ? AbortSignal.any([deadline, options.signal]) : deadline;
    try {
      // The SDK's own timers are a backstop a little later: our deadline names the timeout first.
      return await use({ signal, timeout: options.timeoutMs + 1_000, maxTotalTimeout: options.timeoutMs + 1_000 });
    } catch (err) {
      throw toToolError(err, { server: this.options.server, timeoutMs: options.timeoutMs, deadline, caller: options.signal, ended: this.options.ended });
    }
  }
}

function pick<T extends object, K extends keyof T>(from: T, keys: readonly K[]): Partial<Pick<T, K>> {
  const out: Partial<Pick<T, K>> = {};
  for (const key of keys) if (from[key] !== undefined) out[key] = from[key];
  return out;
}
