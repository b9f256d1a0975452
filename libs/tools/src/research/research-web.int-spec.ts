import { safeFetch } from '../egress/safe-fetch';
import { RESEARCH_CORPUS, RESEARCH_PDF_LINES, ResearchWeb } from '../testing/research-web';
import { ToolError } from '../tool';
import { type ReadWebSourceOptions, RobotsCache, readWebSource } from './read-source';
import { ResearchError, sourceFailure } from './research-error';
import { createWebSearchBackend, type WebSearchBackendOptions } from './search-backends';

// The web a research run sees, on 127.0.0.1 behind fake DNS: safeFetch vets the public-looking addresses and only
// then connects here, so every request below passes the real egress checks.
const PAGES = 'pages.research.test';
const HOSTS = [PAGES, 'flaky.research.test', 'searx.research.test', 'api.brave.test', 'api.tavily.test', 'other.research.test'];

const page = (slug: string) => RESEARCH_CORPUS.find((p) => p.slug === slug)!;

let web: ResearchWeb;
beforeAll(async () => {
  web = await ResearchWeb.start({ pageHost: PAGES });
});
afterAll(() => web.close());

const readOptions = (more: Partial<ReadWebSourceOptions> = {}): ReadWebSourceOptions => ({
  allowHosts: [PAGES, 'flaky.research.test'],
  unsafeTestNetwork: web.network(HOSTS),
  ...more,
});

async function failure(promise: Promise<unknown>): Promise<ToolError | ResearchError> {
  const err: unknown = await promise.then(
    () => new Error('expected a rejection'),
    (e: unknown) => e,
  );
  if (!(err instanceof ToolError) && !(err instanceof ResearchError)) throw err;
  return err;
}

