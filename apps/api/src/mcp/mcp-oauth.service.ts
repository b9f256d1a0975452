import { Injectable } from '@nestjs/common';
import type { McpOAuthCallbackQuery, McpOAuthStart } from '@omniai/contracts';
import { McpServerStore, PolicyStore, type StoredMcpServer } from '@omniai/store';
import { beginMcpAuthorization, completeMcpAuthorization, type McpOAuthSettings, type McpOAuthState, ToolError, vettedFetch } from '@omniai/tools';
import { AppConfig } from '../config/app-config';
import { ApiException } from '../errors/api.exception';
import { McpHubService } from './mcp-hub.service';

/** Discovery, registration and the token exchange: an admin is waiting on each. */
const OAUTH_TIMEOUT_MS = 15_000;
const OAUTH_MAX_BYTES = 256 * 1024;

/**
 * OAuth 2.1 with PKCE for remote MCP servers (docs/MCP.md, D66): the API starts the flow for an admin and finishes
 * it on the callback, through the SDK's client auth (`mcp-oauth.ts`). Everything it learns (client registration,
 * verifier, tokens) is sealed in the server's OAuth state; the worker refreshes the token when it expires. Every
 * request of the flow goes through vetted egress: the authorization server must be on the egress allowlist too.
 */
@Injectable()
export class McpOAuthService {
  constructor(
    private readonly servers: McpServerStore,
    private readonly policies: PolicyStore,
    private readonly hub: McpHubService,
    private readonly config: AppConfig,
  ) {}

  async authorize(id: string): Promise<McpOAuthStart> {
    const server = await this.oauthServer(id);
    const settings = await this.settings(server);
    const { authorizationUrl } = await this.step(() =>
      beginMcpAuthorization(this.url(server), this.servers.oauthVault<McpOAuthState>(id), settings, this.fetch()),
    );
    return { authorization_url: authorizationUrl, redirect_uri: settings.redirectUrl };
  }

  /** Finishes the flow; then checks the server, and approves its first listing when nobody has reviewed one yet. */
  async callback(id: string, query: McpOAuthCallbackQuery): Promise<void> {
    const server = await this.oauthServer(id);
    if (query.error) {
      throw new ApiException(
        'E_VALIDATION',
        `The authorization server refused: ${query.error}${query.error_description ? ` (${query.error_description})` : ''}.`,
      );
    }
    if (!query.code || !query.state) throw new ApiException('E_VALIDATION', 'The callback carries no authorization code and state.');
    const settings = await this.settings(server);
    await this.step(() =>
      completeMcpAuthorization(
        this.url(server),
        this.servers.oauthVault<McpOAuthState>(id),
        settings,
        { code: query.code!, state: query.state!, ...(query.iss ? { iss: query.iss } : {}) },
        this.fetch(),
      ),
    );
    await this.hub.checkNow(id);
    if (!(await this.hub.reviewed(id))) await this.hub.approveFirstListing(id);
  }

  private async oauthServer(id: string): Promise<StoredMcpServer> {
    const server = await this.servers.get(id);
    if (!server) throw new ApiException('E_NOT_FOUND', `No MCP server "${id}".`);
    if (server.auth.type !== 'oauth' || server.transport.type !== 'streamable_http') {
      throw new ApiException('E_VALIDATION', `The MCP server "${id}" does not use OAuth (its auth is ${server.auth.type}).`);
    }
    return server;
  }

  private url(server: StoredMcpServer): string {
    return server.transport.type === 'streamable_http' ? server.transport.url : '';
  }

  private async settings(server: StoredMcpServer): Promise<McpOAuthSettings> {
    const client = await this.servers.revealOAuthClient(server);
    return { ...client, redirectUrl: `${this.config.publicUrl}/v1/mcp/servers/${server.id}/oauth/callback` };
  }

  private fetch() {
    const allowHosts = this.policies.get().then((p) => p.egress_allow ?? []);
    return async (input: string | URL, init?: RequestInit) =>
      vettedFetch({ allowHosts: await allowHosts, maxBytes: OAUTH_MAX_BYTES, signal: AbortSignal.timeout(OAUTH_TIMEOUT_MS) })(input, init);
  }

  /** A failure of the flow as the API's error envelope (never a token). */
  private async step<T>(run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (err) {
      if (err instanceof ToolError) throw new ApiException(err.code, `OAuth with the MCP server: ${err.message}.`);
      throw err;
    }
  }
}
