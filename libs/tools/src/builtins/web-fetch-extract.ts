import type { EgressAllowValue, ToolManifest } from '@omniai/contracts';
import { type UnsafeTestNetwork, safeFetch } from '../egress/safe-fetch';
import { type BuiltinTool, type ToolContext, ToolError } from '../tool';
import { extractReadableText } from './html-text';

export const WEB_FETCH_EXTRACT_ID = 'web.fetch_extract';
const DEFAULT_MAX_CHARS = 20_000;
const MAX_CHARS_LIMIT = 200_000;
const MAX_URL_LENGTH = 2048;

/** Defaults sized for one page read by a model. The fetch deadline stays under the manifest's 20 s timeout so the
 * tool reports its own `E_TOOL_TIMEOUT` (with the host) before the runtime has to kill the call. */
const DEFAULTS = { maxBytes: 2 * 1024 * 1024, timeoutMs: 15_000, maxRedirects: 5 } as const;

/**
 * The manifest. `egress_hosts: ['*']` declares what the tool may *need* (any web host); what a given call may reach
 * is the host list of that call's egress grant, passed to {@link webFetchExtract}.
 */
export const webFetchExtractManifest: ToolManifest = {
  id: WEB_FETCH_EXTRACT_ID,
  version: '1.0.0',
  description:
    'Fetch a web page over http(s) and return its readable text: the title and the main content, without scripts, ' +
    'styles or page chrome. Plain-text and JSON responses are returned as they are; other content types are refused. ' +
    'Only hosts granted to this call can be fetched, and never private, loopback or link-local addresses.',
  input_schema: {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    type: 'object',
    properties: {
      url: { type: 'string', format: 'uri', maxLength: MAX_URL_LENGTH, description: 'The http or https URL to fetch.' },
      max_chars: {
        type: 'integer',
        minimum: 1,
        maximum: MAX_CHARS_LIMIT,
        default: DEFAULT_MAX_CHARS,
        description: 'Longest text to return; longer text is cut and `truncated` is true.',
      },
    },
    required: ['url'],
    additionalProperties: false,
  },
  output_schema: {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    type: 'object',
    properties: {
      url: { type: 'string', description: 'The URL as requested.' },
      final_url: { type: 'string', description: 'The URL that answered, after redirects.' },
      status: { type: 'integer', minimum: 100, maximum: 599 },
      title: { type: 'string', description: "The page's title ('' when it has none or is not HTML)." },
      text: { type: 'string' },
      truncated: { type: 'boolean', description: 'True when the body or the text was cut at a limit.' },
    },
    required: ['url', 'final_url', 'status', 'title', 'text', 'truncated'],
    additionalProperties: false,
  },
  risk: {
    side_effect: 'read',
    scopes: ['read_web'],
    egress_hosts: ['*'],
    limits: { timeout_ms: 20_000, memory_mb: 256, cpus: 1 },
  },
  binding: { type: 'inproc_safe', builtin: WEB_FETCH_EXTRACT_ID },
};

export interface WebFetchExtractInput {
  url: string;
  max_chars?: number;
}

export interface WebFetchExtractOutput {
  url: string;
  final_url: string;
  status: number;
  title: string;
  text: string;
  truncated: boolean;
}

export interface WebFetchExtractOptions {
  /**
   * The hosts of this call's egress grant (`host`, `*.domain`, `*` for any public host, `{ host, allow_private }`). Required: the tool has
   * no allowlist of its own, so forgetting to pass the grant denies everything instead of allowing everything.
   */
  allowHosts: readonly EgressAllowValue[];
  /** Body bytes read at most (default 2 MiB). */
  maxBytes?: number;
  /** Deadline for the whole fetch (default 15 s). */
  timeoutMs?: number;
  /** Redirects followed at most (default 5). */
  maxRedirects?: number;
  /** TEST ONLY: see `UnsafeTestNetwork` in egress/safe-fetch. Production code never sets it. */
  unsafeTestNetwork?: UnsafeTestNetwork;
}

/**
 * `web.fetch_extract` bound to one call's egress grant. A factory rather than a singleton because `ToolContext`
 * carries no grant: the runtime builds the tool per call with the hosts the policy granted (cheap: no state).
 */
export function webFetchExtract(options: WebFetchExtractOptions): BuiltinTool {
  return {
    manifest: webFetchExtractManifest,
    // async, so that invalid input rejects like every other failure instead of throwing synchronously
    run: async (input, ctx) => fetchExtract(parseInput(input), ctx, options),
  };
}

