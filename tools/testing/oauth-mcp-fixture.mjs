// A real OAuth 2.1 authorization server (panva's oidc-provider) and an MCP server it protects, over https, for the
// MCP OAuth client's tests (libs/tools/src/mcp/mcp-oauth.int-spec.ts). Run as a child process: oidc-provider is an ES
// module that Jest's module system does not load.
//
// Usage: node oauth-mcp-fixture.mjs <cert.pem> <key.pem> <access token ttl seconds>
// Prints one JSON line {"as_port", "mcp_port"} when both listen on 127.0.0.1. The test reaches them as
// https://auth.test and https://mcp.test through its stand-in network (names still verified against the certificate).
//
// The authorization server: dynamic client registration, authorization code with S256 PKCE required, resource
// indicators (RFC 8707) issuing JWT access tokens for the MCP server's audience, refresh tokens (rotated). Its login and
// consent page signs in "alice" and grants what was asked, as a user clicking "Allow" would.
// The MCP server: the protected resource metadata (RFC 9728), 401 with `WWW-Authenticate` without a valid token, and
// a `whoami` tool answering the token's subject. It counts the tokens it accepted (GET /stats).
import { readFileSync } from 'node:fs';
import { createServer } from 'node:https';
import { createMcpHandler, fromJsonSchema, McpServer } from '@modelcontextprotocol/server';
import { exportJWK, generateKeyPair, jwtVerify } from 'jose';
import Provider, { errors } from 'oidc-provider';

const [certPath, keyPath, ttlArg] = process.argv.slice(2);
const tls = { cert: readFileSync(certPath, 'utf8'), key: readFileSync(keyPath, 'utf8') };
const accessTtl = Number(ttlArg ?? 3600);
const ISSUER = 'https://auth.test';
const RESOURCE = 'https://mcp.test/mcp';
const METADATA = 'https://mcp.test/.well-known/oauth-protected-resource/mcp';
const SCOPE = 'mcp:tools';

const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
const jwk = { ...(await exportJWK(privateKey)), alg: 'ES256', use: 'sig', kid: 'fixture' };

const provider = new Provider(ISSUER, {
  jwks: { keys: [jwk] },
  findAccount: async (_ctx, id) => ({ accountId: id, claims: async () => ({ sub: id }) }),
  scopes: ['openid', 'offline_access', SCOPE],
  clientDefaults: {
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    token_endpoint_auth_method: 'none',
    id_token_signed_response_alg: 'ES256',
  },
  features: {
    devInteractions: { enabled: false },
    registration: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: () => RESOURCE,
      useGrantedResource: () => true,
      getResourceServerInfo: (_ctx, indicator) => {
        if (indicator !== RESOURCE) throw new errors.InvalidTarget();
        return { scope: SCOPE, audience: RESOURCE, accessTokenTTL: accessTtl, accessTokenFormat: 'jwt', jwt: { sign: { alg: 'ES256' } } };
      },
    },
  },
  issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed('refresh_token'),
  interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
  ttl: { AccessToken: accessTtl, AuthorizationCode: 60, Grant: 3600, Interaction: 600, Session: 3600, RefreshToken: 3600 },
});
provider.on('server_error', (_ctx, err) => process.stderr.write(`oidc-provider: ${err.stack}\n`));

const asServer = createServer(tls, async (req, res) => {
  if (req.url?.startsWith('/interaction/')) {
    try {
      const details = await provider.interactionDetails(req, res);
      let result;
      if (details.prompt.name === 'login') {
        result = { login: { accountId: 'alice' } };
      } else {
        const grant = details.grantId
          ? await provider.Grant.find(details.grantId)
          : new provider.Grant({ accountId: details.session.accountId, clientId: details.params.client_id });
        const missing = details.prompt.details;
        if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
        if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
        for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes ?? {})) grant.addResourceScope(indicator, scopes.join(' '));
        result = { consent: { grantId: await grant.save() } };
      }
      await provider.interactionFinished(req, res, result, { mergeWithLastSubmission: true });
    } catch (err) {
      res.writeHead(400, { 'content-type': 'text/plain' }).end(String(err));
    }
    return;
  }
  provider.callback()(req, res);
});

let accepted = 0;
const mcp = createMcpHandler(() => {
  const server = new McpServer({ name: 'oauth-protected', version: '1.0.0' });
  server.registerTool(
    'whoami',
    { description: 'Answers who the token belongs to.', inputSchema: fromJsonSchema({ type: 'object', properties: {} }), annotations: { readOnlyHint: true } },
    async (_args, ctx) => ({ content: [{ type: 'text', text: `you are ${ctx?.http?.authInfo?.extra?.sub ?? 'unknown'}` }] }),
  );
  return server;
});

const challenge = (res, error) =>
  res
    .writeHead(401, {
      'content-type': 'application/json',
      'www-authenticate': `Bearer resource_metadata="${METADATA}", scope="${SCOPE}"${error ? `, error="${error}"` : ''}`,
    })
    .end(JSON.stringify({ error: error ?? 'unauthorized' }));

const mcpServer = createServer(tls, async (req, res) => {
  const url = new URL(req.url ?? '/', 'https://mcp.test');
  if (url.pathname === '/.well-known/oauth-protected-resource/mcp' || url.pathname === '/.well-known/oauth-protected-resource') {
    res
      .writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify({ resource: RESOURCE, authorization_servers: [ISSUER], scopes_supported: [SCOPE], bearer_methods_supported: ['header'] }));
    return;
  }
  if (url.pathname === '/stats') {
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ accepted }));
    return;
  }
  if (url.pathname !== '/mcp') {
    res.writeHead(404).end();
    return;
  }
  const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
  if (!bearer) return challenge(res);
  let claims;
  try {
    ({ payload: claims } = await jwtVerify(bearer, publicKey, { issuer: ISSUER, audience: RESOURCE, typ: 'at+jwt' }));
  } catch {
    return challenge(res, 'invalid_token');
  }
  accepted += 1;
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  const body = Buffer.concat(chunks);
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) for (const v of [value ?? []].flat()) headers.append(name, v);
  const answer = await mcp.fetch(new Request(RESOURCE, { method: req.method, headers, ...(body.length ? { body } : {}) }), {
    authInfo: { token: bearer, clientId: String(claims.client_id ?? ''), scopes: String(claims.scope ?? '').split(' '), extra: { sub: claims.sub } },
  });
  res.writeHead(answer.status, Object.fromEntries(answer.headers));
  if (answer.body) for await (const chunk of answer.body) res.write(chunk);
  res.end();
});

const listen = (server) => new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server.address().port)));
const [asPort, mcpPort] = await Promise.all([listen(asServer), listen(mcpServer)]);
process.stdout.write(`${JSON.stringify({ as_port: asPort, mcp_port: mcpPort })}\n`);
process.on('SIGTERM', () => process.exit(0));
