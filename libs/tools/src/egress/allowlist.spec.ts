import { effectivePort, HostAllowlist } from './allowlist';

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
