import { HostAllowlist } from './allowlist';

/** What `safeFetch` hands the allowlist: a URL's `hostname`. */
const host = (url: string) => new URL(url).hostname;

// Each case: what it shows, the allowlist's entries, and for each URL whether its host is allowed.
const CASES: Array<[string, string[], Record<string, boolean>]> = [
  [
    'matches exact hosts, case-insensitively and with or without a trailing dot',
    ['docs.example.org', 'API.Example.com.'],
    {
      'https://docs.example.org/a': true,
      'https://DOCS.EXAMPLE.ORG/': true,
      'https://docs.example.org./': true,
      'https://api.example.com:8443/': true,
      'https://example.org/': false,
      'https://evil.docs.example.org/': false,
      'https://docs.example.org.evil.com/': false,
      'https://xdocs.example.org/': false,
    },
  ],
  [
    'matches wildcard entries strictly below the domain',
    ['*.example.org'],
    {
      'https://a.example.org/': true,
      'https://a.b.example.org/': true,
      'https://example.org/': false,
      'https://badexample.org/': false,
      'https://example.org.evil.com/': false,
      'https://a.example.org.evil.com/': false,
    },
  ],
  ['treats a lone * as any host (the address policy still applies)', ['*'], { 'https://anything.example/': true }],
  ['denies everything when empty', [], { 'https://example.org/': false }],
  [
    'compares international names in punycode, as URLs carry them',
    ['bücher.example', '*.straße.example'],
    {
      'https://xn--bcher-kva.example/': true,
      'https://bücher.example/': true,
      'https://www.straße.example/': true,
      'https://www.xn--strae-oqa.example/': true,
      'https://www.strasse.example/': false, // URLs keep ß (nontransitional UTS 46)
    },
  ],
  ['matches IP literals in the form URLs carry them', ['::1', '127.0.0.1'], { 'http://[::1]:8080/': true, 'http://2130706433/': true }],
];

describe('HostAllowlist', () => {
  it.each(CASES)('%s', (_, entries, expected) => {
    const list = new HostAllowlist(entries);
    expect(Object.fromEntries(Object.keys(expected).map((url) => [url, list.allows(host(url))]))).toEqual(expected);
  });

  it('allows no empty host', () => {
    expect(new HostAllowlist([]).allows('')).toBe(false);
  });

  it.each([
    'example.org:8080',
    'example.org:80',
    '[::1]:80',
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
