// The links of a dump, decoded for printing, fast enough for a short-lived process.
//
// Why not rtnl's decodeLink: it keeps every attribute it does not interpret (raw copies,
// needed for round trips) and dispatches on module-namespace constants, which V8 cannot turn
// into a jump table. In a cold CLI process that costs ~4x the time of this decoder (profiled:
// dump-links --json over 2,000 veths spent most of its time in decodeLink's callback, the raw
// copies and the garbage they make). This decoder produces the same Link fields that the CLI
// prints (test/cli-links-decode.test.ts checks that linkJson() of both agrees on real dumps),
// reuses rtnl's value tables and kind decoders, switches on literal attribute numbers (a jump
// table even in the interpreter) and copies nothing. Nothing here is new protocol knowledge:
// the layouts and value formats are rtnl's (src/rtnl/link.ts).
import { NLM_F_DUMP_FILTERED } from '../netlink/constants.js';
import { NetlinkDecodeError, NetlinkError } from '../netlink/errors.js';
import { formatHardwareAddress } from '../netlink/address.js';
import type { MessageRef } from '../netlink/message.js';
import type { NetlinkBuffer } from '../netlink/reader.js';
import type { NetlinkSocket, RequestOptions } from '../netlink/socket.js';
import { ARPHRD_NAMES, LINKMODE_NAMES, OPERSTATE_NAMES } from '../rtnl/constants.js';
import {
  decodeBridgeData, decodeBridgePortData, decodeMacvlanData, decodeVlanData, decodeVxlanData, encodeGetLink,
  encodeLinkDump, linkFlagNames, referencedIndexes, resolveLinkNames, type Link, type LinkInfo, type LinkRef,
  type RawInfoData,
} from '../rtnl/link.js';
import { linkInfoJson, type PeerInfo } from './link-format.js';

// Attribute numbers (linux/if_link.h) are written as literals in the switches below, each
// with its name: literal cases compile to a jump table even in the interpreter, while cases on
// imported constants are compared one by one (const enums are not inlined across our
// isolated-module build).
const RTM_NEWLINK = 16;
const RTM_DELLINK = 17;
const IFINFOMSG_LEN = 16;
const AF_INET6 = 10;
const IFLA_INET6_ADDR_GEN_MODE = 8;
const ADDR_GEN_MODES = ['eui64', 'none', 'stable_secret', 'random'];
/** ifi_flags -> ip's names: a dump has few distinct values. */
const FLAG_NAMES = new Map<number, string[]>();
const NO_RAW: Link['raw'] = [];
const HEX2 = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

function short(what: string, len: number, off: number): NetlinkDecodeError {
  return new NetlinkDecodeError(`${what} attribute has ${len} bytes`, off);
}

const utf8 = new TextDecoder();

/** A string up to the first NUL or the payload's end (ASCII without TextDecoder). */
function str(b: Uint8Array, off: number, len: number): string {
  const max = off + len;
  let s = '';
  for (let i = off; i < max; i++) {
    const c = b[i]!;
    if (c === 0) return s;
    if (c >= 0x80) {
      let end = i;
      while (end < max && b[end] !== 0) end++;
      return utf8.decode(b.subarray(off, end));
    }
    s += String.fromCharCode(c);
  }
  return s;
}

function hex(b: Uint8Array, off: number, len: number): string {
  let s = '';
  for (let i = 0; i < len; i++) s += HEX2[b[off + i]!];
  return s;
}

/** Walk [start, end) calling visit(type, payloadOff, payloadLen); bounds checked as the codec does. */
function walk(view: DataView, b: Uint8Array, start: number, end: number, visit: (type: number, o: number, l: number) => void): void {
  let pos = start;
  while (end - pos >= 4) {
    const len = view.getUint16(pos, true);
    if (len < 4) throw new NetlinkDecodeError(`attribute length ${len} is below the 4-byte header`, pos);
    if (len > end - pos) throw new NetlinkDecodeError(`attribute type ${view.getUint16(pos + 2, true) & 0x3fff} claims ${len} bytes, only ${end - pos} remain`, pos);
    visit(view.getUint16(pos + 2, true) & 0x3fff, pos + 4, len - 4);
    pos += (len + 3) & ~3;
  }
  for (; pos < end; pos++) if (b[pos] !== 0) throw new NetlinkDecodeError(`${end - pos} trailing bytes after the last attribute`, pos);
}

