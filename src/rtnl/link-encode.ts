// Whole link requests (dump, get, new, set, altnames, delete) and the names of IFLA_*
// attributes for errors that point at one.
import { NLA_F_NESTED, NLM_F_ACK, NLM_F_CREATE, NLM_F_DUMP, NLM_F_EXCL, NLM_F_REQUEST } from '../netlink/constants.js';
import { MessageWriter } from '../netlink/writer.js';
import * as C from './constants.js';
import { type LinkAttrs, writeIfInfoMsg, writeLinkAttrs } from './link-attrs-encode.js';
import { type BridgePortOptions, type KindData, writeBridgePortOptions, writeLinkInfo } from './link-kind-encode.js';

// ---- whole requests

/** Filters the kernel applies itself to a link dump (strict checking). */
export interface LinkDumpFilter {
  kind?: string;
  master?: number;
  /** Include statistics (IFLA_STATS64): off by default, as they are costly for the kernel. */
  stats?: boolean;
  /** Include SR-IOV VF information (RTEXT_FILTER_VF). */
  vf?: boolean;
}

export function extMask(stats?: boolean, vf?: boolean): number {
  return (stats ? 0 : C.RTEXT_FILTER_SKIP_STATS) | (vf ? C.RTEXT_FILTER_VF : 0);
}

/** RTM_GETLINK dump with the kernel-side filters (IFLA_EXT_MASK, IFLA_MASTER, IFLA_LINKINFO/IFLA_INFO_KIND). */
export function encodeLinkDump(filter: LinkDumpFilter = {}, w = new MessageWriter(128)): Uint8Array {
  const start = w.begin(C.RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP);
  writeIfInfoMsg(w, 0);
  w.attrU32(C.IFLA_EXT_MASK, extMask(filter.stats, filter.vf));
  if (filter.master !== undefined) w.attrU32(C.IFLA_MASTER, filter.master);
  if (filter.kind !== undefined) {
    const li = w.nestStart(C.IFLA_LINKINFO | NLA_F_NESTED);
    w.attrString(C.IFLA_INFO_KIND, filter.kind);
    w.nestEnd(li);
  }
  w.end(start);
  return w.copy();
}

/**
 * RTM_GETLINK for one link by index, or by name (IFLA_IFNAME; IFLA_ALT_IFNAME for longer
 * altnames). `targetNetnsid`: the link is looked up in the namespace the socket's namespace
 * knows by that id (IFLA_TARGET_NETNSID, Linux 4.20+; CAP_NET_ADMIN over that namespace), as a
 * veth's IFLA_LINK_NETNSID names its peer's: no socket inside that namespace is needed.
 */
export function encodeGetLink(ref: number | string, opts: { stats?: boolean; vf?: boolean; targetNetnsid?: number } = {}, w = new MessageWriter(128)): Uint8Array {
  const start = w.begin(C.RTM_GETLINK, NLM_F_REQUEST);
  writeIfInfoMsg(w, typeof ref === 'number' ? ref : 0);
  if (typeof ref === 'string') {
    if (new TextEncoder().encode(ref).length < C.IFNAMSIZ) w.attrString(C.IFLA_IFNAME, ref);
    else w.attrString(C.IFLA_ALT_IFNAME, ref);
  }
  if (opts.targetNetnsid !== undefined) w.attrS32(C.IFLA_TARGET_NETNSID, opts.targetNetnsid);
  w.attrU32(C.IFLA_EXT_MASK, extMask(opts.stats, opts.vf));
  w.end(start);
  return w.copy();
}

/** RTM_NEWLINK with NLM_F_CREATE|NLM_F_EXCL (as `ip link add`). */
export function encodeNewLink(attrs: LinkAttrs, kind: KindData, w = new MessageWriter(256)): Uint8Array {
  const start = w.begin(C.RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL);
  writeIfInfoMsg(w, 0, attrs.flags ?? 0, attrs.change ?? 0);
  writeLinkAttrs(w, attrs);
  writeLinkInfo(w, kind);
  w.end(start);
  return w.copy();
}

/** What a set request changes on an existing link, resolved. */
export interface LinkChange extends LinkAttrs {
  /** Kind options to change (IFLA_LINKINFO with the link's own kind). */
  kindData?: KindData;
  /** Bridge port options (IFLA_LINKINFO { IFLA_INFO_SLAVE_KIND "bridge", IFLA_INFO_SLAVE_DATA }). */
  bridgePort?: BridgePortOptions;
}