async function fetchExtract(input: WebFetchExtractInput, ctx: ToolContext, options: WebFetchExtractOptions): Promise<WebFetchExtractOutput> {
  const response = await safeFetch(input.url, {
    allowHosts: options.allowHosts,
    maxBytes: options.maxBytes ?? DEFAULTS.maxBytes,
    timeoutMs: options.timeoutMs ?? DEFAULTS.timeoutMs,
    maxRedirects: options.maxRedirects ?? DEFAULTS.maxRedirects,
    signal: ctx.signal,
    accept: 'text/html,application/xhtml+xml;q=0.9,text/plain;q=0.8,application/json;q=0.8',
    unsafeTestNetwork: options.unsafeTestNetwork,
  });
  const kind = responseTextKind(response.contentType);
  if (!kind) {
    const type = response.contentType?.split(';')[0]?.trim() || 'none';
    throw new ToolError('E_TOOL_FAILED', `cannot extract text from content type ${type}: only HTML, plain text and JSON are supported`);
  }
  const decoded = decodeBody(response.body, response.contentType, kind === 'html');
  const { title, text } = kind === 'html' ? extractReadableText(decoded) : { title: '', text: decoded };
  const maxChars = input.max_chars ?? DEFAULT_MAX_CHARS;
  const cut = cutAtChars(text, maxChars);
  return {
    url: response.url,
    final_url: response.finalUrl,
    status: response.status,
    title,
    text: cut,
    truncated: response.truncated || cut.length < text.length,
  };
}

/** The runtime validates against `input_schema` first; this re-check keeps the function safe on its own. */
function parseInput(input: unknown): WebFetchExtractInput {
  if (typeof input !== 'object' || input === null) throw new ToolError('E_VALIDATION', 'input must be an object');
  const { url, max_chars: maxChars } = input as Record<string, unknown>;
  if (typeof url !== 'string' || url.length === 0 || url.length > MAX_URL_LENGTH) {
    throw new ToolError('E_VALIDATION', `url must be a string of 1 to ${MAX_URL_LENGTH} characters`);
  }
  if (maxChars === undefined) return { url };
  if (typeof maxChars !== 'number' || !Number.isInteger(maxChars) || maxChars < 1 || maxChars > MAX_CHARS_LIMIT) {
    throw new ToolError('E_VALIDATION', `max_chars must be an integer from 1 to ${MAX_CHARS_LIMIT}`);
  }
  return { url, max_chars: maxChars };
}

/** The media type of a `Content-Type` header, lower-cased, without parameters ('' when there is none). */
export function responseMediaType(contentType: string | undefined): string {
  return (contentType?.split(';')[0] ?? '').trim().toLowerCase();
}

/** How a response is read as text: as HTML, as it is (plain text, JSON), or not at all. */
export function responseTextKind(contentType: string | undefined): 'html' | 'text' | undefined {
  const type = responseMediaType(contentType);
  if (type === 'text/html' || type === 'application/xhtml+xml') return 'html';
  if (type === 'text/plain' || /^application\/([a-z0-9.+-]+\+)?json$/.test(type)) return 'text';
  return undefined;
}

/** Charset from a byte-order mark, then the Content-Type header, then (HTML) a `<meta>` in the first 1024 bytes. */
export function decodeBody(body: Buffer, contentType: string | undefined, html: boolean): string {
  const label = bomCharset(body) ?? headerCharset(contentType) ?? (html ? metaCharset(body) : undefined) ?? 'utf-8';
  try {
    return new TextDecoder(label).decode(body);
  } catch {
    return new TextDecoder('utf-8').decode(body); // unknown label
  }
}

function bomCharset(body: Buffer): string | undefined {
  if (body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf) return 'utf-8';
  if (body[0] === 0xfe && body[1] === 0xff) return 'utf-16be';
  if (body[0] === 0xff && body[1] === 0xfe) return 'utf-16le';
  return undefined;
}

function headerCharset(contentType: string | undefined): string | undefined {
  return /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(contentType ?? '')?.[1];
}

function metaCharset(body: Buffer): string | undefined {
  const head = body.subarray(0, 1024).toString('latin1');
  return /<meta[^>]+charset\s*=\s*["']?\s*([a-z0-9_.:-]+)/i.exec(head)?.[1];
}

/** At most `max` UTF-16 units, never splitting a surrogate pair. */
export function cutAtChars(text: string, max: number): string {
  if (text.length <= max) return text;
  const end = /[\ud800-\udbff]/.test(text.charAt(max - 1)) ? max - 1 : max;
  return text.slice(0, end);
}