function linkInfo(buf: NetlinkBuffer, off: number, len: number): LinkInfo {
  const { view, bytes } = buf;
  const info: LinkInfo = {};
  let dOff = -1, dLen = 0, sOff = -1, sLen = 0;
  walk(view, bytes, off, off + len, (t, o, l) => {
    switch (t) {
      case 1 /* IFLA_INFO_KIND */: info.info_kind = str(bytes, o, l); break;
      case 4 /* IFLA_INFO_SLAVE_KIND */: info.info_slave_kind = str(bytes, o, l); break;
      case 2 /* IFLA_INFO_DATA */: dOff = o; dLen = l; break;
      case 5 /* IFLA_INFO_SLAVE_DATA */: sOff = o; sLen = l; break;
      default: break;
    }
  });
  if (dOff >= 0) {
    switch (info.info_kind) {
      case 'bridge': info.info_data = decodeBridgeData(buf, dOff, dLen) as RawInfoData; break;
      case 'vxlan': info.info_data = decodeVxlanData(buf, dOff, dLen) as RawInfoData; break;
      case 'macvlan': case 'macvtap': info.info_data = decodeMacvlanData(buf, dOff, dLen) as RawInfoData; break;
      case 'vlan': info.info_data = decodeVlanData(buf, dOff, dLen) as RawInfoData; break;
      // Other kinds' data is shown only by --raw (rtnl keeps it as raw attributes).
      default: walk(view, bytes, dOff, dOff + dLen, () => {}); break;
    }
  }
  if (sOff >= 0 && info.info_slave_kind === 'bridge') info.info_slave_data = decodeBridgePortData(buf, sOff, sLen);
  return info;
}

function addrGenMode(buf: NetlinkBuffer, off: number, len: number): string | undefined {
  let mode: string | undefined;
  walk(buf.view, buf.bytes, off, off + len, (family, o, l) => {
    if (family !== AF_INET6) return;
    walk(buf.view, buf.bytes, o, o + l, (t, o2, l2) => {
      if (t !== IFLA_INET6_ADDR_GEN_MODE) return;
      if (l2 < 1) throw short('u8', l2, o2);
      const v = buf.bytes[o2]!;
      mode = ADDR_GEN_MODES[v] ?? `0x${HEX2[v]}`;
    });
  });
  return mode;
}

// Kind of each IFLA_* attribute the printer uses: 1 a 32-bit integer, 2 anything else.
// The decoder is split into small functions on purpose: V8 optimizes a function by itself
// in the background, and one big decoder took the optimizing compiler longer than the whole
// dump of 2,000 links (--trace-opt: 250 ms on a busy machine), competing for the CPU.
const KIND = new Uint8Array(128);
for (const t of [4, 5, 10, 13, 27, 37, 30, 61, 50, 51, 31, 32, 41, 40, 59, 60, 58, 63, 64, 35, 47, 48, 45, 49]) KIND[t] = 1;
for (const t of [3, 1, 2, 54, 6, 20, 38, 57, 56, 34, 36, 16, 17, 39, 33, 18, 26, 52]) KIND[t] = 2;

/** The link object, with every field the decoder may set declared up front. */
function newLink(m: MessageRef, view: DataView, off: number): PrintLink {
  const type = view.getUint16(off + 2, true);
  const ifiFlags = view.getUint32(off + 8, true);
  let flags = FLAG_NAMES.get(ifiFlags);
  if (!flags) FLAG_NAMES.set(ifiFlags, (flags = linkFlagNames(ifiFlags)));
  // One object shape for all links (property stores stay monomorphic and in-object), its
  // keys in the order `ip -j -d link show` prints them, then the CLI's additions, then what
  // the printer clears before printing: see printLinkJson, which hands it to JSON.stringify.
  const link: PrintLink = {
    ifindex: view.getInt32(off + 4, true),
    link: undefined,
    link_index: undefined,
    ifname: '',
    // A copy: name resolution appends M-DOWN to it.
    flags: flags.slice(),
    mtu: undefined,
    qdisc: undefined,
    master: undefined,
    operstate: undefined,
    operstate_index: undefined,
    linkmode: undefined,
    group: undefined,
    txqlen: undefined,
    link_type: ARPHRD_NAMES.get(type) ?? `[${type}]`,
    address: undefined,
    link_pointtopoint: undefined,
    broadcast: undefined,
    permaddr: undefined,
    link_netnsid: undefined,
    proto_down: undefined,
    promiscuity: undefined,
    allmulti: undefined,
    min_mtu: undefined,
    max_mtu: undefined,
    linkinfo: undefined,
    inet6_addr_gen_mode: undefined,
    num_tx_queues: undefined,
    num_rx_queues: undefined,
    gso_max_size: undefined,
    gso_max_segs: undefined,
    tso_max_size: undefined,
    tso_max_segs: undefined,
    gro_max_size: undefined,
    gso_ipv4_max_size: undefined,
    gro_ipv4_max_size: undefined,
    parentbus: undefined,
    parentdev: undefined,
    phys_port_name: undefined,
    phys_port_id: undefined,
    phys_switch_id: undefined,
    ifalias: undefined,
    altnames: undefined,
    netns: undefined,
    peer_ifname: undefined,
    peer_netns: undefined,
    msg: m.type === RTM_DELLINK ? 'dellink' : 'newlink',
    master_index: undefined,
    linkmode_index: undefined,
    carrier: undefined,
    carrier_changes: undefined,
    carrier_up_count: undefined,
    carrier_down_count: undefined,
    new_netnsid: undefined,
    new_ifindex: undefined,
    raw: NO_RAW,
  };
  return link;
}

