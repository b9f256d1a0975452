/**
 * Ports a host allowlist entry without a port admits: plain HTTP and HTTPS (CONNECT included). Any other port must
 * be named by the entry (`host:8443`), so an allowed host is not a door to its other services (D44).
 */
export const DEFAULT_EGRESS_PORTS: readonly number[] = [80, 443];

/** One parsed egress allowlist entry: `*` (any host), `*.example.org` (strictly below it) or one host. */
export interface EgressEntry {
  kind: 'any' | 'suffix' | 'exact';
  /** In the form `URL.hostname` produces (lower case, punycode, `[v6]`), without a trailing dot; `''` for `any`. */
  host: string;
  /** The one port the entry admits, or null for {@link DEFAULT_EGRESS_PORTS}. */
  port: number | null;
}

const GRAMMAR = 'expected a host name, "*.domain", "*" or an IP address, optionally followed by ":port"';

/**
 * Parses an entry of `egress_allow` or a manifest's `egress_hosts`: `docs.example.org`, `*.example.org`, `*`, an IP
 * address (`[::1]` or `::1`), each optionally with `:port` (1–65535). No scheme, path, user info, query or fragment.
 * Returns the reason when the entry is malformed. Pure (no Node built-ins): the policy contract and the egress
 * allowlist both use it, so what the API accepts is what the worker enforces.
 */
export function parseEgressEntry(raw: string): EgressEntry | { error: string } {
  const entry = raw.trim();
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(entry)) return { error: `a scheme has no place in a host entry (${GRAMMAR})` };
  let hostPart = entry;
  let port: number | null = null;
  const bareIpv6 = !entry.startsWith('[') && (entry.match(/:/g)?.length ?? 0) > 1;
  if (!bareIpv6) {
    const m = /^(.*):(\d{1,5})$/.exec(entry);
    if (m) {
      hostPart = m[1]!;
      port = Number(m[2]);
      if (port < 1 || port > 65_535) return { error: `the port must be between 1 and 65535` };
    }
  }
  if (hostPart === '*') return { kind: 'any', host: '', port };
  const suffix = hostPart.startsWith('*.');
  const host = normalizeHost(suffix ? hostPart.slice(2) : hostPart, bareIpv6);
  if (host === undefined) return { error: GRAMMAR };
  return { kind: suffix ? 'suffix' : 'exact', host, port };
}

/** The host as `URL.hostname` writes it, or undefined when it is not a plain host. */
function normalizeHost(host: string, ipv6: boolean): string | undefined {
  const candidate = ipv6 ? `[${host}]` : host;
  // A port, path, user info, query or fragment has no place here (and `:80` would vanish when parsed).
  const bracketed = candidate.startsWith('[');
  if (bracketed ? !candidate.endsWith(']') : /[:/\\?#@\s[\]]/.test(candidate)) return undefined;
  let url: URL;
  try {
    url = new URL(`http://${candidate}/`);
  } catch {
    return undefined;
  }
  if (url.host !== url.hostname || url.username || url.password || url.pathname !== '/' || url.search || url.hash) return undefined;
  const normalized = url.hostname.endsWith('.') ? url.hostname.slice(0, -1) : url.hostname;
  if (normalized === '' || normalized.includes('*')) return undefined;
  return normalized;
}
