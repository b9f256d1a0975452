import { DEFAULT_EGRESS_PORTS, type EgressEntry, parseEgressEntry } from '@omniai/contracts';
import { canonicalIp, classifyAddress } from './address-policy';

/**
 * Host allowlists, as an egress grant states them: `docs.example.org` (that host only), `*.example.org` (any host
 * strictly below example.org, not example.org itself) and `*` (any host; the address policy still applies), each
 * optionally with `:port`. An entry without a port admits ports 80 and 443 only; another port must be named (D44).
 * Matching is on the URL's host name and port, never its path or user info.
 */
export class HostAllowlist {
  private readonly entries: EgressEntry[];

  /** @throws RangeError when an entry is malformed (see `parseEgressEntry`). */
  constructor(entries: readonly string[]) {
    this.entries = entries.map((entry) => {
      const parsed = parseEgressEntry(entry);
      if ('error' in parsed) throw new RangeError(`invalid egress allowlist entry ${JSON.stringify(entry)}: ${parsed.error}`);
      return parsed;
    });
  }

  /** Whether `host` (a URL's `hostname`, e.g. `a.example.org` or `[::1]`) may be contacted on `port`. */
  allows(host: string, port: number): boolean {
    const h = host.toLowerCase().replace(/\.$/, '');
    if (h === '') return false;
    return this.entries.some(
      (e) =>
        (e.port === null ? DEFAULT_EGRESS_PORTS.includes(port) : e.port === port) &&
        (e.kind === 'any' || (e.kind === 'exact' ? h === e.host : h.endsWith(`.${e.host}`))),
    );
  }
}

/** The port a URL connects to: its own, else its scheme's (80 for http, 443 for https). */
export function effectivePort(url: URL): number {
  return Number(url.port) || (url.protocol === 'https:' ? 443 : 80);
}

/**
 * Why an allowlist entry naming an IP address that tools could never reach (loopback, private, link-local/metadata,
 * …) may not be saved: it would only suggest that they can. Undefined for any other entry, malformed ones included
 * (the contract reports those). Used for `PUT /v1/policy`.
 */
export function nonPublicEgressAddress(entry: string): string | undefined {
  const parsed = parseEgressEntry(entry);
  if ('error' in parsed) return undefined;
  if (parsed.kind !== 'exact' || !canonicalIp(parsed.host)) return undefined;
  const verdict = classifyAddress(parsed.host);
  return verdict.allowed ? undefined : `${parsed.host} is not a public address (${verdict.category.replace('_', '-')}); tools never reach it`;
}