/** A decoded link with the fields dump-links adds to ip's. */
export interface PrintLink extends Link {
  netns?: string | null;
  peer_ifname?: string;
  peer_netns?: string | null;
}

/**
 * The link's JSON as dump-links prints it: JSON.stringify(linkJson(l, netns, peer)) (see
 * link-format.ts), made by clearing in place what ip does not print and stringifying the
 * object itself, whose keys are already in ip's order. One native call per link: in a cold
 * process that is ~2x faster than building the text in JavaScript. `l` is spent afterwards.
 */
export function printLinkJson(l: PrintLink, netns: string | null, peer: PeerInfo | undefined): string {
  const o = l as Partial<PrintLink>;
  if (l.link_netnsid !== undefined) o.link = undefined;
  else o.link_index = undefined;
  if (l.linkinfo !== undefined) o.linkinfo = linkInfoJson(l.linkinfo) as Link['linkinfo'];
  o.netns = netns;
  if (peer) {
    o.peer_ifname = peer.peer_ifname;
    o.peer_netns = peer.peer_netns;
  }
  o.msg = undefined;
  o.master_index = undefined;
  o.linkmode_index = undefined;
  o.carrier = undefined;
  o.carrier_changes = undefined;
  o.carrier_up_count = undefined;
  o.carrier_down_count = undefined;
  o.new_netnsid = undefined;
  o.new_ifindex = undefined;
  o.raw = undefined;
  return JSON.stringify(l);
}

function u32Field(link: Link, t: number, v: number): void {
  switch (t) {
    case 4 /* IFLA_MTU */: link.mtu = v; break;
    case 5 /* IFLA_LINK */: if (v === 0) link.link = null; else link.link_index = v; break;
    case 10 /* IFLA_MASTER */: link.master = link.master_index = v; break;
    case 13 /* IFLA_TXQLEN */: link.txqlen = v; break;
    case 27 /* IFLA_GROUP */: link.group = v === 0 ? 'default' : String(v); break;
    case 37 /* IFLA_LINK_NETNSID */: link.link_netnsid = v | 0; break;
    case 30 /* IFLA_PROMISCUITY */: link.promiscuity = v; break;
    case 61 /* IFLA_ALLMULTI */: link.allmulti = v; break;
    case 50 /* IFLA_MIN_MTU */: link.min_mtu = v; break;
    case 51 /* IFLA_MAX_MTU */: link.max_mtu = v; break;
    case 31 /* IFLA_NUM_TX_QUEUES */: link.num_tx_queues = v; break;
    case 32 /* IFLA_NUM_RX_QUEUES */: link.num_rx_queues = v; break;
    case 41 /* IFLA_GSO_MAX_SIZE */: link.gso_max_size = v; break;
    case 40 /* IFLA_GSO_MAX_SEGS */: link.gso_max_segs = v; break;
    case 59 /* IFLA_TSO_MAX_SIZE */: link.tso_max_size = v; break;
    case 60 /* IFLA_TSO_MAX_SEGS */: link.tso_max_segs = v; break;
    case 58 /* IFLA_GRO_MAX_SIZE */: link.gro_max_size = v; break;
    case 63 /* IFLA_GSO_IPV4_MAX_SIZE */: link.gso_ipv4_max_size = v; break;
    case 64 /* IFLA_GRO_IPV4_MAX_SIZE */: link.gro_ipv4_max_size = v; break;
    case 35 /* IFLA_CARRIER_CHANGES */: link.carrier_changes = v; break;
    case 47 /* IFLA_CARRIER_UP_COUNT */: link.carrier_up_count = v; break;
    case 48 /* IFLA_CARRIER_DOWN_COUNT */: link.carrier_down_count = v; break;
    case 45 /* IFLA_NEW_NETNSID */: link.new_netnsid = v | 0; break;
    case 49 /* IFLA_NEW_IFINDEX */: link.new_ifindex = v | 0; break;
  }
}

