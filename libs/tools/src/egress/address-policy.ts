import { BlockList, isIPv4, isIPv6 } from 'node:net';

/**
 * Which addresses a tool may connect to. Everything that is not plainly a globally routable unicast address is
 * blocked: a fetch aimed at the worker's own network (loopback, private ranges, the cloud metadata service at
 * 169.254.169.254, …) is the SSRF we exist to prevent, so unknown or odd forms fail closed.
 */
export type AddressCategory =
  | 'public'
  | 'loopback'
  | 'private'
  | 'link_local'
  /** A cloud provider's metadata, credentials or platform service: never reachable, whatever an entry says. */
  | 'metadata'
  | 'cgnat'
  | 'unspecified'
  | 'multicast'
  | 'broadcast'
  | 'reserved'
  | 'documentation'
  /** Not an IP address at all (a host name, garbage): never connectable as such. */
  | 'not_an_ip';

export interface AddressVerdict {
  /** Canonical form (`127.0.0.1`, `::ffff:7f00:1`), or the input when it is not an IP address. */
  address: string;
  family: 4 | 6 | undefined;
  category: AddressCategory;
  allowed: boolean;
}

type BlockedCategory = Exclude<AddressCategory, 'public' | 'not_an_ip'>;

/**
 * IPv4 special-purpose ranges (IANA registry, RFC 6890 and successors). Order matters: the first match wins, so the
 * broadcast address is named before the reserved block that contains it.
 */
const IPV4_RANGES: ReadonlyArray<readonly [string, number, BlockedCategory]> = [
  ['0.0.0.0', 8, 'unspecified'], // "this network"; 0.0.0.0 reaches the local host on Linux
  ['127.0.0.0', 8, 'loopback'],
  ['10.0.0.0', 8, 'private'],
  ['172.16.0.0', 12, 'private'],
  ['192.168.0.0', 16, 'private'],
  // Instance metadata and platform services: 169.254.169.254 (AWS, GCP, Azure, OCI, DigitalOcean, OpenStack), the
  // AWS time and DNS servers beside it, 169.254.170.2 (ECS task credentials) and 169.254.170.23 (EKS Pod Identity).
  ['169.254.169.0', 24, 'metadata'],
  ['169.254.170.0', 24, 'metadata'],
  ['169.254.0.0', 16, 'link_local'],
  ['100.100.100.200', 32, 'metadata'], // Alibaba Cloud
  ['100.64.0.0', 10, 'cgnat'],
  ['192.0.2.0', 24, 'documentation'],
  ['198.51.100.0', 24, 'documentation'],
  ['203.0.113.0', 24, 'documentation'],
  ['192.0.0.0', 24, 'reserved'], // IETF protocol assignments
  ['192.88.99.0', 24, 'reserved'], // deprecated 6to4 relay anycast
  ['198.18.0.0', 15, 'reserved'], // benchmarking
  ['224.0.0.0', 4, 'multicast'],
  ['255.255.255.255', 32, 'broadcast'],
  ['240.0.0.0', 4, 'reserved'],
];

/** IPv6 special-purpose ranges. The ones that embed an IPv4 address are handled before these (see `embeddedIpv4`). */
const IPV6_RANGES: ReadonlyArray<readonly [string, number, BlockedCategory]> = [
  ['::', 128, 'unspecified'],
  ['::1', 128, 'loopback'],
  ['::', 96, 'reserved'], // deprecated IPv4-compatible addresses
  ['::ffff:0:0:0', 96, 'reserved'], // SIIT IPv4-translated
  ['64:ff9b:1::', 48, 'reserved'], // local-use NAT64
  ['100::', 64, 'reserved'], // discard-only
  ['2001:db8::', 32, 'documentation'],
  ['3fff::', 20, 'documentation'],
  ['2001::', 23, 'reserved'], // IETF protocol assignments, Teredo included
  ['fd00:ec2::', 64, 'metadata'], // AWS over IPv6: fd00:ec2::254 (IMDS), ::23 (EKS Pod Identity), DNS and time
  ['fd20:ce::254', 128, 'metadata'], // GCP over IPv6
  ['fc00::', 7, 'private'], // unique local
  ['fec0::', 10, 'private'], // deprecated site-local
  ['fe80::', 10, 'link_local'],
  ['ff00::', 8, 'multicast'],
];

function compile(ranges: ReadonlyArray<readonly [string, number, BlockedCategory]>, family: 'ipv4' | 'ipv6') {
  return ranges.map(([network, prefix, category]) => {
    const list = new BlockList();
    list.addSubnet(network, prefix, family);
    return { list, category };
  });
}

const V4 = compile(IPV4_RANGES, 'ipv4');
const V6 = compile(IPV6_RANGES, 'ipv6');
/** Only 2000::/3 is allocated for global unicast; everything else in IPv6 is reserved by the IETF. */
const V6_GLOBAL_UNICAST = new BlockList();
V6_GLOBAL_UNICAST.addSubnet('2000::', 3, 'ipv6');

