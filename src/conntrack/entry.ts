// Typed connection-tracking entries: a view over what the generic codec decodes from a
// ctnetlink message (attribute names are the spec's). Nothing here reads bytes.
import type { DecodedMessage } from '../netlink/spec/family.js';

export type L3Family = 'ipv4' | 'ipv6';
export const AF_INET = 2;
export const AF_INET6 = 10;

/** IP protocol numbers and the names conntrack-tools prints for them. */
export const PROTO_NAMES: Readonly<Record<number, string>> = {
  1: 'icmp', 2: 'igmp', 6: 'tcp', 17: 'udp', 33: 'dccp', 47: 'gre', 58: 'icmpv6', 132: 'sctp', 136: 'udplite',
};
export const PROTO_NUMBERS: Readonly<Record<string, number>> = Object.fromEntries(Object.entries(PROTO_NAMES).map(([n, s]) => [s, Number(n)]));

export function protoName(n: number): string {
  return PROTO_NAMES[n] ?? 'unknown';
}

/** One direction of a connection: addresses, protocol and the protocol's identifiers. */
export interface Tuple {
  src: string;
  dst: string;
  /** IP protocol number (6 tcp, 17 udp, 1 icmp, 58 icmpv6, 132 sctp...). */
  proto: number;
  sport?: number;
  dport?: number;
  /** ICMP / ICMPv6: type, code and the echo id. */
  icmp?: { type: number; code: number; id: number };
  /** CTA_TUPLE_ZONE, when the tuple carries a directional zone. */
  zone?: number;
}

export interface Counters { packets: bigint; bytes: bigint }

export interface TcpInfo {
  /** nf-ct-tcp-state name: 'established', 'time-wait'... */
  state: string;
  wscaleOriginal?: number;
  wscaleReply?: number;
  flagsOriginal?: string[];
  flagsReply?: string[];
}
export interface SctpInfo { state: string; vtagOriginal?: number; vtagReply?: number }

export interface ConntrackEntry {
  family: L3Family;
  /** Protocol number and name (tcp, udp, icmp...). */
  proto: number;
  protoName: string;
  orig: Tuple;
  reply: Tuple;
  /** nf-ct-status flag names: 'seen-reply', 'assured', 'confirmed', 'src-nat', 'src-nat-done'... */
  status: string[];
  /** Seconds until the entry expires. */
  timeout?: number;
  mark?: number;
  zone?: number;
  secmark?: number;
  secctx?: string;
  /** Label bit numbers set (CTA_LABELS, `conntrack -o labels`), ascending. */
  labels?: number[];
  use?: number;
  id?: number;
  helper?: string;
  tcp?: TcpInfo;
  sctp?: SctpInfo;
  dccp?: { state: number };
  /** With net.netfilter.nf_conntrack_acct = 1. */
  counters?: { orig?: Counters; reply?: Counters };
  /** With net.netfilter.nf_conntrack_timestamp = 1: nanoseconds since the epoch. */
  timestamp?: { start?: bigint; stop?: bigint };
  /** The expectation's master connection, for related connections (ftp data...). */
  master?: Tuple;
  /** Everything the codec decoded, by the spec's names (and unknown attributes in $raw). */
  attrs: Record<string, unknown>;
}

type Obj = Record<string, any>;

export function tupleFrom(t: Obj | undefined): Tuple | undefined {
  if (!t) return undefined;
  const ip: Obj = t['tuple-ip'] ?? {};
  const p: Obj = t['tuple-proto'] ?? {};
  const out: Tuple = {
    src: ip['ip-v4-src'] ?? ip['ip-v6-src'] ?? '',
    dst: ip['ip-v4-dst'] ?? ip['ip-v6-dst'] ?? '',
    proto: p['proto-num'] ?? 0,
  };
  if (p['proto-src-port'] !== undefined) out.sport = p['proto-src-port'];
  if (p['proto-dst-port'] !== undefined) out.dport = p['proto-dst-port'];
  if (p['proto-icmp-type'] !== undefined || p['proto-icmp-id'] !== undefined) {
    out.icmp = { type: p['proto-icmp-type'] ?? 0, code: p['proto-icmp-code'] ?? 0, id: p['proto-icmp-id'] ?? 0 };
  } else if (p['proto-icmpv6-type'] !== undefined || p['proto-icmpv6-id'] !== undefined) {
    out.icmp = { type: p['proto-icmpv6-type'] ?? 0, code: p['proto-icmpv6-code'] ?? 0, id: p['proto-icmpv6-id'] ?? 0 };
  }
  if (t['tuple-zone'] !== undefined) out.zone = t['tuple-zone'];
  return out;
}

function counters(c: Obj | undefined): Counters | undefined {
  if (!c) return undefined;
  // Old kernels sent 32-bit counters (packets-old/bytes-old); current ones the 64-bit pair.
  return { packets: c.packets ?? BigInt(c['packets-old'] ?? 0), bytes: c.bytes ?? BigInt(c['bytes-old'] ?? 0) };
}