/** Attributes other than 32-bit integers; true for IFLA_IFNAME. */
function otherField(link: Link, buf: NetlinkBuffer, t: number, o: number, l: number): boolean {
  const b = buf.bytes;
  switch (t) {
    case 3 /* IFLA_IFNAME */: link.ifname = str(b, o, l); return true;
    case 1 /* IFLA_ADDRESS */: link.address = formatHardwareAddress(b, o, l); return false;
    case 2 /* IFLA_BROADCAST */: link.broadcast = formatHardwareAddress(b, o, l); return false;
    case 54 /* IFLA_PERM_ADDRESS */: link.permaddr = formatHardwareAddress(b, o, l); return false;
    case 6 /* IFLA_QDISC */: link.qdisc = str(b, o, l); return false;
    case 20 /* IFLA_IFALIAS */: link.ifalias = str(b, o, l); return false;
    case 38 /* IFLA_PHYS_PORT_NAME */: link.phys_port_name = str(b, o, l); return false;
    case 57 /* IFLA_PARENT_DEV_BUS_NAME */: link.parentbus = str(b, o, l); return false;
    case 56 /* IFLA_PARENT_DEV_NAME */: link.parentdev = str(b, o, l); return false;
    case 34 /* IFLA_PHYS_PORT_ID */: link.phys_port_id = hex(b, o, l); return false;
    case 36 /* IFLA_PHYS_SWITCH_ID */: link.phys_switch_id = hex(b, o, l); return false;
    case 16 /* IFLA_OPERSTATE */: case 17 /* IFLA_LINKMODE */: case 39 /* IFLA_PROTO_DOWN */: case 33 /* IFLA_CARRIER */: {
      if (l < 1) throw short('u8', l, o);
      const v = b[o]!;
      if (t === 16 /* IFLA_OPERSTATE */) {
        if (v < OPERSTATE_NAMES.length) link.operstate = OPERSTATE_NAMES[v]; else link.operstate_index = v;
      } else if (t === 17 /* IFLA_LINKMODE */) {
        if (v < LINKMODE_NAMES.length) link.linkmode = LINKMODE_NAMES[v]; else link.linkmode_index = v;
      } else if (t === 39 /* IFLA_PROTO_DOWN */) {
        if (v) link.proto_down = true;
      } else link.carrier = v;
      return false;
    }
    case 18 /* IFLA_LINKINFO */: link.linkinfo = linkInfo(buf, o, l); return false;
    case 26 /* IFLA_AF_SPEC */: {
      const mode = addrGenMode(buf, o, l);
      if (mode !== undefined) link.inet6_addr_gen_mode = mode;
      return false;
    }
    case 52 /* IFLA_PROP_LIST */: {
      const names: string[] = [];
      walk(buf.view, b, o, o + l, (pt, po, pl) => { if (pt === 53 /* IFLA_ALT_IFNAME */) names.push(str(b, po, pl)); });
      link.altnames = names;
      return false;
    }
    default: return false;
  }
}

