import type { IncomingMessage, ServerResponse } from 'node:http';
import { LoopbackWeb, PUBLIC_V4 } from './loopback-web';

/** A page of the test corpus: served as HTML at `/pages/<slug>` and found by the search endpoints. */
export interface CorpusPage {
  slug: string;
  title: string;
  paragraphs: readonly string[];
  /** Where it is (default `/pages/<slug>`); a path robots.txt disallows is found by searches but never served. */
  path?: string;
}

/** A few short pages about durable execution, with facts (numbers) that research tests can cite. */
export const RESEARCH_CORPUS: readonly CorpusPage[] = [
  {
    slug: 'event-sourcing',
    title: 'Event sourcing in workflow engines',
    paragraphs: [
      'A workflow engine that uses event sourcing records every decision of a workflow as an event in its history.',
      'When a worker restarts, the engine replays the history to rebuild the workflow state without running side effects again.',
      'In one benchmark the replay of a history of 10,000 events took 42 milliseconds on a laptop.',
    ],
  },
  {
    slug: 'activity-retries',
    title: 'Retrying activities safely',
    paragraphs: [
      'Activities are the parts of a workflow that talk to the outside world, and they may run more than once.',
      'A retry policy with an initial interval of 1 second and a backoff coefficient of 2 spreads the attempts out.',
      'Idempotency keys let an activity that ran twice apply its side effect only once.',
    ],
  },
  {
    slug: 'roadmap',
    path: '/private/roadmap',
    title: 'Internal roadmap',
    paragraphs: ['The internal roadmap plans checkpoints that shorten long workflow histories.'],
  },
  {
    slug: 'citations',
    title: 'Checking citations mechanically',
    paragraphs: [
      'A citation is only as good as the quote it rests on: the quoted span must appear verbatim in the source.',
      'Checking that every number in a claim also appears in its quote catches most invented figures.',
    ],
  },
];

/** robots.txt of every test host: `/private/` is off limits to every crawler. */
export const RESEARCH_ROBOTS_TXT = 'User-agent: *\nDisallow: /private/\n\nUser-agent: OmniAI-fetch\nDisallow: /private/\nDisallow: /no-omni\n';

/** The text of {@link RESEARCH_PDF}'s one page. */
export const RESEARCH_PDF_LINES = ['Durable execution survives crashes.', 'Each source is read once and snapshotted.'] as const;

