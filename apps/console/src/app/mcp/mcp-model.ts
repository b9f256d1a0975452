import { diffLines } from 'diff';
import type { CreateMcpServerRequest, FieldIssue, McpCatalogTool, McpPoisonFlag, McpServer, McpToolDefinition, McpToolStatus } from '@omniai/contracts';
import { parseEgressEntry } from '@omniai/contracts/pure';
import type { Checked } from '../core/form-state';

// ---------------------------------------------------------------------------------------------------------------
// The add-server form
// ---------------------------------------------------------------------------------------------------------------

export interface HeaderDraft {
  name: string;
  /** Write-only: sent once, sealed by the API, never shown again. */
  value: string;
}

export interface ServerDraft {
  id: string;
  name: string;
  transport: 'streamable_http' | 'stdio';
  url: string;
  /** Empty: the image setup builds (Node and the pinned reference servers). */
  image: string;
  /** One argument per line (never run through a shell). */
  command: string;
  /** `NAME=value`, one per line. */
  env: string;
  /** Comma- or line-separated. */
  egressHosts: string;
  memoryMb: number;
  auth: 'none' | 'headers' | 'oauth';
  headers: HeaderDraft[];
  /** OAuth: a pre-registered client (empty: OmniAI registers itself dynamically where the server allows it). */
  clientId: string;
  /** Write-only, like header values. */
  clientSecret: string;
  /** Space- or comma-separated. */
  scopes: string;
}

export type ServerErrors = Partial<
  Record<'id' | 'name' | 'url' | 'image' | 'command' | 'env' | 'egressHosts' | 'memoryMb' | 'headers' | 'clientId' | 'clientSecret' | 'scopes', string>
>;

export const blankServerDraft = (): ServerDraft => ({
  id: '',
  name: '',
  transport: 'streamable_http',
  url: '',
  image: '',
  command: '',
  env: '',
  egressHosts: '',
  memoryMb: 256,
  auth: 'none',
  headers: [{ name: '', value: '' }],
  clientId: '',
  clientSecret: '',
  scopes: '',
});

// The contract's rules (libs/contracts/src/mcp.ts), checked here so the form answers before a round trip; the API
// checks them again and its field issues land under the same fields (errorsOfServerIssues).
const SERVER_ID = /^[a-z0-9][a-z0-9_-]{0,39}$/;
const HEADER_NAME = /^[A-Za-z0-9][A-Za-z0-9-]{0,63}$/;
const RESERVED_HEADER =
  /^(host|content-length|content-type|connection|transfer-encoding|upgrade|te|trailer|cookie|accept|mcp-session-id|mcp-protocol-version)$/i;
const ENV_NAME = /^[A-Z_][A-Z0-9_]{0,63}$/;
const IMAGE = /^[a-z0-9][a-z0-9._/:@-]{0,254}$/;

const lines = (text: string) =>
  text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
export const splitList = (text: string) =>
  text
    .split(/[\n,]/)
    .map((l) => l.trim())
    .filter(Boolean);

function checkUrl(raw: string): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'Expected an http or https URL, e.g. https://mcp.example.org/mcp.';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'Expected an http or https URL.';
  if (url.username || url.password) return 'The URL must not carry a user name or password (use a header).';
  return null;
}

