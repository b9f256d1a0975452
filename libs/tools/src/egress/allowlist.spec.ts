import { effectivePort, HostAllowlist, nonPublicEgressAddress } from './allowlist';

/** What `safeFetch` asks the allowlist: may this list reach the URL's `hostname` on the URL's port? */
const allows = (list: HostAllowlist, url: string) => list.allows(new URL(url).hostname, effectivePort(new URL(url)));

// Each row: an allowlist, the URLs it lets through and the URLs it refuses.
const CASES: { what: string; entries: string[]; allowed: string[]; denied: string[] }[] = [
  {
    what: 'matches exact hosts, case-insensitively and with or without a trailing dot',
    entries: ['docs.example.org', 'API.Example.com.'],
    allowed: ['https://docs.example.org/a', 'https://DOCS.EXAMPLE.ORG/', 'https://docs.example.org./'],
    denied: ['https://example.org/', 'https://evil.docs.example.org/', 'https://docs.example.org.evil.com/', 'https://xdocs.example.org/'],
  },
  {
    what: 'matches wildcard entries strictly below the domain',
    entries: ['*.example.org'],
    allowed: ['https://a.example.org/', 'https://a.b.example.org/'],
    denied: ['https://example.org/', 'https://badexample.org/', 'https://example.org.evil.com/', 'https://a.example.org.evil.com/'],
  },
  {
    what: 'treats a lone * as any host (the address policy still applies)',
    entries: ['*'],
    allowed: ['https://anything.example/'],
    denied: [],
  },
  {
    what: 'denies everything when empty',
    entries: [],
    allowed: [],
    denied: ['https://example.org/'],
  },
  {
    what: 'compares international names in punycode, as URLs carry them',
    entries: ['bücher.example', '*.straße.example'],
    allowed: ['https://xn--bcher-kva.example/', 'https://bücher.example/', 'https://www.straße.example/', 'https://www.xn--strae-oqa.example/'],
    denied: ['https://www.strasse.example/' /* URLs keep ß (nontransitional UTS 46) */],
  },
  {
    what: 'matches IP literals in the form URLs carry them',
    entries: ['::1', '127.0.0.1'],
    allowed: ['http://[::1]/', 'http://2130706433/'],
    denied: [],
  },
  {
    what: 'admits ports 80 and 443 only, unless an entry names the port (D44)',
    entries: ['docs.example.org', 'api.example.com:8443', '*.example.net:8080', '[::1]:9000'],
    allowed: [
      'http://docs.example.org/',
      'https://docs.example.org/',
      'http://docs.example.org:443/',
      'https://api.example.com:8443/',
      'http://a.example.net:8080/',
      'http://[::1]:9000/',
    ],
    denied: [
      'http://docs.example.org:22/',
      'http://docs.example.org:6379/',
      'https://docs.example.org:8443/',
      'https://api.example.com/',
      'http://a.example.net/',
    ],
  },
];

describe('HostAllowlist', () => {
  describe.each(CASES)('$what', ({ entries, allowed, denied }) => {
    const list = new HostAllowlist(entries);
    if (allowed.length > 0) it.each(allowed)('allows %s', (url) => expect(allows(list, url)).toBe(true));
    if (denied.length > 0) it.each(denied)('refuses %s', (url) => expect(allows(list, url)).toBe(false));
  });

  it('refuses an empty host', () => {
    expect(new HostAllowlist([]).allows('', 443)).toBe(false);
  });

  it("a lone * still admits ports 80 and 443 only; '*:25' names the port (D44)", () => {
    expect(new HostAllowlist(['*']).allows('anything.example', 25)).toBe(false);
    expect(new HostAllowlist(['*:25']).allows('anything.example', 25)).toBe(true);
  });

  it.each([
    'http://example.org',
    'https://example.org:443',
    'example.org:0',
    'example.org:65536',
    'example.org:port',
    '[::1',
    'example.org/path',
    'user@example.org',
    'example.org?q',
    '*.',
    '**.example.org',
    'a*.example.org',
    '',
    'exa mple.org',
  ])('refuses the malformed entry %j', (entry) => {
    expect(() => new HostAllowlist([entry])).toThrow(RangeError);
  });
});

