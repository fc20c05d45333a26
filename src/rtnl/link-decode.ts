// Decoding RTM_NEWLINK/DELLINK into Link: struct ifinfomsg, the top-level IFLA_* attributes and
// IFLA_LINKINFO are decoded by the rt-link tables (link-decode-spec.ts, the generic codec); this
// file presents them as `ip -j -d` does (keys, value formats, derived fields), the kinds' data in
// link-kind-decode.ts, and resolves names of the links one refers to.
import { NetlinkDecodeError } from '../netlink/errors.js';
import { formatHardwareAddress } from '../netlink/address.js';
import type { MessageRef } from '../netlink/message.js';
import { NetlinkBuffer, type RawAttribute } from '../netlink/reader.js';
import type { CompiledSet } from '../netlink/spec/compile.js';
import * as C from './constants.js';
import type { BridgePortInfoData, Link, LinkInfo, LinkStats64, OtherLinkInfo, RawInfoData, VxlanInfoData } from './link-types.js';
import { ADDR_GEN_MODES, HEX2, groupName, linkFlagNames } from './link-format.js';
import { kindSet } from './link-kinds.js';
import { kindInfoDataJson } from './link-kinds-print.js';
import { RAW_SET, linkAttrsView, linkDecodeFamily } from './link-decode-spec.js';
import { presentBridgeData, presentBridgePortData, presentMacvlanData, presentVlanData, presentVxlanData } from './link-kind-decode.js';

/** struct ifinfomsg. */
export interface IfInfoMsg {
  family: number;
  type: number;
  index: number;
  flags: number;
  change: number;
}

export function decodeIfInfoMsg(buf: NetlinkBuffer, off: number, end: number): IfInfoMsg {
  if (end - off < C.IFINFOMSG_LEN) throw new NetlinkDecodeError(`ifinfomsg needs ${C.IFINFOMSG_LEN} bytes, ${end - off} remain`, off);
  const h = linkDecodeFamily().struct('ifinfomsg').decode(buf, off, C.IFINFOMSG_LEN);
  return {
    family: h['ifi-family'] as number, type: h['ifi-type'] as number, index: h['ifi-index'] as number,
    flags: h['ifi-flags'] as number, change: h['ifi-change'] as number,
  };
}

export interface DecodeLinkOptions {
  /**
   * Decode IFLA_STATS64 into stats64. The kernel sends link statistics in every reply
   * (RTEXT_FILTER_SKIP_STATS only drops per-VF statistics), so without this option they are
   * skipped here: not decoded, not copied into raw.
   */
  stats?: boolean;
}

/** Decode one RTM_NEWLINK/RTM_DELLINK message. */
export function decodeLink(m: MessageRef, opts: DecodeLinkOptions = {}): Link {
  return decodeLinkAt(m.buf, m.payloadStart, m.end, m.type === C.RTM_DELLINK ? 'dellink' : 'newlink', opts);
}

type Attrs = Record<string, unknown>;
type Present = (link: Link, v: unknown, len: number) => void;
const mac = (v: unknown): string => (typeof v === 'string' ? v : formatHardwareAddress(v as Uint8Array));
const hex = (v: unknown): string => { const b = v as Uint8Array; let s = ''; for (let i = 0; i < b.length; i++) s += HEX2[b[i]!]; return s; };

