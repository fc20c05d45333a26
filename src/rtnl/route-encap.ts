// Route encapsulation (lwtunnel: RTA_ENCAP_TYPE + RTA_ENCAP), declared as data: the attribute
// sets of linux/lwtunnel.h (LWTUNNEL_IP_*, LWTUNNEL_IP6_*), mpls_iptunnel.h and
// seg6_iptunnel.h run through the generic codec; the MPLS label stack and the SRv6 header are
// the two binary payloads decoded here. Presented as `ip -j -d route` prints it
// (lwt_print_encap in ip/iproute_lwtunnel.c of iproute2 6.1).
import { NLA_F_NESTED } from '../netlink/constants.js';
import { formatIP, parseIP } from '../netlink/address.js';
import { NetlinkFamily } from '../netlink/spec/family.js';
import type { FamilyDecl } from '../netlink/spec/types.js';
import type { NetlinkBuffer } from '../netlink/reader.js';
import { ValidationError } from '../netlink/errors.js';
import type { MessageWriter } from '../netlink/writer.js';
import * as C from './constants.js';

/** LWTUNNEL_ENCAP_* (linux/lwtunnel.h). */
export const ENCAP_TYPES = { none: 0, mpls: 1, ip: 2, ila: 3, ip6: 4, seg6: 5, bpf: 6, seg6local: 7, rpl: 8, ioam6: 9, xfrm: 10 } as const;
const ENCAP_NAMES = new Map<number, string>(Object.entries(ENCAP_TYPES).map(([k, v]) => [v, k]));
/** SEG6_IPTUN_MODE_* (linux/seg6_iptunnel.h). */
export const SEG6_MODES = ['inline', 'encap', 'l2encap', 'encap.red', 'l2encap.red'] as const;
// TUNNEL_* (linux/if_tunnel.h: __cpu_to_be16 values, hence flags is declared big-endian).
const TUNNEL_CSUM = 0x01, TUNNEL_KEY = 0x04, TUNNEL_SEQ = 0x08;

export const lwtunnelSpec = {
  name: 'lwtunnel',
  protocol: 'netlink-raw',
  protonum: 0,
  source: 'linux/lwtunnel.h, linux/mpls_iptunnel.h, linux/seg6_iptunnel.h (UAPI)',
  definitions: {},
  attributeSets: {
    'lwtunnel-ip-attrs': [
      { name: 'id', value: 1, type: 'u64', byteOrder: 'big-endian' },
      { name: 'dst', value: 2, type: 'binary', hint: 'ipv4' },
      { name: 'src', value: 3, type: 'binary', hint: 'ipv4' },
      { name: 'ttl', value: 4, type: 'u8' },
      { name: 'tos', value: 5, type: 'u8' },
      { name: 'flags', value: 6, type: 'u16', byteOrder: 'big-endian' },
      { name: 'pad', value: 7, type: 'pad' },
      { name: 'opts', value: 8, type: 'binary' },
    ],
    'lwtunnel-ip6-attrs': [
      { name: 'id', value: 1, type: 'u64', byteOrder: 'big-endian' },
      { name: 'dst', value: 2, type: 'binary', hint: 'ipv6' },
      { name: 'src', value: 3, type: 'binary', hint: 'ipv6' },
      { name: 'hoplimit', value: 4, type: 'u8' },
      { name: 'tc', value: 5, type: 'u8' },
      { name: 'flags', value: 6, type: 'u16', byteOrder: 'big-endian' },
      { name: 'pad', value: 7, type: 'pad' },
      { name: 'opts', value: 8, type: 'binary' },
    ],
    'mpls-iptunnel-attrs': [
      { name: 'dst', value: 1, type: 'binary' },
      { name: 'ttl', value: 2, type: 'u8' },
    ],
    'seg6-iptunnel-attrs': [{ name: 'srh', value: 1, type: 'binary' }],
  },
  subMessages: {},
  operations: { model: 'directional', list: [] },
} as const satisfies FamilyDecl;

let family: NetlinkFamily | undefined;
const lwt = (): NetlinkFamily => (family ??= new NetlinkFamily(lwtunnelSpec as unknown as FamilyDecl, { nestedFlag: false }));
const SETS: Record<number, string> = { 1: 'mpls-iptunnel-attrs', 2: 'lwtunnel-ip-attrs', 4: 'lwtunnel-ip6-attrs', 5: 'seg6-iptunnel-attrs' };
/** Encapsulation types with a declared set (the ones a route's `encap` view is made for). */
export const ENCAP_DECLARED: ReadonlySet<number> = new Set(Object.keys(SETS).map(Number));

