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