describe('readWebSource', () => {
  it("reads a page's article as paragraphs, without chrome or scripts", async () => {
    const out = await readWebSource(web.pageUrl('event-sourcing'), readOptions());
    const article = page('event-sourcing');
    expect(out).toMatchObject({ final_url: web.pageUrl('event-sourcing'), truncated: false, note: null, media_type: 'text/html' });
    expect(out.title).toBe('Event sourcing in workflow engines');
    // Readability drops the heading that repeats the title.
    expect(out.text).toBe(article.paragraphs.join('\n\n'));
    expect(out.text).not.toMatch(/SCRIPT-TEXT|color:red|Home|Terms/);
  });

  it('falls back to the plain extractor when Readability finds no article', async () => {
    const out = await readWebSource(`http://${PAGES}/list-only`, readOptions());
    expect(out).toMatchObject({ title: 'Links', text: 'One\n\nTwo' });
  });

  it('reads plain text and JSON as they are', async () => {
    expect(await readWebSource(`http://${PAGES}/notes.txt`, readOptions())).toMatchObject({
      title: '',
      text: 'Plain  notes,\n\nkept as they are.\n',
      media_type: 'text/plain',
    });
    expect(await readWebSource(`http://${PAGES}/data.json`, readOptions())).toMatchObject({ text: '{"events": 10000}', media_type: 'application/json' });
  });

  it("reads a PDF's text", async () => {
    const out = await readWebSource(`http://${PAGES}/paper.pdf`, readOptions());
    expect(out.media_type).toBe('application/pdf');
    expect(out.text.replace(/\s+/g, ' ')).toBe(RESEARCH_PDF_LINES.join(' '));
    expect(out.note).toBe('text of a PDF of 1 page');
  });

  it('refuses a path robots.txt disallows, without fetching it, and reads robots.txt once per origin', async () => {
    const robots = new RobotsCache();
    const before = { robots: web.count('/robots.txt'), page: web.count('/private/report') };
    const err = await failure(readWebSource(`http://${PAGES}/private/report`, readOptions({ robots })));
    expect(err).toBeInstanceOf(ResearchError);
    expect(err.code).toBe('E_ROBOTS_DISALLOWED');
    expect(err.message).toMatch(/robots\.txt disallows \/private\/report/);
    const other = await failure(readWebSource(`http://${PAGES}/no-omni`, readOptions({ robots })));
    expect(other.code).toBe('E_ROBOTS_DISALLOWED');
    await readWebSource(web.pageUrl('citations'), readOptions({ robots }));
    expect(web.count('/private/report') - before.page).toBe(0);
    expect(web.count('/robots.txt') - before.robots).toBe(1);
    // Another crawler's token is held to the `*` group only.
    expect(await readWebSource(`http://${PAGES}/no-omni`, readOptions({ userAgent: 'SomeBot/2' }))).toMatchObject({ title: 'No Omni' });
  });

  it('refuses a page that redirects into a disallowed path (its text is not kept)', async () => {
    const err = await failure(readWebSource(`http://${PAGES}/moved-to-private`, readOptions()));
    expect(err.code).toBe('E_ROBOTS_DISALLOWED');
  });

  it('reads a page whose robots.txt fails with 5xx, and notes it', async () => {
    const out = await readWebSource('http://flaky.research.test/pages/citations', readOptions());
    expect(out.note).toBe('robots.txt answered HTTP 503; read as allowing everything');
    expect(out.text).toMatch(/verbatim in the source/);
  });

  it('cuts text over the character limit and says where', async () => {
    const out = await readWebSource(`http://${PAGES}/long`, readOptions({ maxChars: 1000 }));
    expect(out.text).toHaveLength(1000);
    expect(out.truncated).toBe(true);
    expect(out.note).toMatch(/^cut at 1,000 characters of \d{1,3},\d{3}$/);
  });

  it('cuts a body over the byte limit and says so', async () => {
    const out = await readWebSource(`http://${PAGES}/long`, readOptions({ maxBytes: 20_000 }));
    expect(out.truncated).toBe(true);
    expect(out.note).toBe('the body was cut at 20,000 bytes');
    expect(out.text.length).toBeGreaterThan(1000);
  });

  it('fails a PDF cut at the byte limit (it cannot be opened)', async () => {
    const err = await failure(readWebSource(`http://${PAGES}/paper.pdf`, readOptions({ maxBytes: 100 })));
    expect(err.code).toBe('E_TOOL_RESOURCE_LIMIT');
  });

  it.each([
    ['/missing', 'E_TOOL_FAILED', /^HTTP 404 from pages\.research\.test$/],
    ['/gone', 'E_TOOL_FAILED', /^HTTP 410/],
    ['/image.png', 'E_UNSUPPORTED_MEDIA', /cannot read image\/png/],
  ])('fails %s with %s', async (path, code, message) => {
    const err = await failure(readWebSource(`http://${PAGES}${path}`, readOptions()));
    expect(err.code).toBe(code);
    expect(err.message).toMatch(message);
    expect(sourceFailure(err)).toEqual({ code, message: err.message });
  });

  it('refuses hosts outside the allowlist', async () => {
    const err = await failure(readWebSource('http://elsewhere.research.test/pages/x', readOptions()));
    expect(err.code).toBe('E_EGRESS_DENIED');
  });

  it('records anything else as an internal failure without its message', () => {
    expect(sourceFailure(new Error('secret detail'))).toEqual({ code: 'E_INTERNAL', message: 'the source could not be read (internal error)' });
  });
});

