// The tables the link decoder (link-decode.ts) runs RTM_NEWLINK through: rt-link's declaration
// with its corrections (link-kinds.ts), narrowed to the attributes `ip -j -d` shows. An
// attribute left out of a set is not lost: the generic codec keeps it raw (type, flags and
// bytes as on the wire), which is what Link's `raw` lists hold. Narrowing is also what keeps a
// dump cheap: the IPv6 devconf and statistics inside IFLA_AF_SPEC, IFLA_STATS and the 32-bit
// counters are never decoded into objects nobody reads.
import { NetlinkFamily } from '../netlink/spec/family.js';
import type { AttrDecl, Definition, FamilyDecl, SubMessageFormat } from '../netlink/spec/types.js';
import { KIND_SETS, rtLinkFixedDecl } from './link-kinds.js';
import type { CompiledSet } from '../netlink/spec/compile.js';

/** Top-level IFLA_* shown as Link fields (IFLA_PROP_LIST and IFLA_AF_SPEC stay in raw too: see link-decode.ts). */
const LINK_NAMES = [
  'address', 'broadcast', 'ifname', 'mtu', 'link', 'qdisc', 'master', 'txqlen', 'operstate', 'linkmode', 'linkinfo',
  'ifalias', 'group', 'promiscuity', 'num-tx-queues', 'num-rx-queues', 'carrier', 'phys-port-id', 'carrier-changes',
  'phys-switch-id', 'link-netnsid', 'phys-port-name', 'proto-down', 'gso-max-segs', 'gso-max-size', 'new-netnsid',
  'carrier-up-count', 'carrier-down-count', 'new-ifindex', 'min-mtu', 'max-mtu', 'perm-address', 'parent-dev-name',
  'parent-dev-bus-name', 'gro-max-size', 'tso-max-size', 'tso-max-segs', 'allmulti', 'gso-ipv4-max-size', 'gro-ipv4-max-size',
] as const;

/** Per set: the attributes presented (the rest stay raw). Sets not named here are used whole. */
const SHOWN: Record<string, readonly string[]> = {
  // IFLA_INFO_XSTATS stays raw (info.raw).
  'linkinfo-attrs': ['kind', 'data', 'slave-kind', 'slave-data'],
  'linkinfo-bridge-attrs': [
    'forward-delay', 'hello-time', 'max-age', 'ageing-time', 'stp-state', 'priority', 'vlan-filtering', 'vlan-protocol',
    'group-fwd-mask', 'root-id', 'bridge-id', 'root-port', 'root-path-cost', 'topology-change', 'topology-change-detected',
    'hello-timer', 'tcn-timer', 'topology-change-timer', 'gc-timer', 'group-addr', 'mcast-router', 'mcast-snooping',
    'mcast-query-use-ifaddr', 'mcast-querier', 'mcast-hash-elasticity', 'mcast-hash-max', 'mcast-last-member-cnt',
    'mcast-startup-query-cnt', 'mcast-last-member-intvl', 'mcast-membership-intvl', 'mcast-querier-intvl',
    'mcast-query-intvl', 'mcast-query-response-intvl', 'mcast-startup-query-intvl', 'nf-call-iptables',
    'nf-call-ip6-tables', 'nf-call-arptables', 'vlan-default-pvid', 'vlan-stats-enabled', 'mcast-stats-enabled',
    'mcast-igmp-version', 'mcast-mld-version', 'vlan-stats-per-port',
    // multi-boolopt stays raw here: it is shown from its raw copy, which stays in raw when it
    // carries options ip does not print (link-kind-decode.ts).
  ],
  'linkinfo-brport-attrs': [
    'state', 'priority', 'cost', 'mode', 'guard', 'protect', 'fast-leave', 'learning', 'unicast-flood', 'proxyarp',
    'proxyarp-wifi', 'root-id', 'bridge-id', 'designated-port', 'designated-cost', 'id', 'no', 'topology-change-ack',
    'config-pending', 'message-age-timer', 'forward-delay-timer', 'hold-timer', 'multicast-router', 'mcast-flood',
    'mcast-to-ucast', 'vlan-tunnel', 'bcast-flood', 'group-fwd-mask', 'neigh-suppress', 'isolated', 'backup-port', 'locked',
  ],
  'linkinfo-vlan-attrs': ['id', 'protocol'],
  'linkinfo-vxlan-attrs': [
    'id', 'group', 'link', 'local', 'ttl', 'tos', 'learning', 'ageing', 'limit', 'port-range', 'proxy', 'rsc', 'l2miss',
    'l3miss', 'port', 'group6', 'local6', 'udp-csum', 'udp-zero-csum6-tx', 'udp-zero-csum6-rx', 'remcsum-tx', 'remcsum-rx',
    'gbp', 'collect-metadata', 'label', 'gpe', 'ttl-inherit', 'df', 'vnifilter',
  ],
  'linkinfo-macvlan-attrs': ['mode', 'flags', 'macaddr-data', 'macaddr-count', 'bc-queue-len', 'bc-queue-len-used'],
};

