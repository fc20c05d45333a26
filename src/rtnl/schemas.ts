// Input schemas (zod's v3 API, 'zod/v3') for every mutating rtnetlink operation. This module
// is imported lazily (`await import('./schemas.js')`) by the operations that change state, so
// read-only paths never load zod. Objects are strict: a misspelt option is an error, not a
// silently ignored key. Rules follow the kernel's own where it has them (dev_valid_name).
import { z } from 'zod/v3';
import { parseIPv4, parseIPv6, parseMac } from '../netlink/address.js';
import { NetworkNamespace } from '../netlink/namespace.js';
import { TYPED_KINDS } from './link.js';
import { stringLimitProblem } from '../netlink/string-limits.js';

// ---- scalars

const u8 = z.number().int().min(0).max(0xff);
const u16 = z.number().int().min(0).max(0xffff);
const u32 = z.number().int().min(0).max(0xffffffff);
const s32 = z.number().int().min(-0x80000000).max(0x7fffffff);
const flag01 = z.union([z.boolean(), z.number().int().min(0).max(1)]);

// The kernel's isspace() (lib/ctype.c) also counts 0xa0 (NBSP in Latin-1) as a space.
const SPACE_BYTES = new Set([0x20, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0xa0]);

/** Why `name` fails the kernel's dev_valid_name (net/core/dev.c), or undefined if it passes. */
export function linkNameProblem(name: string, limit: 'ifname' | 'altifname' = 'ifname'): string | undefined {
  const bytes = Buffer.from(name, 'utf8');
  if (bytes.length === 0) return 'must not be empty';
  const tooLong = stringLimitProblem(limit, bytes);
  if (tooLong) return `"${name}" ${tooLong}`;
  if (name === '.' || name === '..') return `"${name}" is not a valid interface name`;
  for (const b of bytes) {
    if (b === 0x2f) return `"${name}" must not contain '/'`;
    if (b === 0x3a) return `"${name}" must not contain ':'`;
    if (SPACE_BYTES.has(b)) return `"${name}" must not contain whitespace`;
    if (b === 0) return 'must not contain NUL';
  }
  return undefined;
}

export const linkName = z.string().superRefine((s, ctx) => {
  const p = linkNameProblem(s);
  if (p) ctx.addIssue({ code: z.ZodIssueCode.custom, message: p });
});

/**
 * A link given by name (or altname, up to 127 bytes) or ifindex. Names come first: zod tries
 * the options in order, and a failed number option cost half of a bulk route spec's check.
 */
export const linkSelector = z.union([
  z.string().superRefine((s, ctx) => {
    const p = linkNameProblem(s, 'altifname');
    if (p) ctx.addIssue({ code: z.ZodIssueCode.custom, message: p });
  }),
  z.number().int().min(1).max(0x7fffffff),
], { errorMap: () => ({ message: 'expected a link name or a positive ifindex' }) });

export const macAddress = z.string().refine((s) => parseMac(s) !== undefined && s.length > 0, {
  message: 'expected a link-layer address like "aa:bb:cc:dd:ee:ff"',
});

/** An Ethernet address, exactly 6 bytes (bridge FDB entries, macvlan source lists, group_addr). */
export const ethernetAddress = z.string().refine((s) => parseMac(s)?.length === 6, {
  message: 'expected a 6-byte Ethernet address like "aa:bb:cc:dd:ee:ff"',
});

export const ipv4 = z.string().refine((s) => parseIPv4(s) !== undefined, { message: 'expected an IPv4 address' });
export const ipAddress = z.string().refine((s) => (s.includes(':') ? parseIPv6(s) : parseIPv4(s)) !== undefined, {
  message: 'expected an IPv4 or IPv6 address',
});

function prefixProblem(s: string, allowBare: boolean): string | undefined {
  const slash = s.indexOf('/');
  const addr = slash < 0 ? s : s.slice(0, slash);
  const v6 = addr.includes(':');
  if ((v6 ? parseIPv6(addr) : parseIPv4(addr)) === undefined) return `"${addr}" is not an IPv${v6 ? 6 : 4} address`;
  if (slash < 0) return allowBare ? undefined : 'expected ADDRESS/PREFIXLEN';
  const len = s.slice(slash + 1);
  const max = v6 ? 128 : 32;
  if (!/^\d{1,3}$/.test(len) || Number(len) > max) return `prefix length "${len}" is not a number from 0 to ${max}`;
  return undefined;
}

