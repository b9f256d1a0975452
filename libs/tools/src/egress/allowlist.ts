import { DEFAULT_EGRESS_PORTS, type EgressAllowRule, type EgressAllowValue, parseEgressAllowEntry } from '@omniai/contracts';
import { canonicalIp, classifyAddress, PRIVATE_NETWORK } from './address-policy';

/** What an allowlist says about one host and port it admits. */
export interface EgressMatch {
  /**
   * A matching entry is the object form with `allow_private` (D58): this host's addresses may also be
   * loopback, private, link-local or CGNAT ({@link PRIVATE_NETWORK}). Only ever for the host it names.
   */
  allowPrivate: boolean;
}

/**
 * Host allowlists, as an egress grant states them: `docs.example.org` (that host only), `*.example.org` (any host
 * strictly below example.org, not example.org itself) and `*` (any host; the address policy still applies), each
 * optionally with `:port`; and the object form `{ host, allow_private }` for one named host that may be private. An
 * entry without a port admits ports 80 and 443 only; another port must be named (D44). Matching is on the URL's host
 * name and port, never its path or user info.
 */
export class HostAllowlist {
  private readonly rules: EgressAllowRule[];

  /** @throws RangeError when an entry is malformed (see `parseEgressAllowEntry`). */
  constructor(entries: readonly EgressAllowValue[]) {
    this.rules = entries.map((entry) => {
      const parsed = parseEgressAllowEntry(entry);
      if ('error' in parsed) throw new RangeError(`invalid egress allowlist entry ${JSON.stringify(entry)}: ${parsed.error}`);
      return parsed;
    });
  }

  /** Whether `host` (a URL's `hostname`, e.g. `a.example.org` or `[::1]`) may be contacted on `port`. */
  allows(host: string, port: number): boolean {
    return this.match(host, port) !== undefined;
  }

  /**
   * How `host` may be contacted on `port`, or undefined when no entry admits it. Private addresses are admitted when
   * any matching entry says so: `*` next to `{ host: "127.0.0.1:3001", allow_private: true }` still lets that one
   * host through to loopback, and nothing else.
   */
  match(host: string, port: number): EgressMatch | undefined {
    const h = host.toLowerCase().replace(/\.$/, '');
    if (h === '') return undefined;
    const hits = this.rules.filter(
      (e) =>
        (e.port === null ? DEFAULT_EGRESS_PORTS.includes(port) : e.port === port) &&
        (e.kind === 'any' || (e.kind === 'exact' ? h === e.host : h.endsWith(`.${e.host}`))),
    );
    return hits.length === 0 ? undefined : { allowPrivate: hits.some((e) => e.allowPrivate) };
  }

  /**
   * This allowlist narrowed to `url`'s host and port, its private flag kept: for a client that must reach that one
   * server and nothing else, whatever else the list names. Undefined when the list does not admit the URL.
   */
  narrowTo(url: URL): EgressAllowValue[] | undefined {
    const match = this.match(url.hostname, effectivePort(url));
    if (!match) return undefined;
    return [match.allowPrivate ? { host: url.host, allow_private: true } : url.host];
  }
}

/** The port a URL connects to: its own, else its scheme's (80 for http, 443 for https). */
export function effectivePort(url: URL): number {
  return Number(url.port) || (url.protocol === 'https:' ? 443 : 80);
}

/**
 * Why an allowlist entry naming an IP address that tools could never reach may not be saved: it would only suggest
 * that they can. A plain entry must name a public address; an entry with `allow_private` may also name a loopback,
 * private, link-local or CGNAT one, never metadata, unspecified, multicast, broadcast or reserved addresses.
 * Undefined for any other entry, malformed ones included (the contract reports those). Used for `PUT /v1/policy`.
 */
export function nonPublicEgressAddress(entry: EgressAllowValue): string | undefined {
  const parsed = parseEgressAllowEntry(entry);
  if ('error' in parsed) return undefined;
  if (parsed.kind !== 'exact' || !canonicalIp(parsed.host)) return undefined;
  const verdict = classifyAddress(parsed.host);
  if (verdict.allowed) return undefined;
  const category = verdict.category.replace('_', '-');
  if (!PRIVATE_NETWORK.has(verdict.category)) return `${parsed.host} is not a public address (${category}); tools never reach it, whatever the entry says`;
  if (parsed.allowPrivate) return undefined;
  return `${parsed.host} is not a public address (${category}); tools reach it only through an entry { "host": ..., "allow_private": true } for a host you run`;
}