/**
 * Attributes read past: declared as flags, which the codec takes as "present" without copying
 * or decoding their bytes. IFLA_AF_SPEC stays whole in raw and is read only for IPv6's address
 * generation mode (its devconf arrays and statistics are a dozen copies per link otherwise);
 * IFLA_STATS is the 32-bit copy of IFLA_STATS64, which is read only when asked for.
 */
const SKIPPED: Record<string, readonly string[]> = {
  'af-spec-attrs': ['inet', 'mctp'],
  'ifla6-attrs': ['flags', 'conf', 'stats', 'mcast', 'cacheinfo', 'icmp6-stats', 'token', 'ra-mtu'],
  'link-attrs': ['stats'],
};
/** The top-level set when statistics are not asked for. */
const LINK_NO_STATS = 'netlinkts-link-attrs-no-stats';

/** Kinds whose IFLA_INFO_SLAVE_DATA is shown; others' stays raw. */
const SLAVE_SETS: Readonly<Record<string, string>> = { bridge: 'linkinfo-brport-attrs' };

/** The decoder reads ifinfomsg's flags as bits (ip names and orders them itself: linkFlagNames). */
const HEADER_DEFS: Record<string, Definition> = {
  ifinfomsg: {
    type: 'struct',
    members: [
      { name: 'ifi-family', type: 'u8' }, { name: 'pad', type: 'pad', len: 1 }, { name: 'ifi-type', type: 'u16' },
      { name: 'ifi-index', type: 's32' }, { name: 'ifi-flags', type: 'u32' }, { name: 'ifi-change', type: 'u32' },
    ],
  },
};

/** An attribute set with no attributes: everything in it is kept raw (info_data of other kinds). */
export const RAW_SET = 'netlinkts-raw-attrs';

function decodeDecl(): FamilyDecl {
  const base = rtLinkFixedDecl();
  const sets: Record<string, readonly AttrDecl[]> = { ...base.attributeSets, [RAW_SET]: [] };
  for (const [name, shown] of Object.entries(SHOWN)) {
    const all = sets[name]!;
    const missing = shown.filter((n) => !all.some((a) => a.name === n));
    if (missing.length) throw new Error(`rt-link ${name} has no ${missing.join(', ')}`);
    sets[name] = all.filter((a) => shown.includes(a.name));
  }
  const skip = (a: AttrDecl): AttrDecl => ({ name: a.name, value: a.value, type: 'flag' });
  for (const [name, skipped] of Object.entries(SKIPPED)) {
    const missing = skipped.filter((n) => !sets[name]!.some((a) => a.name === n));
    if (missing.length) throw new Error(`rt-link ${name} has no ${missing.join(', ')}`);
    sets[name] = sets[name]!.map((a) => (skipped.includes(a.name) ? skip(a) : a));
  }
  sets[LINK_NO_STATS] = sets['link-attrs']!.map((a) => (a.name === 'stats64' ? skip(a) : a));
  const fmt = (table: Readonly<Record<string, string>>): SubMessageFormat[] =>
    Object.entries(table).map(([value, attributeSet]) => ({ value, attributeSet }));
  return {
    ...base,
    definitions: { ...base.definitions, ...HEADER_DEFS },
    attributeSets: sets,
    subMessages: { ...base.subMessages, 'linkinfo-data-msg': fmt(KIND_SETS), 'linkinfo-member-data-msg': fmt(SLAVE_SETS) },
  };
}

let family: NetlinkFamily | undefined;
let views: { plain: CompiledSet; stats: CompiledSet } | undefined;

/** The decoder's family (compiled on first use, each set on its own first use). */
export function linkDecodeFamily(): NetlinkFamily {
  family ??= new NetlinkFamily(decodeDecl(), { nestedFlag: false });
  return family;
}

/** The top-level set as Link shows it, with IFLA_STATS64 decoded or (plain) read past. */
export function linkAttrsView(stats: boolean): CompiledSet {
  const f = linkDecodeFamily();
  const names = [...LINK_NAMES, 'stats', 'stats64'];
  views ??= { plain: f.view(LINK_NO_STATS, names), stats: f.view('link-attrs', names) };
  return stats ? views.stats : views.plain;
}