/** The form as `POST /v1/mcp/servers`' body, or the errors of its fields. */
export function createServerRequest(d: ServerDraft): Checked<CreateMcpServerRequest, ServerErrors> {
  const errors: ServerErrors = {};
  const id = d.id.trim();
  if (!SERVER_ID.test(id)) errors.id = 'Expected 1 to 40 lower-case letters, digits, "_" or "-", starting with a letter or digit.';
  if (d.name.trim().length > 120) errors.name = 'At most 120 characters.';

  let transport: CreateMcpServerRequest['transport'] | null = null;
  if (d.transport === 'streamable_http') {
    const url = d.url.trim();
    const problem = url ? checkUrl(url) : 'The server’s Streamable HTTP endpoint is required.';
    if (problem) errors.url = problem;
    else transport = { type: 'streamable_http', url };
  } else {
    const command = lines(d.command);
    const image = d.image.trim();
    const env: Record<string, string> = {};
    for (const line of lines(d.env)) {
      const eq = line.indexOf('=');
      const name = eq > 0 ? line.slice(0, eq) : line;
      if (eq <= 0 || !ENV_NAME.test(name)) {
        errors.env = `"${line}": expected NAME=value with an upper-case name.`;
        break;
      }
      env[name] = line.slice(eq + 1);
    }
    const hosts = splitList(d.egressHosts);
    const bad = hosts.find((h) => h.includes('*') || 'error' in parseEgressEntry(h));
    if (!command.length) errors.command = 'The server’s command, one argument per line (e.g. npx, -y, @scope/server).';
    else if (command.length > 32) errors.command = 'At most 32 arguments.';
    if (image && !IMAGE.test(image)) errors.image = 'Expected an image reference (lower case), e.g. omniai/mcp-node:1.';
    if (bad) errors.egressHosts = `"${bad}" is not a host name (optionally with :port).`;
    else if (hosts.length > 20) errors.egressHosts = 'At most 20 hosts.';
    if (Object.keys(env).length > 32) errors.env = 'At most 32 variables.';
    if (!Number.isInteger(d.memoryMb) || d.memoryMb < 64 || d.memoryMb > 2048) errors.memoryMb = 'Between 64 and 2048 MB.';
    transport = {
      type: 'stdio',
      ...(image ? { image } : {}),
      command,
      ...(Object.keys(env).length ? { env } : {}),
      egress_hosts: hosts,
      memory_mb: d.memoryMb,
    };
  }

  let auth: CreateMcpServerRequest['auth'] = { type: 'none' };
  if (d.auth === 'headers') {
    const filled = d.headers.filter((h) => h.name.trim() || h.value);
    const headers: Record<string, string> = {};
    for (const h of filled) {
      const name = h.name.trim();
      if (!HEADER_NAME.test(name)) errors.headers = `"${name}" is not a header name (letters, digits and "-").`;
      else if (RESERVED_HEADER.test(name)) errors.headers = `${name} is set by the MCP client itself.`;
      else if (!h.value) errors.headers = `The value of ${name} is empty.`;
      else if (headers[name] !== undefined) errors.headers = `${name} is named twice.`;
      if (errors.headers) break;
      headers[name] = h.value;
    }
    if (!errors.headers && !filled.length) errors.headers = 'Name at least one header, or choose no authentication.';
    if (!errors.headers && filled.length > 10) errors.headers = 'At most 10 headers.';
    auth = { type: 'headers', headers };
  } else if (d.auth === 'oauth') {
    const [clientId, scopes] = [d.clientId.trim(), d.scopes.split(/[\s,]+/).filter(Boolean)];
    // The MCP authorization spec: https only (a server on loopback excepted, as the API allows).
    if (d.transport !== 'streamable_http') errors.clientId = 'OAuth is for remote (Streamable HTTP) servers.';
    else if (!errors.url && !/^https:|^http:\/\/(127\.0\.0\.1|localhost|\[::1\])[:/]/i.test(d.url.trim()))
      errors.url = 'OAuth needs an https URL (or a server on this machine).';
    if (clientId.length > 500) errors.clientId = 'At most 500 characters.';
    if (d.clientSecret && !clientId) errors.clientSecret = 'A client secret goes with a client id.';
    else if (d.clientSecret.length > 2000) errors.clientSecret = 'At most 2000 characters.';
    if (scopes.length > 20 || scopes.some((x) => x.length > 200)) errors.scopes = 'At most 20 scopes of up to 200 characters.';
    auth = {
      type: 'oauth',
      ...(clientId ? { client_id: clientId } : {}),
      ...(d.clientSecret ? { client_secret: d.clientSecret } : {}),
      ...(scopes.length ? { scopes } : {}),
    };
  }

  if (Object.keys(errors).length || !transport) return { ok: false, errors };
  const name = d.name.trim();
  return { ok: true, body: { id, ...(name ? { name } : {}), transport, auth } };
}

