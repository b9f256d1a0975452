import Ajv2020 from 'ajv/dist/2020';
import { LoopbackWeb, PUBLIC_V4 } from '../testing/loopback-web';
import { type ToolContext, ToolError } from '../tool';
import { type WebFetchExtractOptions, webFetchExtract, webFetchExtractManifest } from './web-fetch-extract';

const PAGE = `<!doctype html><html><head><title>Release notes</title>
<script>fetch('/steal?c=' + document.cookie)</script><style>.x{}</style></head>
<body><nav>Docs | Blog</nav>
<article><h1>Version 2.0</h1><p>Faster &amp; smaller.</p><script>alert("SCRIPT-IN-ARTICLE")</script></article>
<footer>© Example</footer></body></html>`;

let web: LoopbackWeb;
beforeAll(async () => {
  web = await LoopbackWeb.start({
    '/page': (_req, res) => res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(PAGE),
    '/latin1': (_req, res) =>
      res.writeHead(200, { 'content-type': 'text/html; charset=iso-8859-1' }).end(Buffer.from('<title>Caf\xe9</title><p>cr\xe8me br\xfbl\xe9e</p>', 'latin1')),
    '/meta-charset': (_req, res) =>
      res.writeHead(200, { 'content-type': 'text/html' }).end(Buffer.from('<meta charset="windows-1252"><p>\x93quoted\x94</p>', 'latin1')),
    '/text': (_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('  plain <b>text</b> as is  '),
    '/json': (_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"a": [1, 2]}'),
    '/problem': (_req, res) => res.writeHead(404, { 'content-type': 'application/problem+json' }).end('{"title": "gone"}'),
    '/pdf': (_req, res) => res.writeHead(200, { 'content-type': 'application/pdf' }).end('%PDF-1.7'),
    '/untyped': (_req, res) => res.end('who knows'),
    '/long': (_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('0123456789'.repeat(100)),
    '/to-loopback': (_req, res) => res.writeHead(302, { location: `http://127.0.0.1:${web.port}/page` }).end(),
    '/to-metadata': (_req, res) => res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/iam/' }).end(),
    '/moved': (_req, res) => res.writeHead(301, { location: '/page' }).end(),
  });
});
afterAll(() => web.close());

const ctx = (signal = new AbortController().signal): ToolContext => ({
  project_id: 'p',
  run_id: 'r',
  call_id: 'c',
  idempotency_key: 'r/c',
  signal,
  heartbeat: () => undefined,
});

/** The tool as the runtime would build it for a call granted `allowed.test` (plus `more` hosts). */
function tool(overrides: Partial<WebFetchExtractOptions> = {}) {
  return webFetchExtract({ allowHosts: ['allowed.test'], unsafeTestNetwork: web.network({ 'allowed.test': [PUBLIC_V4] }), ...overrides });
}

const validOutput = new Ajv2020({ strict: true }).compile(webFetchExtractManifest.output_schema);

async function toolError(promise: Promise<unknown>): Promise<ToolError> {
  const err: unknown = await promise.then(
    () => new Error('expected a rejection'),
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ToolError);
  return err as ToolError;
}

describe('web.fetch_extract', () => {
  it("returns the page's title and article text, and never its scripts", async () => {
    const out = await tool().run({ url: 'http://allowed.test/page' }, ctx());
    expect(out).toEqual({
      url: 'http://allowed.test/page',
      final_url: 'http://allowed.test/page',
      status: 200,
      title: 'Release notes',
      text: 'Version 2.0\nFaster & smaller.',
      truncated: false,
    });
    expect(JSON.stringify(out)).not.toMatch(/fetch\(|alert|SCRIPT-IN-ARTICLE|\.x\{/);
    expect(validOutput(out)).toBe(true);
  });

  it('reports where redirects ended', async () => {
    const out = await tool().run({ url: 'http://allowed.test/moved' }, ctx());
    expect(out).toMatchObject({ url: 'http://allowed.test/moved', final_url: 'http://allowed.test/page', title: 'Release notes' });
  });

  it('decodes the charset from the header, or from a <meta> in the page', async () => {
    expect(await tool().run({ url: 'http://allowed.test/latin1' }, ctx())).toMatchObject({ title: 'Café', text: 'crème brûlée' });
    expect(await tool().run({ url: 'http://allowed.test/meta-charset' }, ctx())).toMatchObject({ text: '\u201cquoted\u201d' });
  });

  it('passes plain text and JSON through', async () => {
    expect(await tool().run({ url: 'http://allowed.test/text' }, ctx())).toMatchObject({ title: '', text: '  plain <b>text</b> as is  ' });
    expect(await tool().run({ url: 'http://allowed.test/json' }, ctx())).toMatchObject({ text: '{"a": [1, 2]}' });
    expect(await tool().run({ url: 'http://allowed.test/problem' }, ctx())).toMatchObject({ status: 404, text: '{"title": "gone"}' });
  });

  it.each([
    ['/pdf', /application\/pdf/],
    ['/untyped', /content type none/],
  ])('refuses %s with a clear message', async (path, message) => {
    const err = await toolError(tool().run({ url: `http://allowed.test${path}` }, ctx()));
    expect(err.code).toBe('E_TOOL_FAILED');
    expect(err.message).toMatch(message);
    expect(err.message).toMatch(/only HTML, plain text and JSON/);
  });

  it('cuts the text at max_chars and says so', async () => {
    const out = await tool().run({ url: 'http://allowed.test/long', max_chars: 15 }, ctx());
    expect(out).toMatchObject({ text: '012345678901234', truncated: true });
  });

  it('says so when the body was cut at the byte limit', async () => {
    const out = await tool({ maxBytes: 100 }).run({ url: 'http://allowed.test/long' }, ctx());
    expect(out).toMatchObject({ text: '0123456789'.repeat(10), truncated: true });
  });

  it.each(['/to-loopback', '/to-metadata'])('refuses %s: a granted host cannot redirect into the internal network', async (path) => {
    const before = web.seen.length;
    const careless = tool({ allowHosts: ['allowed.test', '127.0.0.1', '169.254.169.254'] });
    const err = await toolError(careless.run({ url: `http://allowed.test${path}` }, ctx()));
    expect(err.code).toBe('E_EGRESS_DENIED');
    expect(web.paths().slice(before)).toEqual([path]);
  });

  it('refuses hosts outside the grant', async () => {
    const err = await toolError(tool().run({ url: 'http://elsewhere.test/page' }, ctx()));
    expect(err.code).toBe('E_EGRESS_DENIED');
  });

  it('stops when the call is cancelled', async () => {
    const controller = new AbortController();
    controller.abort();
    const err = await toolError(tool().run({ url: 'http://allowed.test/page' }, ctx(controller.signal)));
    expect(err.code).toBe('E_TOOL_FAILED');
    expect(err.message).toMatch(/cancelled/);
  });
});
