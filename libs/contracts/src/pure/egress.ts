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

/**
 * What `egress_allow` holds: a host entry (public addresses only), or the object form naming one host that may resolve
 * to loopback or private addresses (`PrivateEgressEntry` in the zod contracts, D58).
 */
export type EgressAllowValue = string | { host: string; allow_private: boolean; note?: string | undefined };

/** A parsed `egress_allow` entry: what it matches, and whether a match may reach private addresses. */
export interface EgressAllowRule extends EgressEntry {
  allowPrivate: boolean;
}

/**
 * Parses either form of an `egress_allow` entry. `allow_private` is accepted only for one named host: a wildcard or
 * `*` would open the private network to whatever name an attacker's DNS points there. On error, `field` names the
 * object's property at fault (absent for the string form).
 */
export function parseEgressAllowEntry(entry: EgressAllowValue): EgressAllowRule | { error: string; field?: 'host' | 'allow_private' } {
  const raw = typeof entry === 'string' ? entry : entry.host;
  const parsed = parseEgressEntry(raw);
  if ('error' in parsed) return typeof entry === 'string' ? parsed : { error: parsed.error, field: 'host' };
  const allowPrivate = typeof entry !== 'string' && entry.allow_private;
  if (allowPrivate && parsed.kind !== 'exact') {
    return {
      error: `allow_private is only for one named host (a DNS name or an IP address, optionally with ":port"), never for "*" or a "*.domain" wildcard`,
      field: 'allow_private',
    };
  }
  return { ...parsed, allowPrivate };
}

/** The host text of an entry of either form (`docs.example.org`, `127.0.0.1:3001`), as the admin wrote it. */
export function egressEntryHost(entry: EgressAllowValue): string {
  return typeof entry === 'string' ? entry : entry.host;
}
