import { randomBytes, timingSafeEqual } from 'node:crypto';
import {
  auth,
  type FetchLike,
  type OAuthClientMetadata,
  type OAuthClientProvider,
  type OAuthDiscoveryState,
  type StoredOAuthClientInformation,
  type StoredOAuthTokens,
} from '@modelcontextprotocol/client';
import { ToolError } from '../tool';

/**
 * OAuth 2.1 with PKCE for remote MCP servers, as the MCP authorization spec describes, through the official SDK's
 * client auth (`auth()` and `OAuthClientProvider`): discovery of the protected resource and its authorization server,
 * dynamic client registration when no client is configured, the authorization code with S256 PKCE and the `resource`
 * indicator, the RFC 9207 issuer check, and refresh. OmniAI's part is where the state lives: every piece (client
 * registration, tokens, the PKCE verifier, the pending `state`) is kept in a {@link McpOAuthVault}, which the hub seals
 * at rest; nothing of it is ever logged, returned by the API or recorded in a run.
 */

/** What one server's OAuth state holds. Sealed as a whole by the vault's owner. */
export interface McpOAuthState {
  client?: StoredOAuthClientInformation;
  tokens?: StoredOAuthTokens;
  /** When the access token expires (ms since the epoch), from `expires_in` at the time it was saved. */
  tokens_expire_at?: number;
  /** The PKCE verifier of the authorization in flight. */
  code_verifier?: string;
  /** The `state` of the authorization in flight (checked on the callback, then cleared). */
  pending_state?: string;
  discovery?: OAuthDiscoveryState;
  authorization_server_url?: string;
  resource_url?: string;
  /** The callback the client was registered with (the worker's refreshes send no redirect, but the metadata names it). */
  redirect_uri?: string;
}

/** Where a server's OAuth state is read and written (sealed in the store; in memory in unit tests). */
export interface McpOAuthVault {
  load(): Promise<McpOAuthState>;
  save(state: McpOAuthState): Promise<void>;
}

export interface McpOAuthSettings {
  /** OmniAI's callback (`<public url>/v1/mcp/oauth/callback`), registered with the authorization server. */
  redirectUrl: string;
  /** A pre-registered client; without one, the client registers itself (dynamic client registration). */
  clientId?: string;
  clientSecret?: string;
  scopes?: readonly string[];
}

/** A server that needs an admin to (re)authorize OmniAI: no token, or the refresh token was refused. */
export class McpAuthorizationRequired extends ToolError {
  constructor(message: string) {
    super('E_AUTH_REQUIRED', message);
    this.name = 'McpAuthorizationRequired';
  }
}

/**
 * The SDK's view of one server's OAuth state. In the worker (`interactive: false`) a flow that would need a browser
 * fails with {@link McpAuthorizationRequired} instead; in the API the authorization URL is captured for the admin.
 */
export class VaultOAuthProvider implements OAuthClientProvider {
  /** The authorization URL `auth()` asked to send the user to (API only). */
  authorizationUrl: URL | undefined;
  private cached: McpOAuthState | undefined;

  constructor(
    private readonly vault: McpOAuthVault,
    private readonly settings: McpOAuthSettings,
    private readonly interactive: boolean,
  ) {}

  get redirectUrl(): string {
    return this.settings.redirectUrl;
  }

  get clientMetadata(): OAuthClientMetadata {
    return {
      client_name: 'OmniAI',
      redirect_uris: [this.settings.redirectUrl],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: this.settings.clientSecret ? 'client_secret_post' : 'none',
      ...(this.settings.scopes?.length ? { scope: this.settings.scopes.join(' ') } : {}),
    };
  }

  async state(): Promise<string> {
    const value = randomBytes(24).toString('base64url');
    await this.update({ pending_state: value });
    return value;
  }

