// Corrections to the kernel's specs where they disagree with what the kernel sends, each with
// the evidence. The generator applies them after flattening; a fix that no longer matches an
// attribute fails the generation, so a corrected upstream spec is noticed.
export const FIXES = [
  {
    spec: 'rt-link', set: 'linkinfo-brport-attrs',
    attrs: ['mode', 'guard', 'protect', 'fast-leave', 'learning', 'unicast-flood', 'proxyarp', 'learning-sync',
      'proxyarp-wifi', 'mcast-flood', 'mcast-to-ucast', 'vlan-tunnel', 'bcast-flood', 'neigh-suppress', 'isolated',
      'mrp-ring-open', 'mrp-in-open', 'locked', 'mab', 'neigh-vlan-suppress'],
    change: { type: 'u8' },
    why: 'br_port_fill_attrs() puts these with nla_put_u8 (0 or 1); the 6.14 spec calls them flags, which would read a 0 as true',
  },
];
FIXES.push(
  {
    spec: 'rt-rule', set: 'fib-rule-attrs', attrs: ['dst', 'src'],
    change: { type: 'binary', hint: 'ipv4-or-v6' },
    why: 'FRA_DST/FRA_SRC hold the family\'s address: fib4_rule_fill puts 4 bytes, fib6_rule_fill 16 (nla_put_in6_addr); the 6.14 spec says u32',
  },
  {
    spec: 'rt-rule', set: 'fib-rule-attrs', attrs: ['fwmark', 'fwmask', 'suppress-prefixlen'],
    change: { hint: undefined },
    why: 'plain host-order u32s (nla_put_u32); a hex display hint would show their little-endian bytes, and suppress-prefixlen is a length (-1 when unset)',
  },
  {
    spec: 'rt-rule', set: 'fib-rule-attrs', attrs: ['tun-id'],
    change: { byteOrder: 'big-endian' },
    why: 'fib_nl_fill_rule puts FRA_TUN_ID with nla_put_be64 (ip rule reads it with ntohll)',
  },
);
FIXES.push(
  {
    spec: 'rt-neigh', set: 'neighbour-attrs', attrs: ['port'],
    change: { byteOrder: 'big-endian' },
    why: 'vxlan_fdb_info puts NDA_PORT with nla_put_be16 (bridge fdb reads it with rta_getattr_be16)',
  },
  {
    spec: 'rt-neigh', set: 'neighbour-attrs', attrs: ['dst'],
    change: { hint: 'ipv4-or-v6' },
    why: 'NDA_DST is 4 or 16 bytes (IPv6 neighbours, vxlan remotes over IPv6)',
  },
);

// Corrections of definitions (structs): { spec, definition, members, why } replaces the members.
export const DEFINITION_FIXES = [
  {
    spec: 'rt-route', definition: 'rta-cacheinfo',
    members: [
      { name: 'rta-clntref', type: 'u32' }, { name: 'rta-lastuse', type: 'u32' }, { name: 'rta-expires', type: 's32' },
      { name: 'rta-error', type: 'u32' }, { name: 'rta-used', type: 'u32' }, { name: 'rta-id', type: 'u32' },
      { name: 'rta-ts', type: 'u32' }, { name: 'rta-tsage', type: 'u32' },
    ],
    why: 'struct rta_cacheinfo (linux/rtnetlink.h) has 8 fields, 32 bytes, and rta_expires is __s32 (negative once expired); the 6.14 spec lists the first 5, all u32',
  },
];
