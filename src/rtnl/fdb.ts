// Bridge forwarding database entries (RTM_NEWNEIGH/DELNEIGH of family AF_BRIDGE): bridge ports'
// learned and static MACs, and vxlan's remote VTEPs (dst, port, vni). Decoded and encoded by the
// generic codec from the rt-neigh declaration (spec/rt-neigh.gen.ts), presented in
// `bridge -j fdb show`'s vocabulary.
import { NLM_F_APPEND, NLM_F_BULK, NLM_F_CREATE, NLM_F_EXCL, NLM_F_REPLACE } from '../netlink/constants.js';
import type { MessageRef } from '../netlink/message.js';
import type { RawAttribute } from '../netlink/reader.js';
import type { Decoded } from '../netlink/spec/types.js';
import * as C from './constants.js';
import { rtNeigh } from './families/neigh.js';
import type { rtNeighSpec } from './spec/rt-neigh.gen.js';

export const AF_BRIDGE = 7;
export type NeighAttrs = Decoded<typeof rtNeighSpec, 'neighbour-attrs'>;

/** One FDB entry: bridge's keys (`bridge -j [-s] fdb show`) plus extras. */
export interface FdbEntry {
  /** extra: the message type. */
  msg: 'newneigh' | 'delneigh';
  mac?: string;
  /** The port (or vxlan device) the entry is on. */
  ifname?: string;
  dst?: string;
  vlan?: number;
  port?: number;
  vni?: number;
  src_vni?: number;
  /** The vxlan remote's outgoing device (NDA_IFINDEX), by name, or by index when in another namespace. */
  viaIf?: string;
  viaIfIndex?: number;
  nhid?: number;
  linkNetNsId?: number;
  /** Seconds since last used / updated (bridge -s). */
  used?: number;
  updated?: number;
  /** self, router, extern_learn, offload, master, sticky (bridge's order). */
  flags: string[];
  master?: string;
  /** "permanent", "static", "stale", "" (dynamic, reachable) or the state in hex. */
  state: string;
  /** extra: ndm_ifindex, NDA_MASTER and the NUD state bits by name. */
  ifindex: number;
  master_index?: number;
  nud: string[];
  /** extra: NTF_EXT_* (locked, managed). */
  flags_ext?: string[];
  attrs: NeighAttrs;
  raw?: RawAttribute[];
}

const FLAG_ORDER: ReadonlyArray<readonly [number, string]> = [
  [C.NTF_SELF, 'self'], [C.NTF_ROUTER, 'router'], [C.NTF_EXT_LEARNED, 'extern_learn'], [C.NTF_OFFLOADED, 'offload'],
  [C.NTF_MASTER, 'master'], [C.NTF_STICKY, 'sticky'],
];

/** bridge's state_n2a (bridge/fdb.c). */
export function fdbStateName(s: number): string {
  if (s & C.NUD_PERMANENT) return 'permanent';
  if (s & C.NUD_NOARP) return 'static';
  if (s & C.NUD_STALE) return 'stale';
  if (s & C.NUD_REACHABLE) return '';
  return `0x${s.toString(16)}`;
}

