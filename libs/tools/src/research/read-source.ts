import { type EgressAllowValue, RESEARCH_LIMITS } from '@omniai/contracts';
import { Readability } from '@mozilla/readability';
import { parseHTML } from 'linkedom';
import robotsParser from 'robots-parser';
import { definePDFJSModule, extractText } from 'unpdf';
import { type UnsafeTestNetwork, USER_AGENT, safeFetch } from '../egress/safe-fetch';
import { extractReadableText } from '../builtins/html-text';
import { cutAtChars, decodeBody, responseMediaType, responseTextKind } from '../builtins/web-fetch-extract';
import { ToolError } from '../tool';
import { ResearchError } from './research-error';

export interface ReadWebSourceOptions {
  /** Hosts the run may reach (its egress allowlist decision); checked on every hop, robots.txt included. */
  allowHosts: readonly EgressAllowValue[];
  /** Body bytes read at most (default {@link RESEARCH_LIMITS.fetchBytes}); a longer body is cut and noted. */
  maxBytes?: number;
  /** Characters of text kept (default {@link RESEARCH_LIMITS.snapshotChars}); longer text is cut and noted. */
  maxChars?: number;
  /** Deadline of the page fetch (default 20 s); robots.txt has its own, shorter one. */
  timeoutMs?: number;
  /** Ends the read (run cancelled, activity timed out). */
  signal?: AbortSignal;
  /** The product token robots.txt groups are matched against (default safeFetch's `User-Agent`). */
  userAgent?: string;
  /** robots.txt verdicts by origin, shared by the reads of one activity call (default: a cache for this read only). */
  robots?: RobotsCache;
  /** TEST ONLY, see {@link UnsafeTestNetwork}. */
  unsafeTestNetwork?: UnsafeTestNetwork;
}

/** A web page's readable text, as a research run snapshots it. */
export interface WebSourceText {
  /** The URL that answered, after redirects. */
  final_url: string;
  /** Readability's title, else the page's `<title>`; '' for plain text and JSON. */
  title: string;
  /** HTML: one block per line with a blank line between blocks; PDF: its text; plain text and JSON: as they are. */
  text: string;
  /** True when the body (byte limit) or the text (character limit) was cut. */
  truncated: boolean;
  /** What was cut and how the text was read, for the source's snapshot; null when there is nothing to say. */
  note: string | null;
  /** The response's media type, without parameters. */
  media_type: string;
}

const DEFAULT_TIMEOUT_MS = 20_000;
const MAX_REDIRECTS = 5;
/** Google reads the first 500 KiB of a robots.txt and ignores the rest; so do we. */
const ROBOTS_MAX_BYTES = 500 * 1024;
const ROBOTS_TIMEOUT_MS = 10_000;
/** Readability gives up (and we fall back to the plain extractor) on pages with more elements than this. */
const READABILITY_MAX_ELEMENTS = 50_000;
const TITLE_CHARS = 500;
const ACCEPT = 'text/html,application/xhtml+xml;q=0.9,application/pdf;q=0.8,text/plain;q=0.8,application/json;q=0.7';

/**
 * Reads one web page for a research run: robots.txt first (a disallowed path is refused with `E_ROBOTS_DISALLOWED`,
 * never fetched), then the page through {@link safeFetch} (egress allowlist, public addresses only, byte cap), then
 * its text: HTML through Readability over linkedom's DOM (the plain extractor when Readability finds no article),
 * PDF through unpdf, plain text and JSON as they are; anything else is `E_UNSUPPORTED_MEDIA`. HTTP ≥ 400 is
 * `E_TOOL_FAILED` ("HTTP 404"). Every failure is a {@link ToolError} or a {@link ResearchError} with a stable code.
 */
