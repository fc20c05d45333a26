// Classifier options from friendly input to the declared attribute sets (u32, flower,
// matchall, basic, fw, bpf), in the order iproute2's f_*.c write them, so requests equal what
// `tc filter add ...` sends (test/tc-golden.test.ts).
import { ValidationError } from '../netlink/errors.js';
import { parseIP } from '../netlink/address.js';
import { actionList, type ActionInput } from './actions.js';
import { parseClassId, parseU32Handle } from './handle.js';
import { addMatch, splitMatches, U32Selector, type U32Match } from './u32.js';

interface FilterCommon {
  /** Where matching packets go (tc's flowid / classid), "1:10". */
  classid?: string | number;
  actions?: readonly ActionInput[];
}

export interface U32Options extends FilterCommon {
  kind: 'u32';
  /** Matches, as tc's words ("ip dst 10.0.0.1/32 match ip dport 80 0xffff") or a list. */
  match?: string | readonly U32Match[];
  /** Make this filter a hash table with this many buckets (with a handle such as "2:"). */
  divisor?: number;
  /** Continue in this hash table ("2:") for matching packets. */
  link?: string | number;
  /** Put the filter into this hash table / bucket ("800::", "2:a:"). */
  ht?: string | number;
  /** Which bits pick the bucket in the linked table. */
  hashkey?: { mask: number; at: number };
  indev?: string;
  skipHw?: boolean;
  skipSw?: boolean;
}
export interface FlowerOptions extends FilterCommon {
  kind: 'flower';
  dstIp?: string; srcIp?: string; ipProto?: 'tcp' | 'udp' | 'icmp' | 'sctp' | number;
  dstPort?: number; srcPort?: number; dstMac?: string; srcMac?: string; indev?: string; skipHw?: boolean; skipSw?: boolean;
}
export interface MatchallOptions extends FilterCommon { kind: 'matchall'; skipHw?: boolean; skipSw?: boolean }
export interface BasicOptions extends FilterCommon { kind: 'basic' }
export interface FwOptions extends FilterCommon { kind: 'fw'; mask?: number; indev?: string }
export interface BpfOptions extends FilterCommon {
  kind: 'bpf';
  /** An eBPF program: an open program fd (from bpf(BPF_PROG_LOAD) or BPF_OBJ_GET of a pinned path). */
  fd?: number;
  /** The program's name as tc shows it (tc writes "file:[section]"). */
  name?: string;
  /** Classic BPF: [code, jt, jf, k] instructions (tc's "bytecode"). */
  bytecode?: readonly (readonly [number, number, number, number])[];
  directAction?: boolean;
}
export type FilterOptions = U32Options | FlowerOptions | MatchallOptions | BasicOptions | FwOptions | BpfOptions;

export const ETH_P = { all: 0x0003, ip: 0x0800, arp: 0x0806, ipv6: 0x86dd, '802.1q': 0x8100, '802.1ad': 0x88a8, mpls_uc: 0x8847, mpls_mc: 0x8848 } as const;
const IPPROTO = { icmp: 1, tcp: 6, udp: 17, sctp: 132, icmpv6: 58 } as const;

/** A protocol by name (tc's ll_proto_a2n) or number, host order. */
export function protocolNumber(p: string | number | undefined): number {
  if (p === undefined) return ETH_P.all;
  if (typeof p === 'number') {
    if (!Number.isInteger(p) || p < 0 || p > 0xffff) throw new ValidationError('protocol', `${p} is not an ethertype`);
    return p;
  }
  const n = ETH_P[p.toLowerCase() as keyof typeof ETH_P];
  if (n !== undefined) return n;
  if (/^0x[0-9a-f]{1,4}$/i.test(p)) return parseInt(p, 16);
  throw new ValidationError('protocol', `${JSON.stringify(p)} is not a protocol (${Object.keys(ETH_P).join(', ')}, or 0xNNNN)`);
}

const classid = (v: string | number | undefined): number | undefined => (v === undefined ? undefined : parseClassId(v, 'classid'));

function clsFlags(o: { skipHw?: boolean; skipSw?: boolean }): number {
  return (o.skipHw ? 1 : 0) | (o.skipSw ? 2 : 0);
}

function u32(o: U32Options, ifindex: (d: string | number) => number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const cls = classid(o.classid);
  if (cls !== undefined) out.classid = cls;
  if (o.divisor !== undefined) {
    if (!Number.isInteger(o.divisor) || o.divisor < 1 || o.divisor > 256) throw new ValidationError('divisor', `${o.divisor} is not in 1..256`);
    out.divisor = o.divisor;
  }
  if (o.link !== undefined) out.link = parseU32Handle(o.link, 'link');
  if (o.actions?.length) out.act = actionList(o.actions, ifindex);
  if (o.indev !== undefined) out.indev = o.indev;
  if (o.ht !== undefined) out.hash = parseU32Handle(o.ht, 'ht');
  const matches = o.match === undefined ? [] : typeof o.match === 'string' ? splitMatches(o.match) : o.match;
  if (matches.length || o.hashkey || cls !== undefined || o.actions?.length) {
    const s = new U32Selector();
    matches.forEach((m, i) => addMatch(s, m, `match[${i}]`));
    // A flowid or an action ends the classification here (TC_U32_TERMINAL).
    const sel: Record<string, unknown> = { flags: cls !== undefined || o.actions?.length ? 1 : 0, offshift: 0, offmask: 0, off: 0, offoff: 0, hoff: 0, hmask: 0, keys: s.keys };
    if (o.hashkey) {
      sel.hmask = o.hashkey.mask >>> 0;
      sel.hoff = o.hashkey.at;
    }
    out.sel = sel;
  }
  const f = clsFlags(o);
  if (f) out.flags = f;
  return out;
}