/** Bit numbers set in a CTA_LABELS bitmap (an array of host-order 32-bit words). */
export function labelBits(bytes: Uint8Array): number[] {
  const out: number[] = [];
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let w = 0; w * 4 + 4 <= bytes.length; w++) {
    const v = dv.getUint32(w * 4, true);
    for (let b = 0; b < 32; b++) if (v & (1 << b)) out.push(w * 32 + b);
  }
  return out;
}

/** The entry a decoded IPCTNL_MSG_CT_NEW / _DELETE message describes. */
export function entryFrom(m: Pick<DecodedMessage, 'header' | 'attrs'>): ConntrackEntry {
  const a = m.attrs as Obj;
  const family: L3Family = m.header?.['nfgen-family'] === AF_INET6 ? 'ipv6' : 'ipv4';
  const orig = tupleFrom(a['tuple-orig']) ?? { src: '', dst: '', proto: 0 };
  const reply = tupleFrom(a['tuple-reply']) ?? { src: '', dst: '', proto: orig.proto };
  const e: ConntrackEntry = { family, proto: orig.proto, protoName: protoName(orig.proto), orig, reply, status: a.status ?? [], attrs: a };
  if (a.timeout !== undefined) e.timeout = a.timeout;
  if (a.mark !== undefined) e.mark = a.mark;
  if (a.zone !== undefined) e.zone = a.zone;
  if (a.secmark !== undefined) e.secmark = a.secmark;
  if (a.secctx?.['secctx-name'] !== undefined) e.secctx = a.secctx['secctx-name'];
  if (a.labels instanceof Uint8Array) e.labels = labelBits(a.labels);
  if (a.use !== undefined) e.use = a.use;
  if (a.id !== undefined) e.id = a.id;
  if (a.help?.['help-name'] !== undefined) e.helper = a.help['help-name'];
  const pi: Obj | undefined = a.protoinfo;
  const tcp: Obj | undefined = pi?.['protoinfo-tcp'];
  if (tcp) {
    e.tcp = { state: typeof tcp['tcp-state'] === 'string' ? tcp['tcp-state'] : String(tcp['tcp-state'] ?? 'none') };
    if (tcp['tcp-wscale-original'] !== undefined) e.tcp.wscaleOriginal = tcp['tcp-wscale-original'];
    if (tcp['tcp-wscale-reply'] !== undefined) e.tcp.wscaleReply = tcp['tcp-wscale-reply'];
    if (tcp['tcp-flags-original']) e.tcp.flagsOriginal = tcp['tcp-flags-original'].flags;
    if (tcp['tcp-flags-reply']) e.tcp.flagsReply = tcp['tcp-flags-reply'].flags;
  }
  const sctp: Obj | undefined = pi?.['protoinfo-sctp'];
  if (sctp) e.sctp = { state: String(sctp['sctp-state'] ?? 'none'), vtagOriginal: sctp['vtag-original'], vtagReply: sctp['vtag-reply'] };
  if (pi?.['protoinfo-dccp']) e.dccp = { state: pi['protoinfo-dccp']['dccp-state'] ?? 0 };
  const co = counters(a['counters-orig']);
  const cr = counters(a['counters-reply']);
  if (co || cr) e.counters = { ...(co ? { orig: co } : {}), ...(cr ? { reply: cr } : {}) };
  if (a.timestamp) e.timestamp = { ...(a.timestamp.start !== undefined ? { start: a.timestamp.start } : {}), ...(a.timestamp.stop !== undefined ? { stop: a.timestamp.stop } : {}) };
  const master = tupleFrom(a['tuple-master']);
  if (master) e.master = master;
  return e;
}

/** An expectation (`conntrack -L expect`). */
export interface ConntrackExpectation {
  family: L3Family;
  master?: Tuple;
  tuple?: Tuple;
  mask?: Tuple;
  timeout?: number;
  id?: number;
  helper?: string;
  zone?: number;
  flags?: number;
  class?: number;
  fn?: string;
  attrs: Record<string, unknown>;
}

export function expectationFrom(m: Pick<DecodedMessage, 'header' | 'attrs'>): ConntrackExpectation {
  const a = m.attrs as Obj;
  const x: ConntrackExpectation = { family: m.header?.['nfgen-family'] === AF_INET6 ? 'ipv6' : 'ipv4', attrs: a };
  for (const k of ['master', 'tuple', 'mask'] as const) { const t = tupleFrom(a[k]); if (t) x[k] = t; }
  if (a.timeout !== undefined) x.timeout = a.timeout;
  if (a.id !== undefined) x.id = a.id;
  if (a['help-name'] !== undefined) x.helper = a['help-name'];
  if (a.zone !== undefined) x.zone = a.zone;
  if (a.flags !== undefined) x.flags = a.flags;
  if (a.class !== undefined) x.class = a.class;
  if (a.fn !== undefined) x.fn = a.fn;
  return x;
}
