import { z } from 'zod';
import { McpServerId } from './mcp-tools';
import { Run } from './api';
import { McpPoisonFlag } from './tools';

/**
 * The MCP hub (issue 17, docs/MCP.md): MCP servers as first-class objects, their catalog (tools, resources, prompts)
 * with a definition hash per tool, drift detection against the approved definition, and poisoning flags.
 *
 * A tool of a server is offered to runs as `mcp.<server id>.<tool name>` (the `mcp_remote` binding); each approved
 * definition is one registered manifest version, so pinning a project to a version pins it to a definition hash.
 */

/** Header names an admin may set on a server (no hop-by-hop or framing headers). */
export const McpHeaderName = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9-]{0,63}$/, 'expected a header name (letters, digits and "-")')
  .refine(
    (n) => !/^(host|content-length|content-type|connection|transfer-encoding|upgrade|te|trailer|cookie|accept|mcp-session-id|mcp-protocol-version)$/i.test(n),
    {
      message: 'this header is set by the MCP client itself',
    },
  );

/** One host a stdio server may reach through the egress proxy (as in `egress_allow`: a name, optionally `:port`). */
export const McpEgressHost = z
  .string()
  .trim()
  .min(1)
  .max(260)
  .regex(/^(\*\.)?[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9a-fA-F:.]+\](:\d{1,5})?$/, 'expected a host name, optionally with :port');

/** Streamable HTTP: the server's endpoint (no credentials in the URL; headers go in `auth`). */
export const McpHttpTransport = z.strictObject({
  type: z.literal('streamable_http'),
  url: z
    .url({ protocol: /^https?$/, message: 'expected an http or https URL' })
    .max(2000)
    .refine((u) => !/^[a-z]+:\/\/[^/]*@/i.test(u), 'the URL must not carry a user name or password'),
});
export type McpHttpTransport = z.infer<typeof McpHttpTransport>;

/**
 * stdio: the server process runs in a locked-down container (the sandbox's hardening, D32), one container per server
 * session, stopped when idle. Its only way out is the egress proxy, to `egress_hosts` that the workspace also allows.
 */
export const McpStdioTransport = z.strictObject({
  type: z.literal('stdio'),
  /** The image to run; default: the image setup builds with Node and the pinned reference servers (`omniai/mcp-node`). */
  image: z
    .string()
    .regex(/^[a-z0-9][a-z0-9._/:@-]{0,254}$/, 'expected an image reference')
    .optional(),
  /** The server's argv, never run through a shell. */
  command: z.array(z.string().min(1).max(1000)).min(1).max(32),
  /** Plain environment variables (not secrets: secrets go in `auth`). */
  env: z
    .record(z.string().regex(/^[A-Z_][A-Z0-9_]{0,63}$/, 'expected an environment variable name'), z.string().max(2000))
    .refine((e) => Object.keys(e).length <= 32, 'at most 32 variables')
    .optional(),
  /** Hosts the process may reach through the egress proxy (default none). */
  egress_hosts: z.array(McpEgressHost).max(20).optional(),
  /** Memory limit of the container (default 256). */
  memory_mb: z.number().int().min(64).max(2048).optional(),
});
export type McpStdioTransport = z.infer<typeof McpStdioTransport>;

export const McpTransport = z.discriminatedUnion('type', [McpHttpTransport, McpStdioTransport]);
export type McpTransport = z.infer<typeof McpTransport>;

/**
 * How OmniAI authenticates to the server. `headers`: static header values, sealed at rest and sent only by the worker
 * (never returned, logged or recorded in a run). `oauth`: OAuth 2.1 with PKCE per the MCP authorization spec (remote
 * https servers only); tokens are sealed and refreshed by the client.
 */
export const McpAuthInput = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('none') }),
  z.strictObject({
    type: z.literal('headers'),
    headers: z.record(McpHeaderName, z.string().min(1).max(4000)).refine((h) => Object.keys(h).length >= 1 && Object.keys(h).length <= 10, '1 to 10 headers'),
  }),
  z.strictObject({
    type: z.literal('oauth'),
    /** A pre-registered client; without one the client registers itself dynamically where the server allows it. */
    client_id: z.string().min(1).max(500).optional(),
    client_secret: z.string().min(1).max(2000).optional(),
    scopes: z.array(z.string().min(1).max(200)).max(20).optional(),
  }),
]);
export type McpAuthInput = z.infer<typeof McpAuthInput>;

/** Where the server's authentication stands, as the last check saw it. */
export const McpAuthState = z.enum(['none', 'ok', 'unauthorized', 'needs_authorization', 'expired']);
export type McpAuthState = z.infer<typeof McpAuthState>;