describe('HostAllowlist: entries with allow_private (D58)', () => {
  const list = new HostAllowlist([
    '*',
    { host: '127.0.0.1:3001', allow_private: true, note: 'MCP server on this machine' },
    { host: 'mcp.corp.example', allow_private: true },
    { host: '[::1]:8080', allow_private: true },
    { host: 'plain.corp.example', allow_private: false },
  ]);
  const match = (url: string) => list.match(new URL(url).hostname, effectivePort(new URL(url)));

  it('says allowPrivate only for the host and port the flagged entry names', () => {
    expect(match('http://127.0.0.1:3001/mcp')).toEqual({ allowPrivate: true });
    expect(match('http://2130706433:3001/mcp')).toEqual({ allowPrivate: true });
    expect(match('https://MCP.corp.example./mcp')).toEqual({ allowPrivate: true });
    expect(match('http://[::1]:8080/')).toEqual({ allowPrivate: true });
    // Other ports and hosts fall back to `*`: public addresses only.
    expect(match('http://127.0.0.1/')).toEqual({ allowPrivate: false });
    expect(match('http://127.0.0.2:3001/')).toBeUndefined();
    expect(match('https://a.mcp.corp.example/')).toEqual({ allowPrivate: false });
    expect(match('https://plain.corp.example/')).toEqual({ allowPrivate: false });
    expect(match('http://localhost:3001/')).toBeUndefined();
  });

  it('narrows to one URL keeping its private flag, or to nothing', () => {
    expect(list.narrowTo(new URL('http://127.0.0.1:3001/mcp'))).toEqual([{ host: '127.0.0.1:3001', allow_private: true }]);
    expect(list.narrowTo(new URL('https://docs.example.org/x'))).toEqual(['docs.example.org']);
    expect(new HostAllowlist(['docs.example.org']).narrowTo(new URL('https://other.example.org/'))).toBeUndefined();
  });

  it.each([
    { host: '*', allow_private: true },
    { host: '*.corp.example', allow_private: true },
    { host: '*:3001', allow_private: true },
    { host: 'http://127.0.0.1', allow_private: true },
  ])('refuses the entry %j', (entry) => {
    expect(() => new HostAllowlist([entry])).toThrow(RangeError);
  });
});

describe('nonPublicEgressAddress (what PUT /v1/policy refuses)', () => {
  it.each([
    ['127.0.0.1', 'only through an entry { "host": ..., "allow_private": true }'],
    [{ host: '127.0.0.1:3001', allow_private: false }, 'only through an entry'],
    [{ host: '169.254.169.254', allow_private: true }, 'not a public address (metadata); tools never reach it'],
    [{ host: '[::ffff:169.254.169.254]', allow_private: true }, '(metadata)'],
    [{ host: '0.0.0.0', allow_private: true }, '(unspecified)'],
    [{ host: '[ff02::1]', allow_private: true }, '(multicast)'],
    [{ host: '192.0.2.1', allow_private: true }, '(documentation)'],
  ])('refuses %j', (entry, message) => {
    expect(nonPublicEgressAddress(entry)).toContain(message);
  });

  it.each([
    '93.184.216.34',
    'docs.example.org',
    { host: '127.0.0.1:3001', allow_private: true },
    { host: '10.0.0.5', allow_private: true },
    { host: '[fd12::1]', allow_private: true },
    { host: '100.101.102.103', allow_private: true },
    { host: 'metadata.google.internal', allow_private: true }, // a name: its addresses are vetted when it is reached
  ])('lets %j through', (entry) => {
    expect(nonPublicEgressAddress(entry)).toBeUndefined();
  });
});
