// Neighbours (RTM_NEWNEIGH/DELNEIGH/GETNEIGH): struct ndmsg plus NDA_* attributes: the ARP and
// NDP caches, as `ip -j neigh show` prints them.
import { NLM_F_ACK, NLM_F_CREATE, NLM_F_DUMP, NLM_F_EXCL, NLM_F_REPLACE, NLM_F_REQUEST } from '../netlink/constants.js';
import { NetlinkDecodeError, ValidationError } from '../netlink/errors.js';
import { formatHardwareAddress, formatIP } from '../netlink/address.js';
import type { MessageRef } from '../netlink/message.js';
import type { RawAttribute } from '../netlink/reader.js';
import { enumValue } from '../netlink/spec/values.js';
import { rtNeigh } from './families.js';
import { MessageWriter } from '../netlink/writer.js';
import * as C from './constants.js';
import { familyName } from './address.js';

export interface Neighbour {
  /** extra: the message type. */
  msg: 'newneigh' | 'delneigh' | 'getneigh';
  /** extra: "inet", "inet6" or "bridge". */
  family: string;
  dst?: string;
  /** Interface name ("ifN" when no resolver knew it). */
  dev?: string;
  /** extra: ndm_ifindex. */
  ifindex: number;
  lladdr?: string;
  /** Present (null) when set, as ip prints these flags. */
  router?: null;
  proxy?: null;
  managed?: null;
  extern_learn?: null;
  offload?: null;
  /** NUD states, e.g. ["REACHABLE"], ["PERMANENT"]. Absent for NUD_NONE. */
  state?: string[];
  protocol?: string;
  /** extra (ip prints them with -s): NDA_PROBES and NDA_CACHEINFO. */
  probes?: number;
  used?: number;
  confirmed?: number;
  updated?: number;
  refcnt?: number;
  /** extra: NDA_VLAN / NDA_MASTER for bridge entries. */
  vlan?: number;
  master_index?: number;
  raw: RawAttribute[];
}

export function neighbourStateNames(state: number): string[] {
  const out: string[] = [];
  for (const [bit, name] of C.NUD_PRINT_ORDER) if (state & bit) out.push(name);
  return out;
}

const NUD_BY_NAME: Record<string, number> = {
  permanent: C.NUD_PERMANENT, reachable: C.NUD_REACHABLE, stale: C.NUD_STALE, noarp: C.NUD_NOARP, delay: C.NUD_DELAY,
  probe: C.NUD_PROBE, failed: C.NUD_FAILED, incomplete: C.NUD_INCOMPLETE, none: C.NUD_NONE,
};

export function neighbourStateNumber(name: string): number {
  const v = NUD_BY_NAME[name.toLowerCase()];
  if (v === undefined) throw new ValidationError('state', `unknown neighbour state ${name}`);
  return v;
}

/** The attributes the Neighbour shows; every other rt-neigh attribute stays raw, as on the wire. */
const NEIGH_VIEW = rtNeigh.view('neighbour-attrs', ['dst', 'lladr', 'probes', 'protocol', 'flags-ext', 'vlan', 'master', 'cacheinfo']);
const NDMSG = rtNeigh.struct('ndmsg');
const NUD = rtNeigh.enumOf('nud-state')!;
const NTF = rtNeigh.enumOf('ntf-flags')!;
const NTF_EXT = rtNeigh.enumOf('ntf-ext-flags')!;

/**
 * Decode one RTM_NEWNEIGH/DELNEIGH/GETNEIGH by the rt-neigh table (families.ts), shaped as
 * `ip -j neigh` shows it. `resolve` names the interface (sets dev).
 */