/**
 * The canonical IP address written in `input`, or undefined when it is not one. Accepts what a URL's host can hold
 * (`[::1]`) and the legacy IPv4 spellings that WHATWG URL parsing turns into addresses (`2130706433`, `0x7f.1`,
 * `0177.0.0.1` → `127.0.0.1`), so that a check never sees a different address than the one a connection would use.
 */
export function canonicalIp(input: string): { address: string; family: 4 | 6 } | undefined {
  let s = input.trim();
  if (s.startsWith('[') && s.endsWith(']')) s = s.slice(1, -1);
  // A zone index (`fe80::1%eth0`) scopes a link-local address; it does not change which range it is in.
  const zone = s.indexOf('%');
  if (zone >= 0 && isIPv6(s)) s = s.slice(0, zone);
  if (isIPv4(s)) return { address: s, family: 4 };
  if (isIPv6(s)) return { address: new URL(`http://[${s}]/`).hostname.slice(1, -1), family: 6 };
  // Only number-like strings can be legacy IPv4 forms; anything else is a name and must not be parsed as a URL here.
  if (!/^[0-9a-fA-FxX.]+$/.test(s)) return undefined;
  try {
    const host = new URL(`http://${s}/`).hostname;
    return isIPv4(host) ? { address: host, family: 4 } : undefined;
  } catch {
    return undefined;
  }
}

/** The 16 bytes of a valid IPv6 address (dotted IPv4 tail allowed). */
function ipv6Bytes(address: string): Uint8Array {
  const bytes = new Uint8Array(16);
  let text = address;
  const tail: number[] = [];
  const lastColon = text.lastIndexOf(':');
  if (text.includes('.', lastColon)) {
    tail.push(
      ...text
        .slice(lastColon + 1)
        .split('.')
        .map(Number),
    );
    text = `${text.slice(0, lastColon + 1)}0:0`;
  }
  const [head = '', rest] = text.split('::');
  const headGroups = head ? head.split(':') : [];
  const restGroups = rest ? rest.split(':') : [];
  const groups = [...headGroups, ...Array<string>(8 - headGroups.length - restGroups.length).fill('0'), ...restGroups];
  groups.forEach((group, i) => {
    const value = parseInt(group, 16);
    bytes[i * 2] = value >> 8;
    bytes[i * 2 + 1] = value & 0xff;
  });
  if (tail.length === 4) bytes.set(tail, 12);
  return bytes;
}

/**
 * The IPv4 address that an IPv6 address stands for, when it is one of the forms that carry one to an IPv4 host:
 * IPv4-mapped (`::ffff:a.b.c.d`, what a dual-stack socket shows for IPv4 peers), NAT64 (`64:ff9b::/96`, what DNS64
 * answers on IPv6-only networks) and 6to4 (`2002:AABB:CCDD::/48`). Such an address is as safe as the IPv4 one.
 */
function embeddedIpv4(address: string): string | undefined {
  const b = ipv6Bytes(address);
  const zeros = (from: number, to: number) => b.subarray(from, to).every((x) => x === 0);
  const v4 = (at: number) => `${b[at]}.${b[at + 1]}.${b[at + 2]}.${b[at + 3]}`;
  if (zeros(0, 10) && b[10] === 0xff && b[11] === 0xff) return v4(12);
  if (b[0] === 0x00 && b[1] === 0x64 && b[2] === 0xff && b[3] === 0x9b && zeros(4, 12)) return v4(12);
  if (b[0] === 0x20 && b[1] === 0x02) return v4(2);
  return undefined;
}

/** Classify an address (any form {@link canonicalIp} accepts). Anything that is not a public unicast address is blocked. */
export function classifyAddress(input: string): AddressVerdict {
  const ip = canonicalIp(input);
  if (!ip) return { address: input, family: undefined, category: 'not_an_ip', allowed: false };
  const verdict = (category: AddressCategory): AddressVerdict => ({ ...ip, category, allowed: category === 'public' });
  if (ip.family === 4) {
    const hit = V4.find(({ list }) => list.check(ip.address, 'ipv4'));
    return verdict(hit ? hit.category : 'public');
  }
  const v4 = embeddedIpv4(ip.address);
  if (v4 !== undefined) return verdict(classifyAddress(v4).category);
  const hit = V6.find(({ list }) => list.check(ip.address, 'ipv6'));
  if (hit) return verdict(hit.category);
  return verdict(V6_GLOBAL_UNICAST.check(ip.address, 'ipv6') ? 'public' : 'reserved');
}

/**
 * What an `egress_allow` entry with `allow_private` admits besides public addresses, for the host it names only
 * (D58): this machine and the team's networks. Metadata, unspecified, multicast, broadcast, reserved and
 * documentation addresses are never admitted.
 */
export const PRIVATE_NETWORK: ReadonlySet<AddressCategory> = new Set<AddressCategory>(['loopback', 'private', 'link_local', 'cgnat']);

/** True when a connection to `address` must be refused. */
export function isBlockedAddress(address: string): boolean {
  return !classifyAddress(address).allowed;
}