/** A route's (or nexthop's) encapsulation, keys as ip -j prints them after "encap". */
export type RouteEncap =
  | { encap: 'ip' | 'ip6'; id?: number; src?: string; dst?: string; ttl?: number; tos?: number; hoplimit?: number; tc?: number; key?: true; csum?: true; seq?: true }
  | { encap: 'mpls'; dst?: string; ttl?: number }
  | { encap: 'seg6'; mode?: string; segs?: string[] }
  | { encap: string; [k: string]: unknown };

function labels(b: Uint8Array): string {
  const out: number[] = [];
  for (let i = 0; i + 4 <= b.length; i += 4) {
    const v = ((b[i]! << 24) | (b[i + 1]! << 16) | (b[i + 2]! << 8) | b[i + 3]!) >>> 0;
    out.push(v >>> 12);
    if (v & 0x100) break; // bottom of stack
  }
  return out.join('/');
}

function srhOf(b: Uint8Array): { mode: string; segs: string[] } {
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const mode = b.length >= 4 ? v.getInt32(0, true) : -1;
  const first = b[8]! ;
  const segs: string[] = [];
  // struct seg6_iptunnel_encap { int mode; struct ipv6_sr_hdr { 8 bytes; segments[] } }; ip lists first_segment down to 0.
  for (let i = first; i >= 0; i--) if (12 + 16 * (i + 1) <= b.length) segs.push(formatIP(b, 12 + 16 * i, 16));
  return { mode: SEG6_MODES[mode] ?? '<unknown>', segs };
}

/** Decode RTA_ENCAP [off, off+len) of encap type `type` as ip presents it. */
export function decodeEncap(type: number, buf: NetlinkBuffer, off: number, len: number): RouteEncap {
  const name = ENCAP_NAMES.get(type) ?? String(type);
  const set = SETS[type];
  if (!set) return { encap: name, data: Buffer.from(buf.bytes.subarray(off, off + len)).toString('hex') };
  const a = lwt().set(set).decode(buf, off, off + len) as Record<string, unknown>;
  if (type === ENCAP_TYPES.mpls) {
    const o: RouteEncap = { encap: 'mpls' };
    if (a.dst instanceof Uint8Array) o.dst = labels(a.dst);
    if (a.ttl !== undefined) o.ttl = a.ttl as number;
    return o;
  }
  if (type === ENCAP_TYPES.seg6) return a.srh instanceof Uint8Array ? { encap: 'seg6', ...srhOf(a.srh) } : { encap: 'seg6' };
  const o: Record<string, unknown> = { encap: name };
  if (a.id !== undefined) o.id = Number(a.id);
  for (const k of ['src', 'dst']) if (a[k] !== undefined) o[k] = a[k];
  for (const k of type === ENCAP_TYPES.ip ? ['ttl', 'tos'] : ['hoplimit', 'tc']) if (a[k] !== undefined) o[k] = a[k];
  const f = (a.flags as number | undefined) ?? 0;
  if (f & TUNNEL_KEY) o.key = true;
  if (f & TUNNEL_CSUM) o.csum = true;
  if (f & TUNNEL_SEQ) o.seq = true;
  return o as RouteEncap;
}

/** ip's text after "encap" (without leading/trailing space). */
export function encapText(e: RouteEncap): string {
  let s = `encap ${e.encap}`;
  const x = e as Record<string, unknown>;
  if (e.encap === 'mpls') {
    if (x.dst !== undefined) s += `  ${x.dst as string}`;
    if (x.ttl !== undefined) s += ` ttl ${x.ttl as number}`;
    return s;
  }
  if (e.encap === 'seg6') {
    if (x.mode !== undefined) s += ` mode ${x.mode as string}`;
    const segs = x.segs as string[] | undefined;
    if (segs) s += ` segs ${segs.length} [ ${segs.join(' ')} ]`;
    return s;
  }
  for (const k of ['id', 'src', 'dst', 'ttl', 'tos', 'hoplimit', 'tc']) if (x[k] !== undefined) s += ` ${k} ${String(x[k])}`;
  for (const k of ['key', 'csum', 'seq']) if (x[k]) s += ` ${k}`;
  return s;
}