describe('web search backends', () => {
  const options = (host: string, more: Partial<WebSearchBackendOptions> = {}): WebSearchBackendOptions => ({
    allowHosts: [host],
    unsafeTestNetwork: web.network(HOSTS),
    ...more,
  });

  it('SearXNG: the JSON results, best first, within the limit', async () => {
    const backend = createWebSearchBackend({ kind: 'searxng', base_url: 'http://searx.research.test' }, options('searx.research.test'));
    const hits = await backend.search('replay events', 2);
    expect(hits).toHaveLength(1);
    expect(hits[0]).toEqual({
      url: web.pageUrl('event-sourcing'),
      title: 'Event sourcing in workflow engines',
      snippet: page('event-sourcing').paragraphs[0],
      score: 1,
    });
    const many = await backend.search('workflow activity citation', 2);
    expect(many).toHaveLength(2);
  });

  it('SearXNG under a base path', async () => {
    const before = web.count('/search');
    const backend = createWebSearchBackend({ kind: 'searxng', base_url: 'http://searx.research.test/' }, options('searx.research.test'));
    await backend.search('quote', 5);
    expect(web.count('/search') - before).toBe(1);
    expect(web.web.seen.at(-1)!.path).toBe('/search?q=quote&format=json');
  });

  it('Brave: sends the key as X-Subscription-Token, reads web.results as plain text, scores by rank', async () => {
    const backend = createWebSearchBackend({ kind: 'brave', base_url: 'http://api.brave.test', api_key: web.apiKey }, options('api.brave.test'));
    const hits = await backend.search('retry idempotency activity', 3);
    expect(hits[0]).toMatchObject({ url: web.pageUrl('activity-retries'), title: 'Retrying activities safely', score: 1 });
    expect(hits[0]!.snippet).toBe(`${page('activity-retries').paragraphs[0]} & more`);
    const seen = web.web.seen.at(-1)!;
    expect(seen.path).toMatch(/^\/res\/v1\/web\/search\?q=retry\+idempotency\+activity&count=3$/);
    expect(seen.headers['x-subscription-token']).toBe(web.apiKey);
    expect(seen.headers['accept']).toBe('application/json');
  });

  it('Tavily: POSTs the query with the key as a bearer token', async () => {
    const backend = createWebSearchBackend({ kind: 'tavily', base_url: 'http://api.tavily.test', api_key: web.apiKey }, options('api.tavily.test'));
    const hits = await backend.search('citation quote verbatim', 5);
    expect(hits[0]).toMatchObject({ url: web.pageUrl('citations'), title: 'Checking citations mechanically', score: 1 });
    expect(hits[0]!.snippet).toBe(page('citations').paragraphs.join(' '));
    expect(web.web.seen.at(-1)!.headers['authorization']).toBe(`Bearer ${web.apiKey}`);
  });

  it.each([
    ['brave', 'http://api.brave.test'],
    ['tavily', 'http://api.tavily.test'],
  ] as const)('%s: a refused key is E_SEARCH_AUTH, and no message ever holds a key', async (kind, base) => {
    const wrong = 'sk-WRONG-very-secret-0042';
    const host = new URL(base).host;
    const backend = createWebSearchBackend({ kind, base_url: base, api_key: wrong }, options(host));
    const messages: string[] = [];
    const auth = await failure(backend.search('workflow', 3));
    expect(auth.code).toBe('E_SEARCH_AUTH');
    expect(auth.message).toMatch(/HTTP 401/);
    messages.push(auth.message, String(auth.stack));
    const good = createWebSearchBackend({ kind, base_url: base, api_key: web.apiKey }, options(host));
    const limited = await failure(good.search('rate-limit please', 3));
    expect(limited.code).toBe('E_SEARCH_RATE_LIMITED');
    const malformed = await failure(good.search('malformed please', 3));
    expect(malformed.code).toBe('E_TOOL_FAILED');
    expect(malformed.message).toMatch(kind === 'brave' ? /^Brave Search sent a malformed answer/ : /^Tavily sent a malformed answer/);
    const denied = await failure(createWebSearchBackend({ kind, base_url: base, api_key: web.apiKey }, options('elsewhere.test')).search('x', 1));
    expect(denied.code).toBe('E_EGRESS_DENIED');
    for (const err of [limited, malformed, denied]) messages.push(err.message, String(err.stack));
    for (const m of messages) {
      expect(m).not.toContain(wrong);
      expect(m).not.toContain(web.apiKey);
    }
  });

  it('SearXNG: a malformed answer names the backend', async () => {
    const backend = createWebSearchBackend({ kind: 'searxng', base_url: 'http://searx.research.test' }, options('searx.research.test'));
    const err = await failure(backend.search('malformed', 3));
    expect(err).toMatchObject({ code: 'E_TOOL_FAILED', message: 'SearXNG sent a malformed answer (not its JSON search results)' });
  });

  it('Brave and Tavily need a key', () => {
    expect(() => createWebSearchBackend({ kind: 'brave', base_url: 'http://api.brave.test' }, options('api.brave.test'))).toThrow(/needs an API key/);
    expect(() => createWebSearchBackend({ kind: 'tavily', base_url: '', api_key: null }, options('api.tavily.test'))).toThrow(/needs an API key/);
  });
});

describe('safeFetch credential', () => {
  it('is sent to the origin named and dropped on a redirect to another origin', async () => {
    const before = web.web.seen.length;
    await safeFetch(`http://${PAGES}/to-other-origin`, {
      allowHosts: [PAGES, 'other.research.test'],
      maxBytes: 10_000,
      timeoutMs: 5_000,
      maxRedirects: 2,
      credential: { header: 'x-subscription-token', value: 'k-1' },
      headers: { 'X-Subscription-Token': 'k-1' },
      unsafeTestNetwork: web.network(HOSTS),
    });
    const [first, second] = web.web.seen.slice(before);
    expect(first!.headers['x-subscription-token']).toBe('k-1');
    expect(second!.headers.host).toBe('other.research.test');
    expect(second!.headers['x-subscription-token']).toBeUndefined();
  });
});