export async function readWebSource(url: string, options: ReadWebSourceOptions): Promise<WebSourceText> {
  const robots = options.robots ?? new RobotsCache();
  const notes: string[] = [];
  const before = await robots.verdict(url, options);
  if (before.note) notes.push(before.note);
  const response = await safeFetch(url, {
    allowHosts: options.allowHosts,
    maxBytes: options.maxBytes ?? RESEARCH_LIMITS.fetchBytes,
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    maxRedirects: MAX_REDIRECTS,
    signal: options.signal,
    accept: ACCEPT,
    unsafeTestNetwork: options.unsafeTestNetwork,
  });
  if (response.finalUrl !== response.url) {
    // safeFetch follows redirects itself: a page that moved is only kept if robots.txt allows where it moved to.
    const after = await robots.verdict(response.finalUrl, options);
    if (after.note && !notes.includes(after.note)) notes.push(after.note);
  }
  if (response.status >= 400) throw new ToolError('E_TOOL_FAILED', `HTTP ${response.status} from ${new URL(response.finalUrl).host}`);
  const mediaType = responseMediaType(response.contentType);
  const extracted = await extract(response.body, response.contentType, response.truncated, options.maxBytes ?? RESEARCH_LIMITS.fetchBytes);
  if (extracted.note) notes.push(extracted.note);
  if (response.truncated) notes.push(`the body was cut at ${count(response.body.length)} bytes`);
  const maxChars = options.maxChars ?? RESEARCH_LIMITS.snapshotChars;
  const text = cutAtChars(extracted.text, maxChars);
  if (text.length < extracted.text.length) notes.push(`cut at ${count(text.length)} characters of ${count(extracted.text.length)}`);
  return {
    final_url: response.finalUrl,
    title: cutAtChars(extracted.title, TITLE_CHARS),
    text,
    truncated: response.truncated || text.length < extracted.text.length,
    note: notes.length > 0 ? cutAtChars(notes.join('; '), 500) : null,
    media_type: mediaType,
  };
}

interface Extracted {
  title: string;
  text: string;
  note: string | null;
}

async function extract(body: Buffer, contentType: string | undefined, bodyTruncated: boolean, maxBytes: number): Promise<Extracted> {
  const mediaType = responseMediaType(contentType);
  if (mediaType === 'application/pdf') return pdfText(body, bodyTruncated, maxBytes);
  const kind = responseTextKind(contentType);
  if (kind === 'html') return { ...readableHtml(decodeBody(body, contentType, true)), note: null };
  if (kind === 'text') return { title: '', text: decodeBody(body, contentType, false), note: null };
  throw new ResearchError(
    'E_UNSUPPORTED_MEDIA',
    `cannot read ${mediaType || 'a response without a content type'}: only HTML, PDF, plain text and JSON are read`,
  );
}

/**
 * Readability's article when it finds one, else the plain extractor's text of the whole page; either way one block
 * per line with a blank line between blocks, other whitespace collapsed.
 */
export function readableHtml(html: string): { title: string; text: string } {
  const article = readabilityArticle(html);
  const { title, text } = article
    ? { title: article.title || article.documentTitle, text: extractReadableText(article.content).text }
    : extractReadableText(html);
  const blocks = text
    .split('\n')
    .map((line) => line.replace(/\s+/g, ' ').trim())
    .filter((line) => line !== '');
  return { title: title.replace(/\s+/g, ' ').trim(), text: blocks.join('\n\n') };
}

function readabilityArticle(html: string): { title: string; content: string; documentTitle: string } | null {
  try {
    const { document } = parseHTML(html);
    const documentTitle = String(document.title ?? '');
    // linkedom's document is a DOM of its own kind; Readability reads it through the standard DOM API.
    const article = new Readability(document as unknown as ConstructorParameters<typeof Readability>[0], { maxElemsToParse: READABILITY_MAX_ELEMENTS }).parse();
    if (!article?.content || !(article.textContent ?? '').trim()) return null;
    return { title: (article.title ?? '').trim(), content: article.content, documentTitle };
  } catch {
    // Too many elements, or markup Readability chokes on: the plain extractor still reads the page.
    return null;
  }
}