/** What `ip route add ... encap TYPE ...` takes. */
export type EncapSpec =
  | { type: 'ip'; id?: number | bigint; dst?: string; src?: string; ttl?: number; tos?: number; key?: boolean; csum?: boolean; seq?: boolean }
  | { type: 'ip6'; id?: number | bigint; dst?: string; src?: string; hoplimit?: number; tc?: number; key?: boolean; csum?: boolean; seq?: boolean }
  | { type: 'mpls'; labels: number[]; ttl?: number }
  | { type: 'seg6'; mode: 'encap' | 'inline' | 'l2encap' | 'encap.red' | 'l2encap.red'; segs: string[] };

function mplsStack(ls: number[], path: string): Uint8Array {
  if (!ls.length) throw new ValidationError(`${path}.labels`, 'at least one label');
  const b = new Uint8Array(4 * ls.length);
  ls.forEach((l, i) => {
    if (!Number.isInteger(l) || l < 0 || l > 0xfffff) throw new ValidationError(`${path}.labels[${i}]`, `${l} is not an MPLS label (0-1048575)`);
    const v = ((l << 12) | (i === ls.length - 1 ? 0x100 : 0)) >>> 0;
    b[4 * i] = v >>> 24; b[4 * i + 1] = (v >>> 16) & 0xff; b[4 * i + 2] = (v >>> 8) & 0xff; b[4 * i + 3] = v & 0xff;
  });
  return b;
}

/** struct seg6_iptunnel_encap as ip's parse_srh builds it (segments stored last first). */
function seg6Srh(e: Extract<EncapSpec, { type: 'seg6' }>, path: string): Uint8Array {
  const mode = SEG6_MODES.indexOf(e.mode);
  if (mode < 0) throw new ValidationError(`${path}.mode`, `one of ${SEG6_MODES.join(', ')}`);
  if (!e.segs.length) throw new ValidationError(`${path}.segs`, 'at least one segment');
  const encap = e.mode !== 'inline';
  // Inline mode keeps a slot for the packet's own destination (segments[0]).
  const n = e.segs.length + (encap ? 0 : 1);
  const b = new Uint8Array(4 + 8 + 16 * n);
  const v = new DataView(b.buffer);
  v.setInt32(0, mode, true);
  b[4] = 0; b[5] = (8 + 16 * n) / 8 - 1; b[6] = 4 /* IPV6_SRCRT_TYPE_4 */; b[7] = n - 1; b[8] = n - 1;
  e.segs.forEach((s, i) => {
    const a = parseIP(s);
    if (!a || a.length !== 16) throw new ValidationError(`${path}.segs[${i}]`, `${s} is not an IPv6 address`);
    b.set(a, 12 + 16 * (n - 1 - i));
  });
  return b;
}

/** RTA_ENCAP (NLA_F_NESTED, as ip sets it) then RTA_ENCAP_TYPE, in ip's order. */
export function writeEncap(w: MessageWriter, e: EncapSpec, path = 'encap'): void {
  const type = ENCAP_TYPES[e.type];
  const attrs: Record<string, unknown> = {};
  if (e.type === 'ip' || e.type === 'ip6') {
    if (e.id !== undefined) attrs.id = BigInt(e.id);
    if (e.dst !== undefined) attrs.dst = e.dst;
    if (e.src !== undefined) attrs.src = e.src;
    if (e.type === 'ip') { if (e.ttl !== undefined) attrs.ttl = e.ttl; if (e.tos !== undefined) attrs.tos = e.tos; }
    else { if (e.hoplimit !== undefined) attrs.hoplimit = e.hoplimit; if (e.tc !== undefined) attrs.tc = e.tc; }
    const f = (e.key ? TUNNEL_KEY : 0) | (e.csum ? TUNNEL_CSUM : 0) | (e.seq ? TUNNEL_SEQ : 0);
    if (f) attrs.flags = f;
  } else if (e.type === 'mpls') {
    attrs.dst = mplsStack(e.labels, path);
    if (e.ttl !== undefined) attrs.ttl = e.ttl;
  } else {
    attrs.srh = seg6Srh(e, path);
  }
  const n = w.nestStart(C.RTA_ENCAP | NLA_F_NESTED);
  lwt().set(SETS[type]!).encode(w, attrs, path);
  w.nestEnd(n);
  w.attrU16(C.RTA_ENCAP_TYPE, type);
}