/** Attributes ip shows as they come, under its own key: [spec name, Link key]. */
const PLAIN: [string, keyof Link][] = [
  ['ifname', 'ifname'], ['mtu', 'mtu'], ['qdisc', 'qdisc'], ['txqlen', 'txqlen'],
  ['link-netnsid', 'link_netnsid'], ['promiscuity', 'promiscuity'], ['allmulti', 'allmulti'],
  ['min-mtu', 'min_mtu'], ['max-mtu', 'max_mtu'], ['num-tx-queues', 'num_tx_queues'],
  ['num-rx-queues', 'num_rx_queues'], ['gso-max-size', 'gso_max_size'],
  ['gso-max-segs', 'gso_max_segs'], ['tso-max-size', 'tso_max_size'], ['tso-max-segs', 'tso_max_segs'],
  ['gro-max-size', 'gro_max_size'], ['gso-ipv4-max-size', 'gso_ipv4_max_size'],
  ['gro-ipv4-max-size', 'gro_ipv4_max_size'], ['phys-port-name', 'phys_port_name'],
  ['parent-dev-bus-name', 'parentbus'], ['parent-dev-name', 'parentdev'], ['ifalias', 'ifalias'],
  ['carrier', 'carrier'], ['carrier-changes', 'carrier_changes'],
  ['carrier-up-count', 'carrier_up_count'], ['carrier-down-count', 'carrier_down_count'],
  ['new-netnsid', 'new_netnsid'], ['new-ifindex', 'new_ifindex'],
];

/** How each attribute of the top-level view is shown on Link (ip's key, ip's format). */
const LINK: Record<string, Present> = {
  ...Object.fromEntries(PLAIN.map(([name, key]) => [name, (l: Link, v: unknown) => { (l as unknown as Record<string, unknown>)[key] = v; }])),
  address: (l, v) => { l.address = mac(v); },
  broadcast: (l, v) => { l.broadcast = mac(v); },
  'perm-address': (l, v) => { l.permaddr = mac(v); },
  link: (l, v) => { if (v === 0) l.link = null; else l.link_index = v as number; },
  master: (l, v) => { l.master = l.master_index = v as number; },
  operstate: (l, v) => {
    const s = v as number;
    if (s < C.OPERSTATE_NAMES.length) l.operstate = C.OPERSTATE_NAMES[s];
    else l.operstate_index = s;
  },
  linkmode: (l, v) => {
    const s = v as number;
    if (s < C.LINKMODE_NAMES.length) l.linkmode = C.LINKMODE_NAMES[s];
    else l.linkmode_index = s;
  },
  group: (l, v) => { l.group = groupName(v as number); },
  'proto-down': (l, v) => { if (v) l.proto_down = true; },
  'phys-port-id': (l, v) => { l.phys_port_id = hex(v); },
  'phys-switch-id': (l, v) => { l.phys_switch_id = hex(v); },
  linkinfo: (l, v) => { l.linkinfo = presentLinkInfo(v as Attrs); },
  // Read past unless statistics were asked for (link-decode-spec.ts: a skipped attribute reads as true).
  stats64: (l, v, len) => { if (v !== true) l.stats64 = presentStats64(v as Attrs, len); },
  stats: () => undefined, // the 32-bit copy of IFLA_STATS64
};

interface Presenter { name: string; show: Present }
const presenterCache = new WeakMap<CompiledSet, Presenter[]>();
const seen = new Uint8Array(128); // by type; presenters exist for types below 128 only

/** The view's presenters indexed by attribute type (undefined: kept raw). */
function presenters(view: CompiledSet): Presenter[] {
  let p = presenterCache.get(view);
  if (!p) {
    p = [];
    for (const a of view.attrs) p[a.type] = { name: a.name, show: LINK[a.name]! };
    presenterCache.set(view, p);
  }
  return p;
}