/** The public view of a server's authentication: header names with fingerprints, never their values. */
export const McpAuthView = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('none') }),
  z.strictObject({ type: z.literal('headers'), headers: z.array(z.strictObject({ name: z.string(), fingerprint: z.string() })) }),
  z.strictObject({
    type: z.literal('oauth'),
    client_id: z.string().nullable(),
    scopes: z.array(z.string()),
    /** Whether a token is held (sealed); the access token itself is never returned. */
    authorized: z.boolean(),
    expires_at: z.iso.datetime().nullable(),
  }),
]);
export type McpAuthView = z.infer<typeof McpAuthView>;

/** A health check's outcome (`POST …/check`, and the periodic check). */
export const McpHealth = z.strictObject({
  status: z.enum(['unknown', 'ok', 'error']),
  checked_at: z.iso.datetime().nullable(),
  latency_ms: z.number().int().nonnegative().nullable(),
  protocol_version: z.string().nullable(),
  server_info: z.strictObject({ name: z.string(), version: z.string(), title: z.string().optional() }).nullable(),
  auth_state: McpAuthState,
  /** Why the last check failed (stable code and message); null when it succeeded. */
  error: z.strictObject({ code: z.string(), message: z.string() }).nullable(),
});
export type McpHealth = z.infer<typeof McpHealth>;

// McpPoisonFlag lives in ./tools: a tool version's risk carries the flags of its approved definition.

/** A tool's definition as the server lists it: what the definition hash is computed over. */
export const McpToolDefinition = z.strictObject({
  name: z.string(),
  title: z.string().optional(),
  description: z.string().optional(),
  input_schema: z.record(z.string(), z.unknown()),
  output_schema: z.record(z.string(), z.unknown()).optional(),
  annotations: z.record(z.string(), z.unknown()).optional(),
});
export type McpToolDefinition = z.infer<typeof McpToolDefinition>;

/**
 * A tool's review state. `approved`: the live definition is the approved one. `drifted`: the server changed it after
 * approval: calls are refused with `E_TOOL_DRIFTED` until an admin re-approves. `new`: listed after the server was
 * added, not approved yet. `blocked`: an admin blocked it (calls refused). `removed`: no longer listed.
 */
export const McpToolStatus = z.enum(['approved', 'drifted', 'new', 'blocked', 'removed']);
export type McpToolStatus = z.infer<typeof McpToolStatus>;

export const McpCatalogTool = z.strictObject({
  /** The tool's id in OmniAI (`mcp.<server id>.<normalized name>`); null when the tool cannot be offered (`unusable`). */
  tool_id: z.string().nullable(),
  definition: McpToolDefinition,
  /** sha256 of the canonical JSON of `definition` as the server lists it now. */
  definition_hash: z.string().regex(/^[0-9a-f]{64}$/),
  /** The hash an admin approved; null before any approval. */
  approved_hash: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .nullable(),
  /** The registered manifest version of the approved definition (pin a project to it); null before approval. */
  approved_version: z.string().nullable(),
  status: McpToolStatus,
  flags: z.array(McpPoisonFlag),
  /** Why the tool cannot be offered to runs (e.g. its input schema is not an object schema); absent when it can. */
  unusable: z.string().optional(),
  changed_at: z.iso.datetime(),
});
export type McpCatalogTool = z.infer<typeof McpCatalogTool>;

export const McpCatalogResource = z.strictObject({
  uri: z.string(),
  name: z.string(),
  description: z.string().optional(),
  mime_type: z.string().optional(),
});
export type McpCatalogResource = z.infer<typeof McpCatalogResource>;
export const McpCatalogPrompt = z.strictObject({
  name: z.string(),
  description: z.string().optional(),
  arguments: z.array(z.strictObject({ name: z.string(), description: z.string().optional(), required: z.boolean().optional() })).optional(),
});
export type McpCatalogPrompt = z.infer<typeof McpCatalogPrompt>;

/** `GET /v1/mcp/servers/{serverId}/catalog`: tools (with review state) and, read-only, resources and prompts. */
export const McpCatalog = z.strictObject({
  server_id: McpServerId,
  /** When the server was last listed; a call re-checks the live definition when this is older than the configured age. */
  listed_at: z.iso.datetime().nullable(),
  tools: z.array(McpCatalogTool),
  resources: z.array(McpCatalogResource),
  prompts: z.array(McpCatalogPrompt),
});
export type McpCatalog = z.infer<typeof McpCatalog>;