/** One RTM_NEWLINK/RTM_DELLINK as the fields the CLI prints (no raw attributes, no statistics). */
export function decodeLinkForPrint(m: MessageRef): PrintLink {
  const buf = m.buf;
  const b = buf.bytes;
  const off = m.payloadStart;
  const end = m.end;
  if (end - off < IFINFOMSG_LEN) throw new NetlinkDecodeError(`ifinfomsg needs ${IFINFOMSG_LEN} bytes, ${end - off} remain`, off);
  const link = newLink(m, buf.view, off);
  let hasName = false;
  let pos = off + IFINFOMSG_LEN;
  while (end - pos >= 4) {
    const len = b[pos]! | (b[pos + 1]! << 8);
    const t = (b[pos + 2]! | (b[pos + 3]! << 8)) & 0x3fff;
    if (len < 4) throw new NetlinkDecodeError(`attribute length ${len} is below the 4-byte header`, pos);
    if (len > end - pos) throw new NetlinkDecodeError(`attribute type ${t} claims ${len} bytes, only ${end - pos} remain`, pos);
    const o = pos + 4;
    const l = len - 4;
    pos += (len + 3) & ~3;
    const k = t < 128 ? KIND[t] : 0;
    if (k === 1) {
      if (l < 4) throw short('u32', l, o);
      u32Field(link, t, (b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24)) >>> 0);
    } else if (k === 2 && otherField(link, buf, t, o, l)) hasName = true;
  }
  for (; pos < end; pos++) if (b[pos] !== 0) throw new NetlinkDecodeError(`${end - pos} trailing bytes after the last attribute`, pos);
  if (!hasName && link.msg === 'newlink' && off + IFINFOMSG_LEN < end) link.ifname = `if${link.ifindex}`;
  return link;
}

const listReq = (operation: string): RequestOptions => ({ operation, headerSize: IFINFOMSG_LEN });

/** One link by name or index, or undefined when there is none (ENODEV). */
export async function getLinkForPrint(sock: NetlinkSocket, ref: string | number): Promise<Link | undefined> {
  try {
    const replies = await sock.request(encodeGetLink(ref), listReq(`get link ${ref}`));
    const m = replies.find((r) => r.type === RTM_NEWLINK);
    return m ? decodeLinkForPrint(m) : undefined;
  } catch (err) {
    if (err instanceof NetlinkError && err.code === 'ENODEV') return undefined;
    throw err;
  }
}

/**
 * The name of link `ifindex` in the namespace the socket's namespace knows as `nsid` (a veth's
 * IFLA_LINK_NETNSID), asked of the socket's own kernel with IFLA_TARGET_NETNSID; undefined when
 * there is no such link. Throws NetlinkError otherwise (a kernel before 4.20, an unknown id,
 * no CAP_NET_ADMIN over that namespace).
 */
export async function linkNameByNsid(sock: NetlinkSocket, nsid: number, ifindex: number): Promise<string | undefined> {
  try {
    const replies = await sock.request(encodeGetLink(ifindex, { targetNetnsid: nsid }), listReq(`get link ${ifindex} in namespace id ${nsid}`));
    const m = replies.find((r) => r.type === RTM_NEWLINK);
    if (!m) return undefined;
    const b = linkBrief(m);
    return b.index === ifindex && b.name !== '' ? b.name : undefined;
  } catch (err) {
    if (err instanceof NetlinkError && err.code === 'ENODEV') return undefined;
    throw err;
  }
}

/**
 * The links of the socket's namespace (`ip -d link show [type KIND] [master N]`), filtered by
 * the kernel, with master and peer names resolved as ip does (rtnl's resolveLinkNames).
 */
export async function listLinksForPrint(sock: NetlinkSocket, filter: { kind?: string; master?: number } = {}): Promise<Link[]> {
  const filtering = filter.kind !== undefined || filter.master !== undefined;
  const links: Link[] = [];
  const req = encodeLinkDump({ kind: filter.kind, master: filter.master });
  for await (const batch of sock.dumpBatches(req, listReq('list links'))) {
    for (const m of batch) {
      if (m.type !== RTM_NEWLINK) continue;
      const l = decodeLinkForPrint(m);
      // The kernel filters only kinds it knows; it marks what it filtered with DUMP_FILTERED.
      if (filtering && !(m.flags & NLM_F_DUMP_FILTERED)) {
        if (filter.kind !== undefined && l.linkinfo?.info_kind !== filter.kind) continue;
        if (filter.master !== undefined && l.master_index !== filter.master) continue;
      }
      links.push(l);
    }
  }
  const known = new Map<number, LinkRef>();
  for (const l of links) known.set(l.ifindex, { name: l.ifname, up: l.flags.includes('UP') });
  if (filtering) {
    const missing = new Set<number>();
    for (const l of links) for (const i of referencedIndexes(l)) if (!known.has(i)) missing.add(i);
    await Promise.all([...missing].map(async (i) => {
      const l = await getLinkForPrint(sock, i);
      if (l) known.set(i, { name: l.ifname, up: l.flags.includes('UP') });
    }));
  }
  for (const l of links) resolveLinkNames(l, (i) => known.get(i));
  return links;
}