/** Decode one AF_BRIDGE RTM_NEWNEIGH/RTM_DELNEIGH. */
export function decodeFdb(m: MessageRef, resolve?: (ifindex: number) => string | undefined): FdbEntry {
  const { buf } = m;
  const off = m.payloadStart;
  const d = rtNeigh.decode(m);
  const a = d.attrs as NeighAttrs;
  // Numbers straight from the ndmsg (the codec names the bits; bridge prints its own words).
  const ifindex = buf.s32(off + 4);
  const state = buf.u16(off + 8);
  const flags = buf.u8(off + 10);
  const name = (i: number): string => resolve?.(i) ?? `if${i}`;
  const e: Partial<FdbEntry> = { msg: m.type === C.RTM_DELNEIGH ? 'delneigh' : 'newneigh' };
  if (a.lladr !== undefined) e.mac = String(a.lladr);
  if (ifindex) e.ifname = name(ifindex);
  if (a.dst !== undefined) e.dst = String(a.dst);
  if (a.vlan) e.vlan = a.vlan;
  if (a.port !== undefined) e.port = a.port;
  if (a.vni !== undefined) e.vni = a.vni;
  if (a['src-vni'] !== undefined) e.src_vni = a['src-vni'];
  if (a.ifindex !== undefined) {
    if (a['link-netnsid'] !== undefined) e.viaIfIndex = a.ifindex;
    else e.viaIf = name(a.ifindex);
  }
  if (a['nh-id'] !== undefined) e.nhid = a['nh-id'];
  if (a['link-netnsid'] !== undefined) e.linkNetNsId = a['link-netnsid'];
  const ci = a.cacheinfo as { used: number; updated: number } | undefined;
  if (ci) { e.used = Math.trunc(ci.used / 100); e.updated = Math.trunc(ci.updated / 100); }
  e.flags = FLAG_ORDER.filter(([bit]) => flags & bit).map(([, n]) => n);
  if (a.master !== undefined) e.master = name(a.master);
  e.state = fdbStateName(state);
  e.ifindex = ifindex;
  if (a.master !== undefined) e.master_index = a.master;
  e.nud = (d.header as { state: string[] }).state;
  if (a['flags-ext'] !== undefined) e.flags_ext = a['flags-ext'] as unknown as string[]; // a flags definition: the codec gives names
  e.attrs = a;
  if (a.$raw) e.raw = a.$raw;
  return e as FdbEntry;
}

// ============================================================================================
// Encoding

export interface FdbMessage {
  header: { family: number; ifindex: number; state: number; flags: number };
  /** Declaration names in bridge's order: lladr, dst, vlan, nh-id, port, vni, src-vni, ifindex. */
  attrs: Record<string, unknown>;
}

export type FdbWriteMode = 'add' | 'append' | 'replace';

const MODE_FLAGS: Record<FdbWriteMode, number> = {
  add: NLM_F_CREATE | NLM_F_EXCL, append: NLM_F_CREATE | NLM_F_APPEND, replace: NLM_F_CREATE | NLM_F_REPLACE,
};

/** RTM_NEWNEIGH as `bridge fdb add|append|replace` sends it. */
export function encodeNewFdb(f: FdbMessage, mode: FdbWriteMode = 'add'): Uint8Array {
  return rtNeigh.encode({ op: 'newneigh', header: f.header, attrs: f.attrs, flags: MODE_FLAGS[mode] });
}

/** RTM_DELNEIGH as `bridge fdb del` sends it. */
export function encodeDelFdb(f: FdbMessage): Uint8Array {
  return rtNeigh.encode({ op: 'delneigh', header: f.header, attrs: f.attrs });
}

/** AF_BRIDGE RTM_GETNEIGH dump; ndm_ifindex and NDA_MASTER filter in the kernel (strict checking). */
export function encodeFdbDump(f: { ifindex?: number; master?: number } = {}): Uint8Array {
  const attrs: Record<string, unknown> = {};
  if (f.master !== undefined) attrs.master = f.master;
  return rtNeigh.encode({ op: 'getneigh', mode: 'dump', header: { family: AF_BRIDGE, ifindex: f.ifindex ?? 0 }, attrs, noAck: true });
}

/**
 * RTM_DELNEIGH with NLM_F_BULK (`bridge fdb flush`): the kernel deletes every entry of the
 * device matching the port, VLAN, and the state/flag bits selected by the masks.
 */
export function encodeFdbFlush(f: { ifindex: number; state: number; flags: number; port?: number; vlan?: number; stateMask?: number; flagsMask?: number }): Uint8Array {
  const attrs: Record<string, unknown> = {};
  if (f.port !== undefined) attrs.ifindex = f.port;
  if (f.vlan !== undefined) attrs.vlan = f.vlan;
  if (f.flagsMask) attrs['ndm-flags-mask'] = f.flagsMask;
  if (f.stateMask) attrs['ndm-state-mask'] = f.stateMask;
  return rtNeigh.encode({ op: 'delneigh', header: { family: AF_BRIDGE, ifindex: f.ifindex, state: f.state, flags: f.flags }, attrs, flags: NLM_F_BULK });
}

export function describeFdbAttribute(path: number[]): string | undefined {
  return rtNeigh.describeAttribute('newneigh', path);
}