/** A server as the hub shows it. */
export const McpServer = z.strictObject({
  id: McpServerId,
  name: z.string(),
  transport: McpTransport,
  auth: McpAuthView,
  enabled: z.boolean(),
  health: McpHealth,
  /** Tools per review state, for the server card's badges. */
  tool_counts: z.strictObject({
    approved: z.number().int(),
    drifted: z.number().int(),
    new: z.number().int(),
    blocked: z.number().int(),
    flagged: z.number().int(),
  }),
  listed_at: z.iso.datetime().nullable(),
  created_at: z.iso.datetime(),
  updated_at: z.iso.datetime(),
});
export type McpServer = z.infer<typeof McpServer>;

/** `POST /v1/mcp/servers`: add a server; OmniAI connects, lists it and approves the definitions it listed. */
export const CreateMcpServerRequest = z.strictObject({
  id: McpServerId,
  name: z.string().trim().min(1).max(120).optional(),
  transport: McpTransport,
  auth: McpAuthInput.default({ type: 'none' }),
});
export type CreateMcpServerRequest = z.infer<typeof CreateMcpServerRequest>;

/** `PATCH /v1/mcp/servers/{serverId}`: rename, enable or disable, replace the authentication or the transport. */
export const UpdateMcpServerRequest = z
  .strictObject({
    name: z.string().trim().min(1).max(120).optional(),
    enabled: z.boolean().optional(),
    auth: McpAuthInput.optional(),
    transport: McpTransport.optional(),
  })
  .refine((b) => Object.keys(b).length > 0, 'nothing to change');
export type UpdateMcpServerRequest = z.infer<typeof UpdateMcpServerRequest>;

/** What `POST /v1/mcp/servers` and `POST …/check` answer: the server and its catalog as just listed. */
export const McpServerDetail = z.strictObject({ server: McpServer, catalog: McpCatalog });
export type McpServerDetail = z.infer<typeof McpServerDetail>;

/** `GET …/tools/{toolName}/diff`: the approved and the live definition side by side. */
export const McpToolDiff = z.strictObject({
  server_id: McpServerId,
  tool_name: z.string(),
  status: McpToolStatus,
  approved: McpToolDefinition.nullable(),
  approved_hash: z.string().nullable(),
  live: McpToolDefinition.nullable(),
  live_hash: z.string().nullable(),
  /** Flags on the live definition. */
  flags: z.array(McpPoisonFlag),
});
export type McpToolDiff = z.infer<typeof McpToolDiff>;

/** `POST …/tools/{toolName}/approve`: approve exactly the definition reviewed (its hash), which must still be live. */
export const ApproveMcpToolRequest = z.strictObject({ definition_hash: z.string().regex(/^[0-9a-f]{64}$/) });
export type ApproveMcpToolRequest = z.infer<typeof ApproveMcpToolRequest>;

/** `POST …/tools/{toolName}/block`: block (or unblock) a tool; a blocked tool's calls are refused. */
export const BlockMcpToolRequest = z.strictObject({ blocked: z.boolean(), reason: z.string().trim().max(500).optional() });
export type BlockMcpToolRequest = z.infer<typeof BlockMcpToolRequest>;

/**
 * `POST …/tools/{toolName}/try`: call the tool once as a one-step run in a project, through policy, approval, egress
 * and the sandbox; the output is the run's ordinary `tool_call` / `tool_result`.
 */
export const TryMcpToolRequest = z.strictObject({
  project_id: z.uuid(),
  input: z.record(z.string(), z.unknown()),
});
export type TryMcpToolRequest = z.infer<typeof TryMcpToolRequest>;
export const TryMcpToolResponse = z.strictObject({ run: Run, tool_id: z.string(), version: z.string() });
export type TryMcpToolResponse = z.infer<typeof TryMcpToolResponse>;

/**
 * `POST …/oauth/authorize`: where to send the admin to authorize OmniAI (OAuth 2.1 with PKCE); null when the stored
 * token still works or was refreshed. `redirect_uri` is OmniAI's callback for this server (register it with a
 * pre-registered client).
 */
export const McpOAuthStart = z.strictObject({ authorization_url: z.url().nullable(), redirect_uri: z.url() });
export type McpOAuthStart = z.infer<typeof McpOAuthStart>;

/** The authorization server's redirect back to OmniAI (`GET …/oauth/callback`). */
export const McpOAuthCallbackQuery = z.object({
  code: z.string().min(1).max(4000).optional(),
  state: z.string().min(1).max(500).optional(),
  iss: z.string().max(2000).optional(),
  error: z.string().max(200).optional(),
  error_description: z.string().max(2000).optional(),
});
export type McpOAuthCallbackQuery = z.infer<typeof McpOAuthCallbackQuery>;
