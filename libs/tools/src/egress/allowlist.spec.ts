import { effectivePort, HostAllowlist } from './allowlist';

/** What `safeFetch` asks the allowlist: may this list reach the URL's `hostname` on the URL's port? */
const allows = (list: HostAllowlist, url: string) => list.allows(new URL(url).hostname, effectivePort(new URL(url)));

describe('HostAllowlist', () => {
  it('matches exact hosts, case-insensitively and with or without a trailing dot', () => {
    const list = new HostAllowlist(['docs.example.org', 'API.Example.com.']);
    expect(allows(list, 'https://docs.example.org/a')).toBe(true);
    expect(allows(list, 'https://DOCS.EXAMPLE.ORG/')).toBe(true);
    expect(allows(list, 'https://docs.example.org./')).toBe(true);
    expect(allows(list, 'https://example.org/')).toBe(false);
    expect(allows(list, 'https://evil.docs.example.org/')).toBe(false);
    expect(allows(list, 'https://docs.example.org.evil.com/')).toBe(false);
    expect(allows(list, 'https://xdocs.example.org/')).toBe(false);
  });

  it('matches wildcard entries strictly below the domain', () => {
    const list = new HostAllowlist(['*.example.org']);
    expect(allows(list, 'https://a.example.org/')).toBe(true);
    expect(allows(list, 'https://a.b.example.org/')).toBe(true);
    expect(allows(list, 'https://example.org/')).toBe(false);
    expect(allows(list, 'https://badexample.org/')).toBe(false);
    expect(allows(list, 'https://example.org.evil.com/')).toBe(false);
    expect(allows(list, 'https://a.example.org.evil.com/')).toBe(false);
  });

  it('treats a lone * as any host (the address policy still applies)', () => {
    const list = new HostAllowlist(['*']);
    expect(allows(list, 'https://anything.example/')).toBe(true);
  });

  it('denies everything when empty', () => {
    const list = new HostAllowlist([]);
    expect(allows(list, 'https://example.org/')).toBe(false);
    expect(list.allows('', 443)).toBe(false);
  });

  it('compares international names in punycode, as URLs carry them', () => {
    const list = new HostAllowlist(['bücher.example', '*.straße.example']);
    expect(allows(list, 'https://xn--bcher-kva.example/')).toBe(true);
    expect(allows(list, 'https://bücher.example/')).toBe(true);
    expect(allows(list, 'https://www.straße.example/')).toBe(true);
    expect(allows(list, 'https://www.xn--strae-oqa.example/')).toBe(true);
    expect(allows(list, 'https://www.strasse.example/')).toBe(false); // URLs keep ß (nontransitional UTS 46)
  });

  it('matches IP literals in the form URLs carry them', () => {
    const list = new HostAllowlist(['::1', '127.0.0.1']);
    expect(allows(list, 'http://[::1]/')).toBe(true);
    expect(allows(list, 'http://2130706433/')).toBe(true);
  });

  it('admits ports 80 and 443 only, unless an entry names the port (D44)', () => {
    const list = new HostAllowlist(['docs.example.org', 'api.example.com:8443', '*.example.net:8080', '[::1]:9000']);
    expect(allows(list, 'http://docs.example.org/')).toBe(true);
    expect(allows(list, 'https://docs.example.org/')).toBe(true);
    expect(allows(list, 'http://docs.example.org:443/')).toBe(true);
    expect(allows(list, 'http://docs.example.org:22/')).toBe(false);
    expect(allows(list, 'http://docs.example.org:6379/')).toBe(false);
    expect(allows(list, 'https://docs.example.org:8443/')).toBe(false);
    expect(allows(list, 'https://api.example.com:8443/')).toBe(true);
    expect(allows(list, 'https://api.example.com/')).toBe(false);
    expect(allows(list, 'http://a.example.net:8080/')).toBe(true);
    expect(allows(list, 'http://a.example.net/')).toBe(false);
    expect(allows(list, 'http://[::1]:9000/')).toBe(true);
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