/** "192.168.0.1/16", "2001:db8::1/64", or a bare address (a host prefix). */
export const ipPrefix = z.string().superRefine((s, ctx) => {
  const p = prefixProblem(s, true);
  if (p) ctx.addIssue({ code: z.ZodIssueCode.custom, message: p });
});

/** A route destination: "default" or a prefix. */
export const routeDestination = z.string().superRefine((s, ctx) => {
  if (s === 'default' || s === 'default4' || s === 'default6') return;
  const p = prefixProblem(s, true);
  if (p) ctx.addIssue({ code: z.ZodIssueCode.custom, message: `${p} (or "default")` });
});

export const namespaceRef = z.custom<NetworkNamespace | string | number | object>((v) => {
  if (v instanceof NetworkNamespace) return true;
  if (typeof v === 'string') return v.length > 0 && !v.includes('\0');
  if (typeof v === 'number') return Number.isInteger(v) && v >= 0;
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    // Anything holding an open namespace fd (own property or getter) designates it.
    if ('fd' in o) return Number.isInteger(o.fd) && (o.fd as number) >= 0;
    const keys = Object.keys(o);
    if (keys.length !== 1) return false;
    if ('name' in o) return typeof o.name === 'string';
    if ('path' in o) return typeof o.path === 'string';
    if ('pid' in o) return Number.isInteger(o.pid) && (o.pid as number) > 0;
  }
  return false;
}, { message: 'expected a namespace name, path, { name }, { path }, { pid }, { fd } or NetworkNamespace' });

export const rawAttribute = z.object({
  type: z.number().int().min(0).max(0x3fff),
  nested: z.boolean().optional(),
  netByteOrder: z.boolean().optional(),
  data: z.instanceof(Uint8Array),
}).strict();

const group = z.union([u32, z.literal('default')]);

/** An alias (IFLA_IFALIAS), counted in bytes as sent (see STRING_LIMITS.ifalias in string-limits.ts). */
const ifalias = z.string().superRefine((s, ctx) => {
  const p = stringLimitProblem('ifalias', s);
  if (p) ctx.addIssue({ code: z.ZodIssueCode.custom, message: p });
});

// ---- links

export const bridgeOptions = z.object({
  forward_delay: u32, hello_time: u32, max_age: u32, ageing_time: u32, stp_state: flag01, priority: u16,
  vlan_filtering: flag01, vlan_protocol: z.enum(['802.1Q', '802.1ad']), vlan_default_pvid: u16,
  vlan_stats_enabled: flag01, vlan_stats_per_port: flag01, group_fwd_mask: u16, group_addr: ethernetAddress,
  mcast_snooping: flag01, no_linklocal_learn: flag01, mcast_vlan_snooping: flag01, mcast_router: u8,
  mcast_query_use_ifaddr: flag01, mcast_querier: flag01, mcast_hash_elasticity: u32, mcast_hash_max: u32,
  mcast_last_member_cnt: u32, mcast_startup_query_cnt: u32, mcast_last_member_intvl: z.number().int().min(0),
  mcast_membership_intvl: z.number().int().min(0), mcast_querier_intvl: z.number().int().min(0),
  mcast_query_intvl: z.number().int().min(0), mcast_query_response_intvl: z.number().int().min(0),
  mcast_startup_query_intvl: z.number().int().min(0), mcast_stats_enabled: flag01, mcast_igmp_version: u8,
  mcast_mld_version: u8, nf_call_iptables: flag01, nf_call_ip6tables: flag01, nf_call_arptables: flag01,
}).partial().strict();

export const bridgePortOptions = z.object({
  state: z.union([z.enum(['disabled', 'listening', 'learning', 'forwarding', 'blocking']), u8]),
  priority: u16, cost: u32, hairpin: z.boolean(), guard: z.boolean(), root_block: z.boolean(), fastleave: z.boolean(),
  learning: z.boolean(), flood: z.boolean(), proxy_arp: z.boolean(), proxy_arp_wifi: z.boolean(), multicast_router: u8,
  mcast_flood: z.boolean(), bcast_flood: z.boolean(), mcast_to_unicast: z.boolean(), neigh_suppress: z.boolean(),
  group_fwd_mask: u16, vlan_tunnel: z.boolean(), isolated: z.boolean(), locked: z.boolean(), backup_port: u32,
}).partial().strict();

export const macvlanOptions = z.object({
  mode: z.enum(['private', 'vepa', 'bridge', 'passthru', 'source']),
  nopromisc: z.boolean(), nodst: z.boolean(), bcqueuelen: u32,
}).partial().strict();