  async clientInformation(): Promise<StoredOAuthClientInformation | undefined> {
    if (this.settings.clientId) {
      return { client_id: this.settings.clientId, ...(this.settings.clientSecret ? { client_secret: this.settings.clientSecret } : {}) };
    }
    return (await this.load()).client;
  }

  async saveClientInformation(client: StoredOAuthClientInformation): Promise<void> {
    // Registration belongs to an admin's authorization (its redirect URI is the API's callback), never to a worker.
    if (!this.interactive) throw new McpAuthorizationRequired('OmniAI is not authorized with this MCP server yet: an admin must authorize it first');
    await this.update({ client });
  }

  async tokens(): Promise<StoredOAuthTokens | undefined> {
    const tokens = (await this.load()).tokens;
    // Without a token a worker has nothing to send or refresh: only an admin can start the flow.
    if (!tokens && !this.interactive) throw new McpAuthorizationRequired('OmniAI is not authorized with this MCP server yet: an admin must authorize it first');
    return tokens;
  }

  async saveTokens(tokens: StoredOAuthTokens): Promise<void> {
    const expiresIn = typeof tokens.expires_in === 'number' ? tokens.expires_in : undefined;
    await this.update({ tokens, tokens_expire_at: expiresIn !== undefined ? Date.now() + expiresIn * 1000 : undefined });
  }

  async redirectToAuthorization(authorizationUrl: URL): Promise<void> {
    if (!this.interactive) {
      const hadToken = (await this.load()).tokens !== undefined;
      throw new McpAuthorizationRequired(
        hadToken
          ? "the MCP server refused OmniAI's token and it could not be refreshed: an admin must authorize OmniAI again"
          : 'OmniAI is not authorized with this MCP server yet: an admin must authorize it first',
      );
    }
    this.authorizationUrl = authorizationUrl;
  }

  async saveCodeVerifier(codeVerifier: string): Promise<void> {
    await this.update({ code_verifier: codeVerifier });
  }

  async codeVerifier(): Promise<string> {
    const verifier = (await this.load()).code_verifier;
    if (!verifier) throw new McpAuthorizationRequired('no authorization is in progress for this server: start it again');
    return verifier;
  }

  async saveDiscoveryState(discovery: OAuthDiscoveryState): Promise<void> {
    await this.update({ discovery });
  }

  async discoveryState(): Promise<OAuthDiscoveryState | undefined> {
    return (await this.load()).discovery;
  }

  async saveAuthorizationServerUrl(url: string): Promise<void> {
    await this.update({ authorization_server_url: url });
  }

  async authorizationServerUrl(): Promise<string | undefined> {
    return (await this.load()).authorization_server_url;
  }

  async saveResourceUrl(url: string): Promise<void> {
    await this.update({ resource_url: url });
  }

  async resourceUrl(): Promise<string | undefined> {
    return (await this.load()).resource_url;
  }

  async invalidateCredentials(scope: 'all' | 'client' | 'tokens' | 'verifier' | 'discovery'): Promise<void> {
    const state = { ...(await this.load()) };
    if (scope === 'all' || scope === 'client') delete state.client;
    if (scope === 'all' || scope === 'tokens') {
      delete state.tokens;
      delete state.tokens_expire_at;
    }
    if (scope === 'all' || scope === 'verifier') delete state.code_verifier;
    if (scope === 'all' || scope === 'discovery') delete state.discovery;
    this.cached = state;
    await this.vault.save(state);
  }

  private async load(): Promise<McpOAuthState> {
    this.cached ??= await this.vault.load();
    return this.cached;
  }

  private async update(patch: Partial<McpOAuthState>): Promise<void> {
    const next = { ...(await this.load()), ...patch };
    for (const [k, v] of Object.entries(next)) if (v === undefined) delete next[k as keyof McpOAuthState];
    this.cached = next;
    await this.vault.save(next);
  }
}

