import { isIPv6 } from 'node:net';

/**
 * Host allowlists, as an egress grant states them: `docs.example.org` (that host only), `*.example.org` (any host
 * strictly below example.org, not example.org itself) and `*` (any host; the address policy still applies).
 * Matching is on the URL's host name only, never its port, path or user info.
 */
export class HostAllowlist {
  private readonly exact = new Set<string>();
  private readonly suffixes: string[] = [];
  private readonly any: boolean;

  /** @throws RangeError when an entry is not a host name, an IP address, `*.` + a host name, or `*`. */
  constructor(entries: readonly string[]) {
    this.any = entries.includes('*');
    for (const entry of entries) {
      if (entry === '*') continue;
      if (entry.startsWith('*.')) this.suffixes.push(`.${normalizeHost(entry.slice(2), entry)}`);
      else this.exact.add(normalizeHost(entry, entry));
    }
  }

  /** Whether `host` (a URL's `hostname`, e.g. `a.example.org` or `[::1]`) may be contacted. */
  allows(host: string): boolean {
    const h = stripTrailingDot(host.toLowerCase());
    if (h === '') return false;
    if (this.any || this.exact.has(h)) return true;
    return this.suffixes.some((suffix) => h.endsWith(suffix));
  }
}

/** Puts an entry in the form `URL.hostname` produces (lower case, punycode, `[v6]`), so both sides compare alike. */
function normalizeHost(host: string, entry: string): string {
  const candidate = isIPv6(host) ? `[${host}]` : host;
  let hostname: string;
  try {
    // A port, path, user info, query or fragment has no place in a host entry (and `:80` would vanish when parsed).
    const bracketed = candidate.startsWith('[');
    if (bracketed ? !candidate.endsWith(']') : /[:/\\?#@\s]/.test(candidate)) throw new Error();
    const url = new URL(`http://${candidate}/`);
    if (url.host !== url.hostname || url.username || url.password || url.pathname !== '/' || url.search || url.hash) throw new Error();
    hostname = url.hostname;
  } catch {
    throw new RangeError(`invalid egress allowlist entry: ${JSON.stringify(entry)}`);
  }
  const normalized = stripTrailingDot(hostname);
  if (normalized === '' || normalized.includes('*')) throw new RangeError(`invalid egress allowlist entry: ${JSON.stringify(entry)}`);
  return normalized;
}

/** `example.org.` and `example.org` name the same host. */
function stripTrailingDot(host: string): string {
  return host.endsWith('.') ? host.slice(0, -1) : host;
}