export const vxlanOptions = z.object({
  id: z.number().int().min(0).max(0xffffff),
  remote: ipAddress, group: ipAddress, local: ipAddress, link: linkSelector, port: u16,
  port_range: z.object({ low: u16, high: u16 }).strict(),
  learning: z.boolean(), proxy: z.boolean(), rsc: z.boolean(), l2miss: z.boolean(), l3miss: z.boolean(),
  tos: u8, ttl: u8, ttl_inherit: z.boolean(), df: z.enum(['unset', 'set', 'inherit']), label: z.number().int().min(0).max(0xfffff),
  ageing: u32, limit: u32, udp_csum: z.boolean(), udp_zero_csum6_tx: z.boolean(), udp_zero_csum6_rx: z.boolean(),
  remcsum_tx: z.boolean(), remcsum_rx: z.boolean(), gbp: z.boolean(), gpe: z.boolean(), external: z.boolean(),
  vnifilter: z.boolean(),
}).partial().strict().superRefine((v, ctx) => {
  if (v.remote !== undefined && v.group !== undefined) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['group'], message: 'give either remote or group, not both' });
  if (v.id === undefined && !v.external) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['id'], message: 'a VNI is required (or external: true)' });
  const peer = v.remote ?? v.group;
  if (peer !== undefined && v.local !== undefined && peer.includes(':') !== v.local.includes(':')) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['local'], message: 'local and remote/group must be of the same family' });
  }
});

const commonLink = {
  name: linkName,
  mtu: u32.optional(),
  address: macAddress.optional(),
  broadcast: macAddress.optional(),
  txqlen: u32.optional(),
  group: group.optional(),
  master: linkSelector.optional(),
  up: z.boolean().optional(),
  netns: namespaceRef.optional(),
  ifalias: ifalias.optional(),
  num_tx_queues: z.number().int().min(1).max(4096).optional(),
  num_rx_queues: z.number().int().min(1).max(4096).optional(),
  gso_max_size: u32.optional(),
  gso_max_segs: u32.optional(),
  gro_max_size: u32.optional(),
  attributes: z.array(rawAttribute).optional(),
};

const vethPeer = z.object({
  name: linkName.optional(),
  netns: namespaceRef.optional(),
  mtu: u32.optional(),
  address: macAddress.optional(),
  txqlen: u32.optional(),
  group: group.optional(),
  up: z.boolean().optional(),
  num_tx_queues: z.number().int().min(1).max(4096).optional(),
  num_rx_queues: z.number().int().min(1).max(4096).optional(),
  attributes: z.array(rawAttribute).optional(),
}).strict().refine((p) => !p.up || p.name !== undefined, { path: ['up'], message: 'bringing the peer up needs its name' });

const kindSchemas: Record<string, z.ZodTypeAny> = {
  veth: z.object({ ...commonLink, kind: z.literal('veth'), peer: z.union([linkName, vethPeer]).optional() }).strict(),
  bridge: z.object({ ...commonLink, kind: z.literal('bridge'), bridge: bridgeOptions.optional() }).strict(),
  macvlan: z.object({ ...commonLink, kind: z.literal('macvlan'), link: linkSelector, macvlan: macvlanOptions.optional() }).strict(),
  macvtap: z.object({ ...commonLink, kind: z.literal('macvtap'), link: linkSelector, macvlan: macvlanOptions.optional() }).strict(),
  vxlan: z.object({ ...commonLink, kind: z.literal('vxlan'), vxlan: vxlanOptions }).strict(),
  vlan: z.object({
    ...commonLink, kind: z.literal('vlan'), link: linkSelector,
    vlan: z.object({ id: z.number().int().min(0).max(4094), protocol: z.enum(['802.1Q', '802.1ad']).optional() }).strict(),
  }).strict(),
  bond: z.object({
    ...commonLink, kind: z.literal('bond'),
    bond: z.object({
      mode: z.union([z.enum(['balance-rr', 'active-backup', 'balance-xor', 'broadcast', '802.3ad', 'balance-tlb', 'balance-alb']), z.number().int().min(0).max(6)]).optional(),
    }).strict().optional(),
  }).strict(),
  vrf: z.object({ ...commonLink, kind: z.literal('vrf'), vrf: z.object({ table: u32 }).strict() }).strict(),
  dummy: z.object({ ...commonLink, kind: z.literal('dummy') }).strict(),
  ifb: z.object({ ...commonLink, kind: z.literal('ifb') }).strict(),
  nlmon: z.object({ ...commonLink, kind: z.literal('nlmon') }).strict(),
};