/** RTM_NEWLINK without NLM_F_CREATE on an existing index (what `ip link set` sends). */
export function encodeSetLink(index: number, c: LinkChange, w = new MessageWriter(256)): Uint8Array {
  const start = w.begin(C.RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK);
  writeIfInfoMsg(w, index, c.flags ?? 0, c.change ?? 0);
  writeLinkAttrs(w, c);
  if (c.kindData) writeLinkInfo(w, c.kindData);
  if (c.bridgePort) {
    const li = w.nestStart(C.IFLA_LINKINFO | NLA_F_NESTED);
    w.attrString(C.IFLA_INFO_SLAVE_KIND, 'bridge');
    const d = w.nestStart(C.IFLA_INFO_SLAVE_DATA | NLA_F_NESTED);
    writeBridgePortOptions(w, c.bridgePort);
    w.nestEnd(d);
    w.nestEnd(li);
  }
  w.end(start);
  return w.copy();
}

/** RTM_NEWLINKPROP / RTM_DELLINKPROP: add or remove alternative names (`ip link property add dev X altname Y`). */
export function encodeLinkAltNames(op: 'add' | 'delete', index: number, names: readonly string[], w = new MessageWriter(128)): Uint8Array {
  const start = w.begin(op === 'add' ? C.RTM_NEWLINKPROP : C.RTM_DELLINKPROP, NLM_F_REQUEST | NLM_F_ACK | (op === 'add' ? NLM_F_CREATE | NLM_F_EXCL : 0));
  writeIfInfoMsg(w, index);
  const pl = w.nestStart(C.IFLA_PROP_LIST | NLA_F_NESTED);
  for (const n of names) w.attrString(C.IFLA_ALT_IFNAME, n);
  w.nestEnd(pl);
  w.end(start);
  return w.copy();
}

/** RTM_DELLINK by index, or by group (index 0 + IFLA_GROUP: all links of the group at once). */
export function encodeDelLink(target: { index: number } | { group: number }, w = new MessageWriter(64)): Uint8Array {
  const start = w.begin(C.RTM_DELLINK, NLM_F_REQUEST | NLM_F_ACK);
  writeIfInfoMsg(w, 'index' in target ? target.index : 0);
  if ('group' in target) w.attrU32(C.IFLA_GROUP, target.group);
  w.end(start);
  return w.copy();
}

// ---- attribute names for errors

const IFLA_NESTED_PREFIXES = ['IFLA_INET_', 'IFLA_INET6_', 'IFLA_BR_', 'IFLA_BRPORT_', 'IFLA_INFO_', 'IFLA_VLAN_',
  'IFLA_MACVLAN_', 'IFLA_VXLAN_', 'IFLA_BOND_', 'IFLA_VRF_'];

const INFO_DATA_PREFIX: Record<string, string> = {
  bridge: 'IFLA_BR_', vxlan: 'IFLA_VXLAN_', macvlan: 'IFLA_MACVLAN_', macvtap: 'IFLA_MACVLAN_', vlan: 'IFLA_VLAN_',
  bond: 'IFLA_BOND_', vrf: 'IFLA_VRF_', veth: 'VETH_INFO_',
};

/** Name of a top-level IFLA_* attribute type. */
export function linkAttributeName(t: number): string {
  return C.constantName('IFLA_', t, IFLA_NESTED_PREFIXES) ?? `IFLA attribute ${t}`;
}

/**
 * Names for the attribute path the kernel's extended ACK points at in a link request, e.g.
 * [18, 2, 1] with kind vxlan -> "IFLA_LINKINFO/IFLA_INFO_DATA/IFLA_VXLAN_ID".
 */
export function describeLinkAttribute(path: number[], kind?: string): string | undefined {
  if (!path.length) return undefined;
  const names = [linkAttributeName(path[0]!)];
  if (path[0] === C.IFLA_LINKINFO && path.length > 1) {
    names.push(C.constantName('IFLA_INFO_', path[1]!) ?? String(path[1]));
    if (path.length > 2) {
      if (path[1] === C.IFLA_INFO_DATA) {
        const prefix = kind ? INFO_DATA_PREFIX[kind] : undefined;
        names.push((prefix && C.constantName(prefix, path[2]!)) ?? String(path[2]));
        // Inside VETH_INFO_PEER come the peer's own IFLA_* attributes.
        if (kind === 'veth' && path.length > 3) names.push(linkAttributeName(path[3]!));
      } else if (path[1] === C.IFLA_INFO_SLAVE_DATA) {
        names.push(C.constantName('IFLA_BRPORT_', path[2]!) ?? String(path[2]));
      } else {
        names.push(...path.slice(2).map(String));
      }
    }
  } else {
    names.push(...path.slice(1).map(String));
  }
  return names.join('/');
}