function flower(o: FlowerOptions, protocol: number, ifindex: (d: string | number) => number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const cls = classid(o.classid);
  if (cls !== undefined) out.classid = cls;
  if (o.indev !== undefined) out.indev = o.indev;
  if (o.dstMac !== undefined) { out['key-eth-dst'] = o.dstMac; out['key-eth-dst-mask'] = 'ff:ff:ff:ff:ff:ff'; }
  if (o.srcMac !== undefined) { out['key-eth-src'] = o.srcMac; out['key-eth-src-mask'] = 'ff:ff:ff:ff:ff:ff'; }
  for (const [k, name] of [['dstIp', 'dst'], ['srcIp', 'src']] as const) {
    const v = o[k];
    if (v === undefined) continue;
    const [addr, len] = v.split('/');
    const b = addr ? parseIP(addr) : undefined;
    if (!b) throw new ValidationError(k, `${JSON.stringify(v)} is not an address or prefix`);
    const fam = b.length === 4 ? 'ipv4' : 'ipv6';
    if ((fam === 'ipv4' && protocol !== ETH_P.ip) || (fam === 'ipv6' && protocol !== ETH_P.ipv6)) throw new ValidationError(k, `an ${fam} address needs protocol ${fam === 'ipv4' ? 'ip' : 'ipv6'}`);
    const bits = len === undefined ? b.length * 8 : Number(len);
    const mask = new Uint8Array(b.length);
    for (let i = 0; i < bits; i++) mask[i >> 3]! |= 0x80 >> (i & 7);
    out[`key-${fam}-${name}`] = b;
    out[`key-${fam}-${name}-mask`] = mask;
  }
  let proto: number | undefined;
  if (o.ipProto !== undefined) {
    proto = typeof o.ipProto === 'number' ? o.ipProto : IPPROTO[o.ipProto];
    if (proto === undefined || proto < 0 || proto > 255) throw new ValidationError('ipProto', `${JSON.stringify(o.ipProto)} is not tcp, udp, sctp, icmp or a number`);
    out['key-ip-proto'] = proto;
  }
  for (const [k, name] of [['dstPort', 'dst'], ['srcPort', 'src']] as const) {
    const v = o[k];
    if (v === undefined) continue;
    const l4 = proto === 6 ? 'tcp' : proto === 17 ? 'udp' : proto === 132 ? 'sctp' : undefined;
    if (!l4) throw new ValidationError(k, 'ports need ipProto tcp, udp or sctp');
    if (!Number.isInteger(v) || v < 0 || v > 0xffff) throw new ValidationError(k, `${v} is not a port`);
    out[`key-${l4}-${name}`] = v;
  }
  if (o.actions?.length) out.act = actionList(o.actions, ifindex);
  out.flags = clsFlags(o);
  out['key-eth-type'] = protocol;
  return out;
}

/** TCA_OPTIONS of a filter (protocol in host order, as the header carries it swapped). */
export function filterOptions(o: FilterOptions, protocol: number, ifindex: (d: string | number) => number): Record<string, unknown> {
  switch (o.kind) {
    case 'u32': return u32(o, ifindex);
    case 'flower': return flower(o, protocol, ifindex);
    case 'matchall': {
      const out: Record<string, unknown> = {};
      const cls = classid(o.classid);
      if (cls !== undefined) out.classid = cls;
      if (o.actions?.length) out.act = actionList(o.actions, ifindex);
      const f = clsFlags(o);
      if (f) out.flags = f;
      return out;
    }
    case 'basic': case 'fw': {
      const out: Record<string, unknown> = {};
      const cls = classid(o.classid);
      if (cls !== undefined) out.classid = cls;
      if (o.kind === 'fw' && o.indev !== undefined) out.indev = o.indev;
      if (o.kind === 'fw' && o.mask !== undefined) out.mask = o.mask >>> 0;
      if (o.actions?.length) out.act = actionList(o.actions, ifindex);
      return out;
    }
    case 'bpf': {
      const out: Record<string, unknown> = {};
      const cls = classid(o.classid);
      if (cls !== undefined) out.classid = cls;
      if ((o.fd === undefined) === (o.bytecode === undefined)) throw new ValidationError('fd', 'a bpf filter takes a program fd or classic bytecode (one of them)');
      if (o.bytecode) {
        if (!o.bytecode.length || o.bytecode.length > 4096) throw new ValidationError('bytecode', 'between 1 and 4096 instructions');
        const ops = new Uint8Array(o.bytecode.length * 8);
        const dv = new DataView(ops.buffer);
        o.bytecode.forEach(([code, jt, jf, k], i) => { dv.setUint16(i * 8, code, true); dv.setUint8(i * 8 + 2, jt); dv.setUint8(i * 8 + 3, jf); dv.setUint32(i * 8 + 4, k >>> 0, true); });
        out['ops-len'] = o.bytecode.length;
        out.ops = ops;
      } else {
        if (!Number.isInteger(o.fd) || o.fd! < 0) throw new ValidationError('fd', `${o.fd} is not a file descriptor`);
        out.fd = o.fd;
        out.name = o.name ?? `fd:${o.fd}`;
      }
      if (o.directAction) out.flags = 1;
      if (o.actions?.length) out.act = actionList(o.actions, ifindex);
      return out;
    }
    default:
      throw new ValidationError('kind', `${JSON.stringify((o as { kind: string }).kind)} is not a classifier this library builds (u32, flower, matchall, basic, fw, bpf)`);
  }
}