const genericLink = z.object({
  ...commonLink,
  kind: z.string().min(1).max(63).regex(/^[A-Za-z0-9_.-]+$/, 'a kind is letters, digits, "_", "." or "-"'),
  infoData: z.array(rawAttribute),
  link: linkSelector.optional(),
}).strict();

const unknownKind = z.object({ kind: z.any() }).passthrough().superRefine((v, ctx) => {
  ctx.addIssue({
    code: z.ZodIssueCode.custom,
    path: ['kind'],
    message: typeof v.kind === 'string'
      ? `unknown link kind "${v.kind}" (typed kinds: ${TYPED_KINDS.join(', ')}); for any other kind pass infoData (raw IFLA_INFO_DATA attributes, [] for none)`
      : 'kind is required',
  });
});

/** The schema for a link spec: chosen by kind; `infoData` selects the generic path. */
export function linkSpecSchema(spec: unknown): z.ZodTypeAny {
  if (spec === null || typeof spec !== 'object') return z.object({}).strict();
  const s = spec as { kind?: unknown; infoData?: unknown };
  if ('infoData' in s) return genericLink;
  if (typeof s.kind === 'string' && Object.prototype.hasOwnProperty.call(kindSchemas, s.kind)) return kindSchemas[s.kind]!;
  return unknownKind;
}

export const linkSettingsSchema = z.object({
  up: z.boolean(), name: linkName, mtu: u32, address: macAddress, broadcast: macAddress, txqlen: u32, group,
  master: z.union([linkSelector, z.null()]), ifalias, promisc: z.boolean(), allmulticast: z.boolean(),
  arp: z.boolean(), gso_max_size: u32, gso_max_segs: u32, gro_max_size: u32, netns: namespaceRef,
  bridge: bridgeOptions, bridge_slave: bridgePortOptions, attributes: z.array(rawAttribute),
}).partial().strict();

// ---- addresses

const scope = z.union([z.enum(['global', 'site', 'link', 'host', 'nowhere']), u8]);
const lifetime = z.union([u32, z.literal('forever')]);

export const addressSpecSchema = z.object({
  dev: linkSelector,
  address: ipPrefix,
  peer: ipPrefix.optional(),
  broadcast: z.union([ipv4, z.literal('+'), z.literal('-')]).optional(),
  anycast: ipAddress.optional(),
  label: z.string().optional(),
  scope: scope.optional(),
  valid_lft: lifetime.optional(),
  preferred_lft: lifetime.optional(),
  metric: u32.optional(),
  protocol: u8.optional(),
  nodad: z.boolean().optional(),
  optimistic: z.boolean().optional(),
  home: z.boolean().optional(),
  mngtmpaddr: z.boolean().optional(),
  noprefixroute: z.boolean().optional(),
  autojoin: z.boolean().optional(),
}).strict().superRefine((v, ctx) => {
  const v6 = v.address.includes(':');
  if (v.peer !== undefined && v.peer.includes(':') !== v6) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['peer'], message: 'peer must be of the same family as address' });
  if (v.broadcast !== undefined && v6) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['broadcast'], message: 'IPv6 has no broadcast addresses' });
  if (v.anycast !== undefined && v.anycast.includes(':') !== v6) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['anycast'], message: 'anycast must be of the same family as address' });
  if (v.label !== undefined) {
    if (v6) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['label'], message: 'labels exist for IPv4 addresses only' });
    else {
      const p = stringLimitProblem('addrLabel', v.label);
      if (p) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['label'], message: `"${v.label}" ${p}` });
    }
  }
  if (v.valid_lft !== undefined && v.preferred_lft !== undefined) {
    const val = v.valid_lft === 'forever' ? Infinity : v.valid_lft;
    const pref = v.preferred_lft === 'forever' ? Infinity : v.preferred_lft;
    if (pref > val) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['preferred_lft'], message: 'preferred_lft must not exceed valid_lft' });
  }
});

export const addressDeleteSchema = z.object({
  dev: linkSelector,
  address: ipPrefix,
  peer: ipPrefix.optional(),
}).strict();

// ---- routes

