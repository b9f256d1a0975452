import { HostAllowlist } from './allowlist';

/** What `safeFetch` hands the allowlist: a URL's `hostname`. */
const host = (url: string) => new URL(url).hostname;

describe('HostAllowlist', () => {
  it('matches exact hosts, case-insensitively and with or without a trailing dot', () => {
    const list = new HostAllowlist(['docs.example.org', 'API.Example.com.']);
    expect(list.allows(host('https://docs.example.org/a'))).toBe(true);
    expect(list.allows(host('https://DOCS.EXAMPLE.ORG/'))).toBe(true);
    expect(list.allows(host('https://docs.example.org./'))).toBe(true);
    expect(list.allows(host('https://api.example.com:8443/'))).toBe(true);
    expect(list.allows(host('https://example.org/'))).toBe(false);
    expect(list.allows(host('https://evil.docs.example.org/'))).toBe(false);
    expect(list.allows(host('https://docs.example.org.evil.com/'))).toBe(false);
    expect(list.allows(host('https://xdocs.example.org/'))).toBe(false);
  });

  it('matches wildcard entries strictly below the domain', () => {
    const list = new HostAllowlist(['*.example.org']);
    expect(list.allows(host('https://a.example.org/'))).toBe(true);
    expect(list.allows(host('https://a.b.example.org/'))).toBe(true);
    expect(list.allows(host('https://example.org/'))).toBe(false);
    expect(list.allows(host('https://badexample.org/'))).toBe(false);
    expect(list.allows(host('https://example.org.evil.com/'))).toBe(false);
    expect(list.allows(host('https://a.example.org.evil.com/'))).toBe(false);
  });

  it('treats a lone * as any host (the address policy still applies)', () => {
    const list = new HostAllowlist(['*']);
    expect(list.allows(host('https://anything.example/'))).toBe(true);
  });

  it('denies everything when empty', () => {
    const list = new HostAllowlist([]);
    expect(list.allows(host('https://example.org/'))).toBe(false);
    expect(list.allows('')).toBe(false);
  });

  it('compares international names in punycode, as URLs carry them', () => {
    const list = new HostAllowlist(['bücher.example', '*.straße.example']);
    expect(list.allows(host('https://xn--bcher-kva.example/'))).toBe(true);
    expect(list.allows(host('https://bücher.example/'))).toBe(true);
    expect(list.allows(host('https://www.straße.example/'))).toBe(true);
    expect(list.allows(host('https://www.xn--strae-oqa.example/'))).toBe(true);
    expect(list.allows(host('https://www.strasse.example/'))).toBe(false); // URLs keep ß (nontransitional UTS 46)
  });

  it('matches IP literals in the form URLs carry them', () => {
    const list = new HostAllowlist(['::1', '127.0.0.1']);
    expect(list.allows(host('http://[::1]:8080/'))).toBe(true);
    expect(list.allows(host('http://2130706433/'))).toBe(true);
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