/** Decode an ifinfomsg and its attributes in [off, end) (also used for VETH_INFO_PEER). */
export function decodeLinkAt(buf: NetlinkBuffer, off: number, end: number, msg: 'newlink' | 'dellink' = 'newlink', opts: DecodeLinkOptions = {}): Link {
  const ifi = decodeIfInfoMsg(buf, off, end);
  const link: Link = {
    msg,
    ifindex: ifi.index,
    ifname: '',
    flags: linkFlagNames(ifi.flags),
    link_type: C.ARPHRD_NAMES.get(ifi.type) ?? `[${ifi.type}]`,
    raw: [],
  };
  const start = off + C.IFINFOMSG_LEN;
  const view = linkAttrsView(opts.stats === true);
  const d = view.decode(buf, start, end, 1);
  const raw = (d.$raw ?? []) as RawAttribute[];
  const byType = presenters(view);
  let next = 0;
  // Fields are set in the order the attributes came (ip's JSON and Link's keys follow it);
  // attributes the view leaves out arrive in raw in that order too. The codec has checked
  // every length already: this pass reads only the headers, to learn the order.
  const view16 = buf.view;
  seen.fill(0);
  for (let pos = start; end - pos >= 4;) {
    const len = view16.getUint16(pos, true);
    const type = view16.getUint16(pos + 2, true) & 0x3fff;
    const p = type < byType.length ? byType[type] : undefined; // byType.length <= 128
    if (p === undefined) presentRaw(link, raw[next++]!, buf, pos + 4, len - 4);
    else if (seen[type] === 0) {
      // A repeated attribute is shown once, where it first came, with its last value (the codec's).
      seen[type] = 1;
      p.show(link, d[p.name], len - 4);
    }
    pos += (len + 3) & ~3;
  }
  if (link.ifname === '' && !('ifname' in d) && msg === 'newlink' && start < end) link.ifname = `if${ifi.index}`;
  if (link.stats64 && link.carrier_changes !== undefined) link.stats64.tx.carrier_changes = link.carrier_changes;
  return link;
}

/** An attribute the view keeps raw: most stay in Link.raw; a few are shown from their bytes. */
function presentRaw(link: Link, r: RawAttribute, buf: NetlinkBuffer, off: number, len: number): void {
  switch (r.type) {
    case C.IFLA_PROP_LIST: {
      const p = linkDecodeFamily().view('link-attrs', ['alt-ifname']).decode(buf, off, off + len, 2);
      link.altnames = (p['alt-ifname'] as string[] | undefined) ?? [];
      // raw holds attributes of this level only: a property list with more than altnames
      // is kept whole, so nothing of it is lost or lands at the wrong level.
      if (p.$raw) link.raw.push(r);
      return;
    }
    case C.IFLA_AF_SPEC: {
      const a = linkDecodeFamily().set('af-spec-attrs').decode(buf, off, off + len, 2) as { inet6?: { 'addr-gen-mode'?: number } };
      const mode = a.inet6?.['addr-gen-mode'];
      if (mode !== undefined) link.inet6_addr_gen_mode = ADDR_GEN_MODES[mode] ?? `0x${HEX2[mode]}`;
      // The AF_SPEC nest carries much more (IPv4/IPv6 devconf arrays): keep it whole.
      link.raw.push(r);
      return;
    }
    default: link.raw.push(r);
  }
}

function presentStats64(s: Attrs, len: number): LinkStats64 | undefined {
  if (len < 23 * 8) return undefined;
  // Counters past the end of an older kernel's struct read as 0.
  const f = (k: string): number => Number((s[k] as bigint | undefined) ?? 0n);
  return {
    rx: {
      bytes: f('rx-bytes'), packets: f('rx-packets'), errors: f('rx-errors'), dropped: f('rx-dropped'), over_errors: f('rx-over-errors'),
      multicast: f('multicast'), compressed: f('rx-compressed'), length_errors: f('rx-length-errors'), crc_errors: f('rx-crc-errors'),
      frame_errors: f('rx-frame-errors'), fifo_errors: f('rx-fifo-errors'), missed_errors: f('rx-missed-errors'),
      nohandler: f('rx-nohandler'), otherhost: f('rx-otherhost-dropped'),
    },
    tx: {
      bytes: f('tx-bytes'), packets: f('tx-packets'), errors: f('tx-errors'), dropped: f('tx-dropped'), carrier_errors: f('tx-carrier-errors'),
      collisions: f('collisions'), compressed: f('tx-compressed'), aborted_errors: f('tx-aborted-errors'), fifo_errors: f('tx-fifo-errors'),
      window_errors: f('tx-window-errors'), heartbeat_errors: f('tx-heartbeat-errors'),
    },
  };
}