const table = z.union([z.number().int().min(1).max(0xffffffff), z.enum(['main', 'local', 'default'])]);
const routeType = z.enum(['unicast', 'local', 'broadcast', 'anycast', 'multicast', 'blackhole', 'unreachable', 'prohibit', 'throw', 'nat']);

export const routeMetricsSchema = z.object({
  mtu: u32, window: u32, rtt: u32, rttvar: u32, ssthresh: u32, cwnd: u32, advmss: u32, reordering: u32,
  hoplimit: u8, initcwnd: u32, features: u32, rto_min: u32, initrwnd: u32, quickack: flag01,
  congestion: z.string().min(1).max(15), fastopen_no_cookie: flag01,
  lock: z.array(z.string()),
}).partial().strict();

// The encapsulation's own fields are checked as it is written (route-encap.ts), each named.
const encapSpec = z.object({ type: z.enum(['ip', 'ip6', 'mpls', 'seg6']) }).passthrough();

export const nexthopSchema = z.object({
  via: ipAddress.optional(),
  dev: linkSelector.optional(),
  weight: z.number().int().min(1).max(256).optional(),
  onlink: z.boolean().optional(),
  encap: encapSpec.optional(),
}).strict().refine((n) => n.via !== undefined || n.dev !== undefined, { message: 'a nexthop needs via or dev' });

export const routeSpecSchema = z.object({
  to: routeDestination,
  family: z.union([z.literal(4), z.literal(6), z.literal('inet'), z.literal('inet6')]).optional(),
  via: ipAddress.optional(),
  dev: linkSelector.optional(),
  src: ipAddress.optional(),
  from: ipPrefix.optional(),
  table: table.optional(),
  metric: u32.optional(),
  protocol: z.union([z.string().min(1), u8]).optional(),
  scope: scope.optional(),
  type: routeType.optional(),
  tos: u8.optional(),
  onlink: z.boolean().optional(),
  pref: z.enum(['low', 'medium', 'high']).optional(),
  expires: u32.optional(),
  metrics: routeMetricsSchema.optional(),
  nexthops: z.array(nexthopSchema).min(1).optional(),
  nhid: u32.refine((n) => n > 0, { message: 'nexthop ids start at 1' }).optional(),
  encap: encapSpec.optional(),
}).strict().superRefine((r, ctx) => {
  if (r.nhid !== undefined && (r.via !== undefined || r.dev !== undefined || r.nexthops !== undefined)) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['nhid'], message: 'a route by nhid takes no via, dev or nexthops (the nexthop object has them)' });
  }
  const fam = r.to.includes(':') ? 6 : r.to.startsWith('default') ? undefined : 4;
  const check = (addr: string | undefined, path: string): void => {
    if (addr === undefined || fam === undefined) return;
    if ((addr.includes(':') ? 6 : 4) !== fam) ctx.addIssue({ code: z.ZodIssueCode.custom, path: [path], message: `${path} ${addr} is not of the destination's family (IPv${fam})` });
  };
  check(r.via, 'via');
  check(r.src, 'src');
  if (r.nexthops && (r.via !== undefined || r.dev !== undefined)) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['nexthops'], message: 'give either nexthops or via/dev, not both' });
  }
  if (r.pref !== undefined && fam === 4) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['pref'], message: 'pref exists for IPv6 routes only' });
});

export const routeGetSchema = z.object({
  to: ipAddress,
  from: ipAddress.optional(),
  iif: linkSelector.optional(),
  oif: linkSelector.optional(),
  mark: u32.optional(),
  fibmatch: z.boolean().optional(),
  table: table.optional(),
}).strict();

// ---- neighbours

export const neighbourSpecSchema = z.object({
  dev: linkSelector,
  to: ipAddress,
  lladdr: macAddress.optional(),
  state: z.enum(['permanent', 'reachable', 'stale', 'noarp', 'delay', 'probe', 'failed', 'incomplete', 'none']).optional(),
  router: z.boolean().optional(),
  proxy: z.boolean().optional(),
  extern_learn: z.boolean().optional(),
  protocol: u8.optional(),
}).strict().superRefine((n, ctx) => {
  if (n.proxy && n.lladdr !== undefined) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['lladdr'], message: 'a proxy entry has no lladdr' });
});

export const neighbourDeleteSchema = z.object({
  dev: linkSelector,
  to: ipAddress,
  proxy: z.boolean().optional(),
}).strict();

// ---- namespaces ids

export const nsidSchema = z.union([s32.refine((n) => n >= -1, { message: 'an nsid is -1 (auto) or >= 0' }), z.literal('auto')]);