/** The API's field issues of a create request, under the form's fields (the rest stays for the form's error line). */
export function errorsOfServerIssues(issues: readonly FieldIssue[]): { errors: ServerErrors; rest: FieldIssue[] } {
  const errors: ServerErrors = {};
  const rest: FieldIssue[] = [];
  const field = (path: string): keyof ServerErrors | null => {
    if (path === 'id' || path === 'name') return path;
    if (path.startsWith('transport.url')) return 'url';
    if (path.startsWith('transport.image')) return 'image';
    if (path.startsWith('transport.command')) return 'command';
    if (path.startsWith('transport.env')) return 'env';
    if (path.startsWith('transport.egress_hosts')) return 'egressHosts';
    if (path.startsWith('transport.memory_mb')) return 'memoryMb';
    if (path.startsWith('auth.client_id')) return 'clientId';
    if (path.startsWith('auth.client_secret')) return 'clientSecret';
    if (path.startsWith('auth.scopes')) return 'scopes';
    if (path.startsWith('auth')) return 'headers';
    return null;
  };
  for (const issue of issues) {
    const f = field(issue.path);
    if (f && !errors[f]) errors[f] = issue.message;
    else if (!f) rest.push(issue);
  }
  return { errors, rest };
}

// ---------------------------------------------------------------------------------------------------------------
// Servers and tools as the cards show them
// ---------------------------------------------------------------------------------------------------------------

export const STATUS_TEXT: Record<McpToolStatus, string> = {
  approved: 'approved',
  drifted: 'drifted',
  new: 'new',
  blocked: 'blocked',
  removed: 'removed',
};

export const AUTH_STATE_TEXT: Record<McpServer['health']['auth_state'], string> = {
  none: 'no authentication',
  ok: 'authenticated',
  unauthorized: 'unauthorized',
  needs_authorization: 'needs authorization',
  expired: 'token expired',
};

/** Where the server's process lives, in one line: its URL, or the image and command of the stdio container. */
export function transportSummary(t: McpServer['transport']): string {
  return t.type === 'streamable_http' ? t.url : `${t.image ?? 'omniai/mcp-node'} · ${t.command.join(' ')}`;
}

export const TRANSPORT_TEXT: Record<McpServer['transport']['type'], string> = { streamable_http: 'Streamable HTTP', stdio: 'stdio (sandboxed)' };

/** The card's drift badge: what needs a reviewer, most urgent first (null when nothing does). */
export function attentionOf(s: Pick<McpServer, 'tool_counts'>): { kind: 'drifted' | 'new' | 'flagged'; text: string } | null {
  const c = s.tool_counts;
  if (c.drifted) return { kind: 'drifted', text: `${c.drifted} drifted` };
  if (c.new) return { kind: 'new', text: `${c.new} to review` };
  if (c.flagged) return { kind: 'flagged', text: `${c.flagged} flagged` };
  return null;
}

/** Tools needing a reviewer first (drifted, new), then the rest by name. */
export function sortTools(tools: readonly McpCatalogTool[]): McpCatalogTool[] {
  const rank: Record<McpToolStatus, number> = { drifted: 0, new: 1, approved: 2, blocked: 3, removed: 4 };
  return [...tools].sort((a, b) => rank[a.status] - rank[b.status] || a.definition.name.localeCompare(b.definition.name));
}

/** A tool can be tried or pinned only when its live definition is the approved one and runs can be offered it. */
export const usable = (t: McpCatalogTool): boolean => t.status === 'approved' && t.tool_id !== null && !t.unusable && t.approved_version !== null;