let pdfjsDefined: Promise<void> | undefined;

async function pdfText(body: Buffer, bodyTruncated: boolean, maxBytes: number): Promise<Extracted> {
  // A PDF's index is at its end: a cut one cannot be opened.
  if (bodyTruncated) throw new ToolError('E_TOOL_RESOURCE_LIMIT', `the PDF is larger than ${count(maxBytes)} bytes`);
  // unpdf's serverless PDF.js build, loaded once; named here (rather than left to unpdf) so that Jest can map it.
  pdfjsDefined ??= definePDFJSModule(() => import('unpdf/pdfjs'));
  await pdfjsDefined;
  let result: { totalPages: number; text: string };
  try {
    result = await extractText(new Uint8Array(body), { mergePages: true });
  } catch {
    throw new ToolError('E_TOOL_FAILED', 'the PDF could not be read');
  }
  const text = result.text
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((line) => line.replace(/[^\S\n]+/g, ' ').trim())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
  return { title: '', text, note: `text of a PDF of ${result.totalPages} page${result.totalPages === 1 ? '' : 's'}` };
}

interface RobotsVerdict {
  /** Said when the robots.txt could not be read as one (a 5xx answer). */
  note: string | null;
}

/**
 * robots.txt rules by origin, fetched once per cache (through safeFetch, like the pages). A missing (4xx) or
 * unreachable robots.txt allows everything; a 5xx answer too, noted on the source (RFC 9309 would have crawlers hold
 * off: a research run reads each page once, at an operator's request, rather than crawling).
 */
export class RobotsCache {
  private readonly byOrigin = new Map<string, Promise<Robots>>();

  /** Resolves when `url` may be fetched; throws `E_ROBOTS_DISALLOWED` when its origin's robots.txt disallows it. */
  async verdict(url: string, options: ReadWebSourceOptions): Promise<RobotsVerdict> {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new ToolError('E_VALIDATION', 'not a valid absolute URL');
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      throw new ToolError('E_EGRESS_DENIED', `only http and https URLs can be fetched, not ${parsed.protocol}`);
    }
    const origin = parsed.origin;
    let robots = this.byOrigin.get(origin);
    if (!robots) {
      robots = fetchRobots(origin, options);
      this.byOrigin.set(origin, robots);
    }
    const rules = await robots;
    const agent = options.userAgent ?? USER_AGENT;
    if (rules.parsed?.isDisallowed(parsed.href, agent) === true) {
      throw new ResearchError('E_ROBOTS_DISALLOWED', `${parsed.host}/robots.txt disallows ${parsed.pathname} for ${agent.split('/')[0]}`);
    }
    return { note: rules.note };
  }
}

interface Robots {
  parsed: ReturnType<typeof robotsParser> | null;
  note: string | null;
}

async function fetchRobots(origin: string, options: ReadWebSourceOptions): Promise<Robots> {
  const robotsUrl = `${origin}/robots.txt`;
  try {
    const response = await safeFetch(robotsUrl, {
      allowHosts: options.allowHosts,
      maxBytes: ROBOTS_MAX_BYTES,
      timeoutMs: Math.min(ROBOTS_TIMEOUT_MS, options.timeoutMs ?? DEFAULT_TIMEOUT_MS),
      maxRedirects: MAX_REDIRECTS,
      signal: options.signal,
      accept: 'text/plain',
      unsafeTestNetwork: options.unsafeTestNetwork,
    });
    if (response.status >= 500) return { parsed: null, note: `robots.txt answered HTTP ${response.status}; read as allowing everything` };
    if (response.status < 200 || response.status >= 300) return { parsed: null, note: null };
    return { parsed: robotsParser(robotsUrl, response.body.toString('utf8')), note: null };
  } catch (err) {
    if (options.signal?.aborted) throw err;
    // Unreachable (or refused: then the page's own fetch fails and says why).
    return { parsed: null, note: null };
  }
}

function count(n: number): string {
  return n.toLocaleString('en-US');
}