/** A valid one-page PDF showing `lines` in Helvetica (enough for a text extractor; built by hand, offsets exact). */
export function minimalPdf(lines: readonly string[]): Buffer {
  const escape = (s: string) => s.replace(/[\\()]/g, (c) => `\\${c}`);
  const stream = `BT /F1 12 Tf 72 720 Td 14 TL ${lines.map((l) => `(${escape(l)}) Tj T*`).join(' ')} ET`;
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${Buffer.byteLength(stream, 'latin1')} >>\nstream\n${stream}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  let out = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((o, i) => {
    offsets.push(Buffer.byteLength(out, 'latin1'));
    out += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = Buffer.byteLength(out, 'latin1');
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

export const RESEARCH_PDF = minimalPdf(RESEARCH_PDF_LINES);

/** A corpus page as a real page would be: chrome, scripts and styles around the article. */
export function corpusPageHtml(page: CorpusPage): string {
  return `<!doctype html><html><head><title>${page.title} | Test Wiki</title><script>track('SCRIPT-TEXT')</script>
<style>body{color:red}</style></head><body><nav><a href="/">Home</a> | <a href="/about">About</a></nav>
<main><article><h1>${page.title}</h1>${page.paragraphs.map((p) => `<p>${p}</p>`).join('\n')}</article></main>
<footer>© Test Wiki · <a href="/terms">Terms</a></footer></body></html>`;
}

export interface ResearchWebOptions {
  /** The host pages are served under in search results (default `pages.research.test`). */
  pageHost?: string;
  /** The key Brave and Tavily requests must carry (default `test-key-123`). */
  apiKey?: string;
}

/**
 * A local stand-in for the web a research run sees: SearXNG (`GET /search?format=json`), Brave Search
 * (`GET /res/v1/web/search`, `X-Subscription-Token`) and Tavily (`POST /search`, `Authorization: Bearer`) over
 * {@link RESEARCH_CORPUS}, the corpus pages as HTML, a PDF, robots.txt, and pages that fail in the ways sources do.
 * Every host name maps to the one server (see {@link LoopbackWeb.network}); hosts starting `flaky.` answer robots.txt
 * with 503. Queries containing `rate-limit` get 429 and `malformed` a wrong-shaped answer. {@link count} tells how
 * often a path was requested.
 */
export class ResearchWeb {
  private constructor(
    readonly web: LoopbackWeb,
    readonly pageHost: string,
    readonly apiKey: string,
  ) {}

  static async start(options: ResearchWebOptions = {}): Promise<ResearchWeb> {
    const pageHost = options.pageHost ?? 'pages.research.test';
    const apiKey = options.apiKey ?? 'test-key-123';
    const html =
      (body: string, status = 200) =>
      (_req: IncomingMessage, res: ServerResponse) =>
        res.writeHead(status, { 'content-type': 'text/html; charset=utf-8' }).end(body);
    const routes: Record<string, (req: IncomingMessage, res: ServerResponse, url: URL) => void> = {
      '/robots.txt': (req, res) => {
        if ((req.headers.host ?? '').startsWith('flaky.')) res.writeHead(503, { 'content-type': 'text/plain' }).end('try later');
        else res.writeHead(200, { 'content-type': 'text/plain' }).end(RESEARCH_ROBOTS_TXT);
      },
      '/search': (req, res, url) => {
        if (req.method === 'POST') return void readJson(req).then((body) => tavily(res, req, body, apiKey, pageHost));
        searxng(res, url, pageHost);
      },
      '/res/v1/web/search': (req, res, url) => brave(res, req, url, apiKey, pageHost),
      '/paper.pdf': (_req, res) => res.writeHead(200, { 'content-type': 'application/pdf' }).end(RESEARCH_PDF),
      '/private/report': html('<title>Private</title><p>Not for crawlers.</p>'),
      '/no-omni': html('<title>No Omni</title><p>Not for OmniAI.</p>'),
      '/image.png': (_req, res) => res.writeHead(200, { 'content-type': 'image/png' }).end(Buffer.from([0x89, 0x50, 0x4e, 0x47])),
      '/notes.txt': (_req, res) => res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end('Plain  notes,\n\nkept as they are.\n'),
      '/data.json': (_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"events": 10000}'),
      '/long': html(`<title>Long</title><article><h1>Long</h1>${'<p>Durable execution keeps going after a crash. </p>'.repeat(6000)}</article>`),
      '/list-only': html('<title>Links</title><ul><li>One</li><li>Two</li></ul>'),
      '/gone': html('<title>Gone</title><p>This page is gone.</p>', 410),
      '/moved-to-private': (_req, res) => res.writeHead(302, { location: `http://${pageHost}/private/report` }).end(),
      '/to-other-origin': (_req, res) => res.writeHead(302, { location: 'http://other.research.test/res/v1/web/search?q=x' }).end(),
    };
    for (const page of RESEARCH_CORPUS) routes[pagePath(page)] ??= html(corpusPageHtml(page));
    return new ResearchWeb(await LoopbackWeb.start(routes), pageHost, apiKey);
  }

  /** A stand-in network where each of `hosts` resolves to a public-looking address and lands on this server. */
  network(hosts: readonly string[]): ReturnType<LoopbackWeb['network']> {
    return this.web.network(Object.fromEntries(hosts.map((h) => [h, [PUBLIC_V4]])));
  }

  /** The URL of a corpus page. */
  pageUrl(slug: string): string {
    const page = RESEARCH_CORPUS.find((p) => p.slug === slug);
    return `http://${this.pageHost}${page ? pagePath(page) : `/pages/${slug}`}`;
  }

  /** How many requests asked for `path` (query string ignored). */
  count(path: string): number {
    return this.web.seen.filter((r) => r.path.split('?')[0] === path).length;
  }

  close(): Promise<void> {
    return this.web.close();
  }
}

function pagePath(page: CorpusPage): string {
  return page.path ?? `/pages/${page.slug}`;
}

/** Corpus pages matching any word of the query (3+ letters), by how many words match. */
function searchCorpus(query: string): Array<{ page: CorpusPage; score: number }> {
  const words = query
    .toLowerCase()
    .split(/\W+/)
    .filter((w) => w.length >= 3);
  return RESEARCH_CORPUS.map((page) => {
    const text = `${page.title} ${page.paragraphs.join(' ')}`.toLowerCase();
    return { page, score: words.filter((w) => text.includes(w)).length / Math.max(1, words.length) };
  })
    .filter((hit) => hit.score > 0)
    .sort((a, b) => b.score - a.score);
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

/** Answers for the test queries that make a backend fail; true when it answered. */
function failed(res: ServerResponse, query: string): boolean {
  if (query.includes('rate-limit')) json(res, 429, { error: 'slow down' });
  else if (query.includes('malformed')) json(res, 200, { results: 'not a list', web: { results: [{ title: 'no url' }] } });
  else return false;
  return true;
}

function searxng(res: ServerResponse, url: URL, pageHost: string): void {
  const q = url.searchParams.get('q') ?? '';
  if (url.searchParams.get('format') !== 'json') return json(res, 403, { error: 'format not enabled' });
  if (failed(res, q)) return;
  json(res, 200, {
    query: q,
    number_of_results: 0,
    results: searchCorpus(q).map(({ page, score }) => ({
      url: `http://${pageHost}${pagePath(page)}`,
      title: page.title,
      content: page.paragraphs[0],
      engine: 'corpus',
      score,
    })),
  });
}

function brave(res: ServerResponse, req: IncomingMessage, url: URL, apiKey: string, pageHost: string): void {
  if (req.headers['x-subscription-token'] !== apiKey) return json(res, 401, { type: 'ErrorResponse', error: { code: 'SUBSCRIPTION_TOKEN_INVALID' } });
  const q = url.searchParams.get('q') ?? '';
  if (failed(res, q)) return;
  const count = Number(url.searchParams.get('count') ?? '20');
  json(res, 200, {
    type: 'search',
    query: { original: q },
    web: {
      type: 'search',
      results: searchCorpus(q)
        .slice(0, count)
        .map(({ page }) => ({
          url: `http://${pageHost}${pagePath(page)}`,
          title: page.title,
          description: `<strong>${page.paragraphs[0]!.split(' ').slice(0, 3).join(' ')}</strong> ${page.paragraphs[0]!.split(' ').slice(3).join(' ')} &amp; more`,
        })),
    },
  });
}

function tavily(res: ServerResponse, req: IncomingMessage, body: unknown, apiKey: string, pageHost: string): void {
  if (req.headers.authorization !== `Bearer ${apiKey}`) return json(res, 401, { detail: { error: 'Unauthorized: missing or invalid API key.' } });
  const { query, max_results: max } = (body ?? {}) as { query?: unknown; max_results?: unknown };
  if (typeof query !== 'string') return json(res, 400, { detail: { error: 'query is required' } });
  if (failed(res, query)) return;
  json(res, 200, {
    query,
    answer: null,
    results: searchCorpus(query)
      .slice(0, typeof max === 'number' ? max : 5)
      .map(({ page, score }) => ({ url: `http://${pageHost}${pagePath(page)}`, title: page.title, content: page.paragraphs.join(' '), score })),
    response_time: 0.01,
  });
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    return null;
  }
}