// ---------------------------------------------------------------------------------------------------------------
// The Try form: fields generated from a tool's input schema
// ---------------------------------------------------------------------------------------------------------------

/**
 * One input of the Try form. Top-level properties of simple types get their own control; anything else (objects,
 * arrays, unions) is edited as JSON, as is the whole input when the schema has no properties to go by.
 */
export interface SchemaField {
  name: string;
  kind: 'string' | 'number' | 'integer' | 'boolean' | 'enum' | 'json';
  required: boolean;
  description: string | null;
  options: readonly (string | number)[];
  /** The text the control starts with: the schema's default, if any. */
  initial: string;
}

type Schema = Record<string, unknown>;
const isSchema = (v: unknown): v is Schema => v !== null && typeof v === 'object' && !Array.isArray(v);

function kindOf(s: Schema): SchemaField['kind'] {
  if (Array.isArray(s['enum']) && s['enum'].length && s['enum'].every((v) => typeof v === 'string' || typeof v === 'number')) return 'enum';
  const t = Array.isArray(s['type']) ? s['type'].filter((x) => x !== 'null') : [s['type']];
  if (t.length !== 1) return 'json';
  return t[0] === 'string' || t[0] === 'number' || t[0] === 'integer' || t[0] === 'boolean' ? t[0] : 'json';
}

/** The fields of an object input schema, in the schema's order; null when it is not one (edit the input as JSON). */
export function schemaFields(schema: Schema): SchemaField[] | null {
  const props = schema['properties'];
  if (schema['type'] !== 'object' || !isSchema(props)) return null;
  const required = new Set(Array.isArray(schema['required']) ? schema['required'] : []);
  return Object.entries(props).map(([name, raw]) => {
    const s = isSchema(raw) ? raw : {};
    const kind = kindOf(s);
    const def = s['default'];
    return {
      name,
      kind,
      required: required.has(name),
      description: typeof s['description'] === 'string' ? s['description'] : null,
      options: kind === 'enum' ? (s['enum'] as (string | number)[]) : [],
      initial: def === undefined ? (kind === 'boolean' ? 'false' : '') : kind === 'json' || kind === 'enum' ? JSON.stringify(def) : String(def),
    };
  });
}

/** The form's values as the tool's input: empty optional fields left out; the errors per field otherwise. */
export function inputOfFields(
  fields: readonly SchemaField[],
  values: Readonly<Record<string, string>>,
): Checked<Record<string, unknown>, Record<string, string>> {
  const input: Record<string, unknown> = {};
  const errors: Record<string, string> = {};
  for (const f of fields) {
    const text = values[f.name] ?? f.initial;
    if (f.kind === 'boolean') {
      input[f.name] = text === 'true';
      continue;
    }
    if (text.trim() === '' && !(f.kind === 'string' && text !== '')) {
      if (f.required) errors[f.name] = 'Required.';
      continue;
    }
    switch (f.kind) {
      case 'string':
        input[f.name] = text;
        break;
      case 'number':
      case 'integer': {
        const n = Number(text);
        if (!Number.isFinite(n) || (f.kind === 'integer' && !Number.isInteger(n)))
          errors[f.name] = f.kind === 'integer' ? 'Expected a whole number.' : 'Expected a number.';
        else input[f.name] = n;
        break;
      }
      case 'enum': {
        const option = f.options.find((o) => JSON.stringify(o) === text);
        if (option === undefined) errors[f.name] = 'Choose one of the options.';
        else input[f.name] = option;
        break;
      }
      case 'json':
        try {
          input[f.name] = JSON.parse(text);
        } catch (err) {
          errors[f.name] = `Not JSON: ${(err as Error).message}`;
        }
        break;
    }
  }
  return Object.keys(errors).length ? { ok: false, errors } : { ok: true, body: input };
}

