import { type AddressCategory, canonicalIp, classifyAddress, isBlockedAddress, PRIVATE_NETWORK } from './address-policy';

// The specification, written out by hand: [input, expected category]. Each blocked range has its first, a middle
// and its last address where that matters, plus the public neighbours just outside it.
const TABLE: ReadonlyArray<readonly [string, AddressCategory]> = [
  // IPv4 loopback, in every spelling Node's URL parser turns into 127.0.0.1
  ['127.0.0.1', 'loopback'],
  ['127.255.255.254', 'loopback'],
  ['2130706433', 'loopback'],
  ['0x7f000001', 'loopback'],
  ['0x7f.1', 'loopback'],
  ['0177.0.0.1', 'loopback'],
  ['017700000001', 'loopback'],
  ['127.1', 'loopback'],
  // unspecified / "this network"
  ['0.0.0.0', 'unspecified'],
  ['0', 'unspecified'],
  ['0.255.255.255', 'unspecified'],
  // private
  ['10.0.0.0', 'private'],
  ['10.255.255.255', 'private'],
  ['172.16.0.1', 'private'],
  ['172.31.255.255', 'private'],
  ['192.168.0.1', 'private'],
  ['192.168.255.255', 'private'],
  ['0xa000001', 'private'],
  // link-local, and the cloud metadata services inside it
  ['169.254.0.1', 'link_local'],
  ['169.254.1.1', 'link_local'],
  ['169.254.169.254', 'metadata'],
  ['169.254.169.253', 'metadata'],
  ['169.254.170.2', 'metadata'],
  ['169.254.170.23', 'metadata'],
  ['0xa9fea9fe', 'metadata'],
  ['2852039166', 'metadata'],
  ['100.100.100.200', 'metadata'],
  // CGNAT
  ['100.64.0.0', 'cgnat'],
  ['100.127.255.255', 'cgnat'],
  // documentation, reserved, multicast, broadcast
  ['192.0.2.1', 'documentation'],
  ['198.51.100.7', 'documentation'],
  ['203.0.113.255', 'documentation'],
  ['192.0.0.8', 'reserved'],
  ['198.18.0.1', 'reserved'],
  ['198.19.255.255', 'reserved'],
  ['192.88.99.1', 'reserved'],
  ['224.0.0.1', 'multicast'],
  ['239.255.255.250', 'multicast'],
  ['240.0.0.1', 'reserved'],
  ['255.255.255.254', 'reserved'],
  ['255.255.255.255', 'broadcast'],
  // public IPv4, including the neighbours of blocked ranges
  ['8.8.8.8', 'public'],
  ['1.1.1.1', 'public'],
  ['9.255.255.255', 'public'],
  ['11.0.0.0', 'public'],
  ['172.15.255.255', 'public'],
  ['172.32.0.0', 'public'],
  ['100.63.255.255', 'public'],
  ['100.128.0.0', 'public'],
  ['169.253.255.255', 'public'],
  ['192.167.255.255', 'public'],
  ['223.255.255.255', 'public'],
  // IPv6 loopback and unspecified
  ['::1', 'loopback'],
  ['[::1]', 'loopback'],
  ['0:0:0:0:0:0:0:1', 'loopback'],
  ['::', 'unspecified'],
  ['[::]', 'unspecified'],
  // IPv4-mapped IPv6 takes the IPv4 address's category
  ['::ffff:127.0.0.1', 'loopback'],
  ['[::ffff:7f00:1]', 'loopback'],
  ['0:0:0:0:0:ffff:7f00:1', 'loopback'],
  ['::ffff:169.254.169.254', 'metadata'],
  ['::ffff:169.254.0.1', 'link_local'],
  ['::ffff:10.0.0.1', 'private'],
  ['::ffff:0.0.0.0', 'unspecified'],
  ['::ffff:8.8.8.8', 'public'],
  // NAT64 and 6to4 carry an IPv4 address too
  ['64:ff9b::127.0.0.1', 'loopback'],
  ['64:ff9b::a9fe:a9fe', 'metadata'],
  ['2002:a9fe:a9fe::1', 'metadata'],
  ['64:ff9b::808:808', 'public'],
  ['2002:7f00:1::', 'loopback'],
  ['2002:c0a8:101::1', 'private'],
  ['2002:808:808::1', 'public'],
  ['64:ff9b:1::1', 'reserved'],
  // other IPv6 special ranges
  ['::127.0.0.1', 'reserved'], // deprecated IPv4-compatible
  ['::ffff:0:7f00:1', 'reserved'], // SIIT
  ['100::1', 'reserved'],
  ['2001::1', 'reserved'], // Teredo
  ['2001:db8::1', 'documentation'],
  ['3fff::1', 'documentation'],
  ['fd00:ec2::254', 'metadata'],
  ['fd00:ec2::23', 'metadata'],
  ['[fd00:ec2:0:0:0:0:0:254]', 'metadata'],
  ['fd20:ce::254', 'metadata'],
  ['fd00:ec3::254', 'private'],
  ['fc00::1', 'private'],
  ['fd12:3456:789a::1', 'private'],
  ['fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', 'private'],
  ['fec0::1', 'private'],
  ['fe80::1', 'link_local'],
  ['fe80::1%eth0', 'link_local'],
  ['febf:ffff::1', 'link_local'],
  ['ff02::1', 'multicast'],
  ['ff0e::1', 'multicast'],
  ['4000::1', 'reserved'], // outside 2000::/3, not allocated
  ['1::1', 'reserved'],
  // public IPv6
  ['2606:4700:4700::1111', 'public'],
  ['2a00:1450:4001::200e', 'public'],
  ['2001:4860:4860::8888', 'public'],
  ['3ffe::1', 'public'],
  // not IP addresses at all: never connectable as such
  ['localhost', 'not_an_ip'],
  ['example.org', 'not_an_ip'],
  ['', 'not_an_ip'],
  ['1.2.3.4.5', 'not_an_ip'],
  ['256.1.1.1', 'not_an_ip'],
  ['::g', 'not_an_ip'],
  ['127.0.0.1/32', 'not_an_ip'],
];