/** OAuth only over https, except to a loopback host (as the SDK and OAuth 2.1 allow for local servers). */
export function assertOAuthServerUrl(serverUrl: string): void {
  const url = new URL(serverUrl);
  const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname) || url.hostname.endsWith('.localhost');
  if (url.protocol !== 'https:' && !loopback) {
    throw new ToolError('E_VALIDATION', `OAuth is only used with https MCP servers; ${url.origin} is not https`);
  }
}

/**
 * Starts an authorization for the admin (API): discovery, registration when needed, PKCE, and the authorization URL
 * to open. A server whose stored token still works (or refreshes) needs no browser: `authorizationUrl` is null.
 */
export async function beginMcpAuthorization(
  serverUrl: string,
  vault: McpOAuthVault,
  settings: McpOAuthSettings,
  fetchFn: FetchLike,
): Promise<{ authorizationUrl: string | null }> {
  assertOAuthServerUrl(serverUrl);
  await vault.save({ ...(await vault.load()), redirect_uri: settings.redirectUrl });
  const provider = new VaultOAuthProvider(vault, settings, true);
  const result = await runAuth(provider, { serverUrl, fetchFn, ...(settings.scopes?.length ? { scope: settings.scopes.join(' ') } : {}) });
  if (result === 'AUTHORIZED') return { authorizationUrl: null };
  if (!provider.authorizationUrl) throw new ToolError('E_TOOL_FAILED', 'the authorization server did not give an authorization URL');
  assertOAuthServerUrl(provider.authorizationUrl.href);
  return { authorizationUrl: provider.authorizationUrl.href };
}

/**
 * Finishes it on OmniAI's callback: the `state` must be the one this server's authorization was started with (else
 * nothing is exchanged), then the code is exchanged with the PKCE verifier and the tokens are saved in the vault.
 */
export async function completeMcpAuthorization(
  serverUrl: string,
  vault: McpOAuthVault,
  settings: McpOAuthSettings,
  callback: { code: string; state: string; iss?: string },
  fetchFn: FetchLike,
): Promise<void> {
  assertOAuthServerUrl(serverUrl);
  const pending = (await vault.load()).pending_state;
  if (!pending || !sameText(pending, callback.state)) {
    throw new ToolError('E_VALIDATION', 'the authorization callback does not match an authorization in progress for this server (state mismatch)');
  }
  const provider = new VaultOAuthProvider(vault, settings, false);
  const result = await runAuth(provider, { serverUrl, fetchFn, authorizationCode: callback.code, ...(callback.iss ? { iss: callback.iss } : {}) });
  if (result !== 'AUTHORIZED') throw new ToolError('E_TOOL_FAILED', 'the authorization server did not issue a token');
  const state = { ...(await vault.load()) };
  delete state.pending_state;
  delete state.code_verifier;
  await vault.save(state);
}

/** Runs the SDK's flow; its failures become a ToolError naming what went wrong (never a token). */
async function runAuth(provider: VaultOAuthProvider, options: Parameters<typeof auth>[1]): Promise<'AUTHORIZED' | 'REDIRECT'> {
  try {
    return await auth(provider, options);
  } catch (err) {
    if (err instanceof ToolError) throw err;
    const message = (err instanceof Error ? err.message : String(err)).replace(/\s+/g, ' ').slice(0, 300);
    throw new ToolError('E_TOOL_FAILED', `the OAuth flow with the MCP server failed: ${message}`);
  }
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * The provider a worker connects with: the stored token, refreshed on a 401 (the new one saved back); a flow that
 * would need a browser fails with {@link McpAuthorizationRequired}.
 */
export async function storedOAuthProvider(vault: McpOAuthVault, client: Omit<McpOAuthSettings, 'redirectUrl'>): Promise<VaultOAuthProvider> {
  const redirectUrl = (await vault.load()).redirect_uri ?? 'https://omniai.invalid/v1/mcp/oauth/callback';
  return new VaultOAuthProvider(vault, { ...client, redirectUrl }, false);
}
