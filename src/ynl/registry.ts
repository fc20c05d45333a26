// The families whose tables ship with the library, by name, each loaded on first use (a table
// is large, and a program speaking one family should not parse the others).
import type { FamilyDecl } from '../netlink/spec/types.js';
import { NetlinkFamily } from '../netlink/spec/family.js';
import type { CompileOptions } from '../netlink/spec/compile.js';
import { ValidationError } from '../netlink/errors.js';

interface Entry {
  load: () => Promise<FamilyDecl>;
  /** rtnetlink's tools write nests without NLA_F_NESTED; golden bytes follow them. */
  nestedFlag: CompileOptions['nestedFlag'];
  arrayIndex?: CompileOptions['arrayIndex'];
}

const ENTRIES: Record<string, Entry> = {
  'rt-link': { load: async () => (await import('../rtnl/spec/rt-link.gen.js')).rtLinkSpec, nestedFlag: false },
  'rt-addr': { load: async () => (await import('../rtnl/spec/rt-addr.gen.js')).rtAddrSpec, nestedFlag: false },
  'rt-route': { load: async () => (await import('../rtnl/spec/rt-route.gen.js')).rtRouteSpec, nestedFlag: false },
  'rt-neigh': { load: async () => (await import('../rtnl/spec/rt-neigh.gen.js')).rtNeighSpec, nestedFlag: false },
  'rt-rule': { load: async () => (await import('../rtnl/spec/rt-rule.gen.js')).rtRuleSpec, nestedFlag: false },
  // Declared by hand from the UAPI headers (no kernel spec): nexthop objects and AF_BRIDGE links.
  'rt-nexthop': { load: async () => (await import('../rtnl/spec/nexthop.js')).rtNexthopSpec, nestedFlag: true },
  'rt-bridge': { load: async () => (await import('../rtnl/spec/bridge.js')).rtBridgeSpec, nestedFlag: (_s, a) => a === 'protinfo' },
  nftables: { load: async () => (await import('../nft/spec.gen.js')).nftablesSpec, nestedFlag: true },
  conntrack: { load: async () => (await import('../conntrack/spec.gen.js')).conntrackSpec, nestedFlag: true },
  tc: { load: async () => (await import('../tc/spec.gen.js')).tcSpec, nestedFlag: false },
  nlctrl: { load: async () => (await import('../genl/spec/nlctrl.gen.js')).nlctrlSpec, nestedFlag: true },
  ethtool: { load: async () => (await import('../genl/spec/ethtool.gen.js')).ethtoolSpec, nestedFlag: true },
  netdev: { load: async () => (await import('../genl/spec/netdev.gen.js')).netdevSpec, nestedFlag: true },
  mptcp_pm: { load: async () => (await import('../genl/spec/mptcp-pm.gen.js')).mptcpPmSpec, nestedFlag: true },
  wireguard: { load: async () => (await import('../genl/spec/wireguard.gen.js')).wireguardSpec, nestedFlag: true, arrayIndex: () => 0 },
  tcp_metrics: { load: async () => (await import('../genl/spec/tcp-metrics.gen.js')).tcpMetricsSpec, nestedFlag: true },
};

/** Spec file names (mptcp-pm) are accepted as well as family names (mptcp_pm). */
function key(name: string): string | undefined {
  if (ENTRIES[name]) return name;
  const alt = name.replace(/-/g, '_');
  if (ENTRIES[alt]) return alt;
  const alt2 = name.replace(/_/g, '-');
  return ENTRIES[alt2] ? alt2 : undefined;
}

export const FAMILY_NAMES: readonly string[] = Object.keys(ENTRIES);

const loaded = new Map<string, Promise<NetlinkFamily>>();

/** The compiled family of that name; a ValidationError naming the declared ones otherwise. */
export function loadFamily(name: string): Promise<NetlinkFamily> {
  const k = key(name);
  if (!k) return Promise.reject(new ValidationError('family', `no declared family ${JSON.stringify(name)} (declared: ${FAMILY_NAMES.join(', ')})`));
  let p = loaded.get(k);
  if (!p) {
    const e = ENTRIES[k]!;
    p = e.load().then((decl) => new NetlinkFamily(decl, { nestedFlag: e.nestedFlag, arrayIndex: e.arrayIndex }));
    loaded.set(k, p);
  }
  return p;
}