function presentLinkInfo(d: Attrs): LinkInfo {
  const info: OtherLinkInfo = {};
  for (const k in d) {
    if (k === 'kind') info.info_kind = d.kind as string;
    else if (k === 'slave-kind') info.info_slave_kind = d['slave-kind'] as string;
    else if (k === '$raw') info.raw = d.$raw as RawAttribute[];
  }
  const data = d.data;
  if (data !== undefined) info.info_data = presentInfoData(info.info_kind, data) as RawInfoData;
  const slave = d['slave-data'];
  if (slave !== undefined) {
    info.info_slave_data = slave instanceof Uint8Array ? { raw: rawList(slave) } : presentBridgePortData(slave as Attrs);
  }
  return info;
}

/** IFLA_INFO_DATA: ip's vocabulary for the kinds it has one for, the spec's names for other declared kinds, else raw. */
function presentInfoData(kind: string | undefined, v: unknown): unknown {
  // The sub-message tables hold a set for every declared kind; anything else arrives as bytes.
  if (v instanceof Uint8Array || kind === undefined) return { raw: rawList(v as Uint8Array) };
  const d = v as Attrs;
  switch (kind) {
    case 'bridge': return presentBridgeData(d);
    case 'vxlan': return presentVxlanData(d);
    case 'macvlan': case 'macvtap': return presentMacvlanData(d);
    case 'vlan': return presentVlanData(d);
    default: return kindSet(kind) ? kindInfoDataJson(kind, d) : { raw: rawList(v as Uint8Array) };
  }
}

/** The attributes of a payload the tables do not declare, whole. */
function rawList(bytes: Uint8Array): RawAttribute[] {
  return (linkDecodeFamily().set(RAW_SET).decode(new NetlinkBuffer(bytes), 0, bytes.length, 3).$raw ?? []) as RawAttribute[];
}

// ---- names of other links

/** What resolveLinkNames needs to know about another link in the same namespace. */
export interface LinkRef {
  name: string;
  up: boolean;
}

/**
 * Replace indexes by names the way ip does: master -> name (kept as the index when unknown),
 * link -> name or "ifN", M-DOWN added when the same-namespace lower link is not up (or
 * unknown), vxlan's link and a bridge port's backup_port -> name.
 */
export function resolveLinkNames(link: Link, lookup: (ifindex: number) => LinkRef | undefined): Link {
  if (link.master_index !== undefined) {
    const m = lookup(link.master_index);
    if (m) link.master = m.name;
  }
  if (link.link_index !== undefined && link.link_netnsid === undefined) {
    const l = lookup(link.link_index);
    link.link = l ? l.name : `if${link.link_index}`;
    if ((!l || !l.up) && !link.flags.includes('M-DOWN')) link.flags.push('M-DOWN');
  }
  const info = link.linkinfo;
  if (info?.info_kind === 'vxlan' && info.info_data && typeof (info.info_data as VxlanInfoData).link === 'number') {
    const l = lookup((info.info_data as VxlanInfoData).link as number);
    if (l) (info.info_data as VxlanInfoData).link = l.name;
  }
  const slave = info?.info_slave_data as BridgePortInfoData | undefined;
  if (info?.info_slave_kind === 'bridge' && slave && typeof slave.backup_port === 'number') {
    const l = lookup(slave.backup_port);
    if (l) slave.backup_port = l.name;
  }
  return link;
}

/** Indexes of other links a decoded link refers to (what resolveLinkNames will look up). */
export function referencedIndexes(link: Link): number[] {
  const out: number[] = [];
  if (link.master_index !== undefined) out.push(link.master_index);
  if (link.link_index !== undefined && link.link_netnsid === undefined) out.push(link.link_index);
  const d = link.linkinfo?.info_data as VxlanInfoData | undefined;
  if (link.linkinfo?.info_kind === 'vxlan' && typeof d?.link === 'number') out.push(d.link);
  const s = link.linkinfo?.info_slave_data as BridgePortInfoData | undefined;
  if (typeof s?.backup_port === 'number') out.push(s.backup_port);
  return out;
}