/** ifindex -> name for every link of the socket's namespace (only IFLA_IFNAME is read). */
export async function linkNames(sock: NetlinkSocket): Promise<Map<number, string>> {
  const names = new Map<number, string>();
  for await (const batch of sock.dumpBatches(encodeLinkDump({}), listReq('list links'))) {
    for (const m of batch) {
      if (m.type !== RTM_NEWLINK) continue;
      const { view, bytes } = m.buf;
      if (m.end - m.payloadStart < IFINFOMSG_LEN) throw new NetlinkDecodeError(`ifinfomsg needs ${IFINFOMSG_LEN} bytes, ${m.end - m.payloadStart} remain`, m.payloadStart);
      const index = view.getInt32(m.payloadStart + 4, true);
      let pos = m.payloadStart + IFINFOMSG_LEN;
      while (m.end - pos >= 4) {
        const len = view.getUint16(pos, true);
        if (len < 4 || len > m.end - pos) throw new NetlinkDecodeError(`attribute length ${len} does not fit the message`, pos);
        if ((view.getUint16(pos + 2, true) & 0x3fff) === 3 /* IFLA_IFNAME */) {
          names.set(index, str(bytes, pos + 4, len - 4));
          break;
        }
        pos += (len + 3) & ~3;
      }
    }
  }
  return names;
}

/** What name resolution and peer finding need to know of a link, read without decoding it. */
export interface LinkBrief {
  index: number;
  name: string;
  up: boolean;
  /** IFLA_LINK: 0 none; the peer's or lower device's index (in link_netnsid's namespace when set). */
  link: number;
  netnsid: number | undefined;
  kind: string | undefined;
}

/** The brief of one RTM_NEWLINK (a walk over its top-level attributes, nothing allocated but the result). */
export function linkBrief(m: MessageRef): LinkBrief {
  const b = m.buf.bytes;
  const view = m.buf.view;
  const off = m.payloadStart;
  const end = m.end;
  if (end - off < IFINFOMSG_LEN) throw new NetlinkDecodeError(`ifinfomsg needs ${IFINFOMSG_LEN} bytes, ${end - off} remain`, off);
  const brief: LinkBrief = {
    index: view.getInt32(off + 4, true), name: '', up: (b[off + 8]! & 1) !== 0, link: 0, netnsid: undefined, kind: undefined,
  };
  let named = false;
  let pos = off + IFINFOMSG_LEN;
  while (end - pos >= 4) {
    const len = b[pos]! | (b[pos + 1]! << 8);
    const t = (b[pos + 2]! | (b[pos + 3]! << 8)) & 0x3fff;
    if (len < 4 || len > end - pos) throw new NetlinkDecodeError(`attribute length ${len} does not fit the message`, pos);
    const o = pos + 4;
    const l = len - 4;
    if (t === 3 /* IFLA_IFNAME */) { brief.name = str(b, o, l); named = true; }
    else if (t === 5 /* IFLA_LINK */ && l >= 4) brief.link = view.getUint32(o, true);
    else if (t === 37 /* IFLA_LINK_NETNSID */ && l >= 4) brief.netnsid = view.getInt32(o, true);
    else if (t === 18 /* IFLA_LINKINFO */) {
      let p = o;
      while (o + l - p >= 4) {
        const nl = b[p]! | (b[p + 1]! << 8);
        if (nl < 4 || nl > o + l - p) break; // the full decode reports it
        if (((b[p + 2]! | (b[p + 3]! << 8)) & 0x3fff) === 1 /* IFLA_INFO_KIND */) brief.kind = str(b, p + 4, nl - 4);
        p += (nl + 3) & ~3;
      }
    }
    pos += (len + 3) & ~3;
  }
  if (!named && off + IFINFOMSG_LEN < end) brief.name = `if${brief.index}`;
  return brief;
}

/** The RTM_NEWLINK messages of a whole (unfiltered) link dump, kept as they came. */
export async function linkMessages(sock: NetlinkSocket): Promise<MessageRef[]> {
  const out: MessageRef[] = [];
  for await (const batch of sock.dumpBatches(encodeLinkDump({}), listReq('list links'))) {
    for (const m of batch) if (m.type === RTM_NEWLINK) out.push(m);
  }
  return out;
}