describe('classifyAddress', () => {
  it.each(TABLE)('%s → %s', (input, category) => {
    const verdict = classifyAddress(input);
    expect(verdict.category).toBe(category);
    expect(verdict.allowed).toBe(category === 'public');
    expect(isBlockedAddress(input)).toBe(category !== 'public');
  });

  it('covers every blocked category', () => {
    const categories = new Set(TABLE.map(([, category]) => category));
    const all: AddressCategory[] = [
      'public',
      'loopback',
      'private',
      'link_local',
      'metadata',
      'cgnat',
      'unspecified',
      'multicast',
      'broadcast',
      'reserved',
      'documentation',
      'not_an_ip',
    ];
    expect([...categories].sort()).toEqual([...all].sort());
  });
});

describe('PRIVATE_NETWORK (what allow_private admits)', () => {
  it('is loopback, private, link-local and CGNAT: never metadata, unspecified, multicast, broadcast or reserved', () => {
    const admitted = TABLE.filter(([input]) => PRIVATE_NETWORK.has(classifyAddress(input).category)).map(([input]) => input);
    expect(admitted).toEqual(
      expect.arrayContaining(['127.0.0.1', '10.0.0.0', '192.168.0.1', 'fd12:3456:789a::1', 'fe80::1', '169.254.1.1', '100.64.0.0', '::1']),
    );
    for (const refused of [
      '169.254.169.254',
      '::ffff:169.254.169.254',
      'fd00:ec2::254',
      'fd20:ce::254',
      '100.100.100.200',
      '0.0.0.0',
      '::',
      'ff02::1',
      '224.0.0.1',
      '255.255.255.255',
      '192.0.0.8',
      '2001:db8::1',
    ]) {
      expect([refused, PRIVATE_NETWORK.has(classifyAddress(refused).category)]).toEqual([refused, false]);
    }
  });
});

describe('canonicalIp', () => {
  it.each([
    ['2130706433', '127.0.0.1', 4],
    ['0x7f.1', '127.0.0.1', 4],
    ['[::FFFF:127.0.0.1]', '::ffff:7f00:1', 6],
    ['0:0:0:0:0:0:0:1', '::1', 6],
    ['fe80::1%eth0', 'fe80::1', 6],
    ['example.org', undefined, undefined],
    ['deadbeef.cafe', undefined, undefined],
  ])('%s → %s', (input, address, family) => {
    const ip = canonicalIp(input);
    expect(ip?.address).toBe(address);
    expect(ip?.family).toBe(family);
  });

  it('agrees with what the URL parser makes of a host', () => {
    for (const host of ['2130706433', '0x7f.0.0.1', '0177.0.0.1', '[::ffff:127.0.0.1]', '169.254.169.254']) {
      const hostname = new URL(`http://${host}/`).hostname;
      expect(canonicalIp(hostname)?.address).toBe(canonicalIp(host)?.address);
      expect(classifyAddress(hostname).category).toBe(classifyAddress(host).category);
    }
  });
});