// ---------------------------------------------------------------------------------------------------------------
// Drift review: the approved and the live definition side by side
// ---------------------------------------------------------------------------------------------------------------

export interface DiffRow {
  /** The approved side's line (null: nothing there, the live side added a line). */
  left: string | null;
  right: string | null;
  kind: 'same' | 'changed' | 'removed' | 'added';
}

export interface DiffSection {
  title: string;
  rows: DiffRow[];
  changed: boolean;
}

/**
 * A definition as the lines a reviewer compares: the description as written (one line per line, so an added sentence
 * shows as such), the input schema, output schema and annotations as pretty JSON with sorted keys.
 */
export function definitionSections(d: McpToolDefinition | null): Array<{ title: string; text: string }> {
  return [
    { title: 'Title', text: d?.title ?? '' },
    { title: 'Description', text: d?.description ?? '' },
    { title: 'Input schema', text: d ? prettySorted(d.input_schema) : '' },
    { title: 'Output schema', text: d?.output_schema ? prettySorted(d.output_schema) : '' },
    { title: 'Annotations', text: d?.annotations ? prettySorted(d.annotations) : '' },
  ];
}

/** JSON with sorted keys and two-space indent, so that a reordering alone is no change. */
export function prettySorted(value: unknown): string {
  const sort = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(sort)
      : isSchema(v)
        ? Object.fromEntries(
            Object.keys(v)
              .sort()
              .map((k) => [k, sort(v[k])]),
          )
        : v;
  return JSON.stringify(sort(value), null, 2);
}

/** Pairs a line diff (jsdiff's `diffLines`) into rows: removed lines beside the added lines that replace them. */
export function sideBySide(before: string, after: string): DiffRow[] {
  const rows: DiffRow[] = [];
  const split = (v: string) => v.replace(/\n$/, '').split('\n');
  // Nothing on one side (a first definition, a removed tool, a section only one side has): no empty line to pair.
  if (before === '') return split(after).map((l) => ({ left: null, right: l, kind: 'added' }));
  if (after === '') return split(before).map((l) => ({ left: l, right: null, kind: 'removed' }));
  // Both end with a newline, so that a last line followed by more lines is not "changed" by its newline alone.
  const parts = diffLines(`${before}\n`, `${after}\n`);
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i]!;
    if (!p.added && !p.removed) {
      for (const l of split(p.value)) rows.push({ left: l, right: l, kind: 'same' });
    } else if (p.removed) {
      const gone = split(p.value);
      const next = parts[i + 1];
      const came = next?.added ? split(next.value) : [];
      if (next?.added) i++;
      for (let j = 0; j < Math.max(gone.length, came.length); j++) {
        const [left, right] = [gone[j] ?? null, came[j] ?? null];
        rows.push({ left, right, kind: left !== null && right !== null ? 'changed' : left !== null ? 'removed' : 'added' });
      }
    } else {
      for (const l of split(p.value)) rows.push({ left: null, right: l, kind: 'added' });
    }
  }
  return rows;
}

/** The sections of a drift review, each a side-by-side diff of the approved and the live definition. */
export function definitionDiff(approved: McpToolDefinition | null, live: McpToolDefinition | null): DiffSection[] {
  const [a, b] = [definitionSections(approved), definitionSections(live)];
  return a
    .map((s, i) => {
      const after = b[i]!.text;
      const rows = s.text === '' && after === '' ? [] : sideBySide(s.text, after);
      return { title: s.title, rows, changed: s.text !== after };
    })
    .filter((s) => s.rows.length > 0);
}

/** Shows characters a reader cannot see (zero-width, bidi controls, tags) as `U+XXXX`, as the flags do. */
export function revealInvisible(text: string): string {
  return text.replace(
    /[\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]|[\u{E0000}-\u{E007F}]/gu,
    (c) => `⟨U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}⟩`,
  );
}