export function decodeNeighbour(m: MessageRef, resolve?: (ifindex: number) => string | undefined): Neighbour {
  const { buf } = m;
  const off = m.payloadStart;
  if (m.end - off < C.NDMSG_LEN) throw new NetlinkDecodeError(`ndmsg needs ${C.NDMSG_LEN} bytes, ${m.end - off} remain`, off);
  const h = NDMSG.decode(buf, off, C.NDMSG_LEN);
  const a = NEIGH_VIEW.decode(buf, off + C.NDMSG_LEN, m.end, 1);
  const family = h.family as number;
  const ifindex = h.ifindex as number;
  const state = enumValue(NUD, h.state, 'state');
  const flags = enumValue(NTF, h.flags, 'flags');
  const n: Neighbour = {
    msg: m.type === C.RTM_DELNEIGH ? 'delneigh' : m.type === C.RTM_GETNEIGH ? 'getneigh' : 'newneigh',
    family: familyName(family) ?? String(family),
    ifindex,
    raw: (a.$raw as RawAttribute[] | undefined) ?? [],
  };
  if (a.dst !== undefined) n.dst = typeof a.dst === 'string' ? a.dst : formatIP(a.dst as Uint8Array, 0, (a.dst as Uint8Array).length);
  if (a.lladr !== undefined) n.lladdr = typeof a.lladr === 'string' ? a.lladr : formatHardwareAddress(a.lladr as Uint8Array, 0, (a.lladr as Uint8Array).length);
  if (a.probes !== undefined) n.probes = a.probes as number;
  if (a.vlan !== undefined) n.vlan = a.vlan as number;
  if (a.master !== undefined) n.master_index = a.master as number;
  const ci = a.cacheinfo as Record<string, number> | undefined;
  if (ci) {
    if (ci.refcnt === undefined) throw new NetlinkDecodeError('NDA_CACHEINFO shorter than the 16 bytes of nda_cacheinfo', off);
    // Times in clock ticks (USER_HZ 100), shown in seconds as ip does.
    n.confirmed = Math.trunc(ci.confirmed! / 100);
    n.used = Math.trunc(ci.used! / 100);
    n.updated = Math.trunc(ci.updated! / 100);
    n.refcnt = ci.refcnt;
  }
  const extFlags = a['flags-ext'] === undefined ? 0 : enumValue(NTF_EXT, a['flags-ext'], 'flags-ext');
  const protocol = (a.protocol as number | undefined) ?? 0;
  if (ifindex) n.dev = resolve?.(ifindex) ?? `if${ifindex}`;
  if (flags & C.NTF_ROUTER) n.router = null;
  if (flags & C.NTF_PROXY) n.proxy = null;
  if (extFlags & C.NTF_EXT_MANAGED) n.managed = null;
  if (flags & C.NTF_EXT_LEARNED) n.extern_learn = null;
  if (flags & C.NTF_OFFLOADED) n.offload = null;
  if (state) n.state = neighbourStateNames(state);
  if (protocol) n.protocol = C.RTPROT_NAMES.get(protocol) ?? String(protocol);
  return reorder(n);
}

// ip's key order (dst, dev, lladdr, flags, state, protocol) so JSON reads alike.
const ORDER = ['msg', 'family', 'dst', 'dev', 'ifindex', 'lladdr', 'router', 'proxy', 'managed', 'extern_learn', 'offload',
  'state', 'protocol', 'probes', 'used', 'confirmed', 'updated', 'refcnt', 'vlan', 'master_index', 'raw'] as const;

function reorder(n: Neighbour): Neighbour {
  const out: Record<string, unknown> = {};
  for (const k of ORDER) if (n[k] !== undefined) out[k] = n[k];
  return out as unknown as Neighbour;
}

// ============================================================================================
// Encoding

export interface NeighbourAttrs {
  family: number;
  ifindex: number;
  state?: number;
  flags?: number;
  dst: Uint8Array;
  lladdr?: Uint8Array;
  protocol?: number;
}

function writeNdMsg(w: MessageWriter, family: number, ifindex: number, state: number, flags: number, type = 0): void {
  w.u8(family).u8(0).u16(0).s32(ifindex).u16(state).u8(flags).u8(type);
}

/** RTM_GETNEIGH dump; NDA_IFINDEX / NDA_MASTER filter in the kernel (strict checking). */
export function encodeNeighbourDump(f: { family?: number; ifindex?: number; master?: number; proxy?: boolean } = {}, w = new MessageWriter(64)): Uint8Array {
  const start = w.begin(C.RTM_GETNEIGH, NLM_F_REQUEST | NLM_F_DUMP);
  writeNdMsg(w, f.family ?? C.AF_UNSPEC, 0, 0, f.proxy ? C.NTF_PROXY : 0);
  if (f.ifindex !== undefined) w.attrU32(C.NDA_IFINDEX, f.ifindex);
  if (f.master !== undefined) w.attrU32(C.NDA_MASTER, f.master);
  w.end(start);
  return w.copy();
}

/** RTM_NEWNEIGH: add (CREATE|EXCL) or replace (CREATE|REPLACE), as `ip neigh add/replace`. */
export function encodeNewNeighbour(a: NeighbourAttrs, mode: 'add' | 'replace' = 'add', w = new MessageWriter(96)): Uint8Array {
  const start = w.begin(C.RTM_NEWNEIGH, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | (mode === 'add' ? NLM_F_EXCL : NLM_F_REPLACE));
  writeNdMsg(w, a.family, a.ifindex, a.state ?? C.NUD_PERMANENT, a.flags ?? 0);
  w.attrBytes(C.NDA_DST, a.dst);
  if (a.lladdr) w.attrBytes(C.NDA_LLADDR, a.lladdr);
  if (a.protocol !== undefined) w.attrU8(C.NDA_PROTOCOL, a.protocol);
  w.end(start);
  return w.copy();
}

export function encodeDelNeighbour(a: NeighbourAttrs, w = new MessageWriter(96)): Uint8Array {
  const start = w.begin(C.RTM_DELNEIGH, NLM_F_REQUEST | NLM_F_ACK);
  writeNdMsg(w, a.family, a.ifindex, 0, a.flags ?? 0);
  w.attrBytes(C.NDA_DST, a.dst);
  w.end(start);
  return w.copy();
}

export function describeNeighbourAttribute(path: number[]): string | undefined {
  if (!path.length) return undefined;
  return path.map((t, i) => (i === 0 ? C.constantName('NDA_', t) ?? `NDA attribute ${t}` : String(t))).join('/');
}
