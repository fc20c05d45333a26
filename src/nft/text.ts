// Expressions back to nft syntax: "ip saddr 192.168.0.0/16 oifname "eth0" masquerade".
// Recognizes the sequences nft (and the vocabulary) produce: protocol guards folded into the
// match they protect, prefixes with or without a mask, ranges, set lookups, ct state,
// NAT with immediates. Anything else prints in nft --debug=netlink form, so the text never
// lies about what a rule does. Used for error messages and listings; the tests compare it with
// `nft list ruleset` for rulesets nft loaded itself.
import { formatIPv4, formatIPv6 } from '../netlink/address.js';
import {
  NF_CT_STATE_ESTABLISHED_BIT, NF_CT_STATE_INVALID_BIT, NF_CT_STATE_NEW_BIT, NF_CT_STATE_RELATED_BIT,
  NF_CT_STATE_UNTRACKED_BIT, NF_NAT_RANGE_PERSISTENT, NF_NAT_RANGE_PROTO_RANDOM, NF_NAT_RANGE_PROTO_RANDOM_FULLY,
  NFPROTO_IPV4, NFPROTO_IPV6,
} from './constants.js';
import type { Family } from './codec.js';
import { formatExpression, type CmpExpr, type Expression } from './expr/index.js';
import type { Rule } from './rule.js';

const L4NAMES: Record<number, string> = { 1: 'icmp', 2: 'igmp', 6: 'tcp', 17: 'udp', 47: 'gre', 50: 'esp', 51: 'ah', 58: 'ipv6-icmp', 132: 'sctp', 136: 'udplite' };
const CT_STATES: [number, string][] = [
  [NF_CT_STATE_INVALID_BIT, 'invalid'], [NF_CT_STATE_ESTABLISHED_BIT, 'established'], [NF_CT_STATE_RELATED_BIT, 'related'],
  [NF_CT_STATE_NEW_BIT, 'new'], [NF_CT_STATE_UNTRACKED_BIT, 'untracked'],
];
const OPS: Record<string, string> = { eq: '', neq: '!= ', lt: '< ', lte: '<= ', gt: '> ', gte: '>= ' };

const le32 = (d: Uint8Array): number => (d[0] ?? 0) | ((d[1] ?? 0) << 8) | ((d[2] ?? 0) << 16) | (((d[3] ?? 0) << 24) >>> 0);
const be16 = (d: Uint8Array): number => ((d[0] ?? 0) << 8) | (d[1] ?? 0);

function address(d: Uint8Array, width: number, bits?: number): string {
  const full = new Uint8Array(width);
  full.set(d.subarray(0, width));
  const a = width === 4 ? formatIPv4(full) : formatIPv6(full);
  const n = bits ?? d.length * 8;
  return n < width * 8 ? `${a}/${n}` : a;
}

function maskBits(mask: Uint8Array): number | undefined {
  let bits = 0;
  let ended = false;
  for (const byte of mask) {
    for (let i = 7; i >= 0; i--) {
      if (byte & (1 << i)) { if (ended) return undefined; bits++; } else ended = true;
    }
  }
  return bits;
}

function ifname(d: Uint8Array): string {
  const nul = d.indexOf(0);
  const s = new TextDecoder().decode(nul >= 0 ? d.subarray(0, nul) : d);
  // A name compared without its terminating NUL is a prefix match: nft writes it "eth*".
  return nul < 0 && d.length < 16 ? `"${s}*"` : `"${s}"`;
}

interface State {
  family: Family;
  /** Network protocol established by a guard (or the table family). */
  l3?: 'ip' | 'ip6';
  /** Transport protocol established by `meta l4proto`. */
  l4?: number;
  /** Values loaded by immediates, by register. */
  imm: Map<number, Uint8Array>;
}

/** A value compared against a field, rendered for that field. */
type Render = (d: Uint8Array, bits?: number) => string;

/** The name and value format of a payload field, or undefined when nft has no name for it here. */
function payloadField(st: State, base: string | number, offset: number, len: number): { name: string; render: Render; width: number } | undefined {
  if (base === 'network') {
    if (st.l3 === 'ip') {
      if ((offset === 12 || offset === 16) && len <= 4) return { name: `ip ${offset === 12 ? 'saddr' : 'daddr'}`, render: (d, b) => address(d, 4, b), width: 4 };
      if (offset === 9 && len === 1) return { name: 'ip protocol', render: (d) => L4NAMES[d[0]!] ?? String(d[0]), width: 1 };
    }
    if (st.l3 === 'ip6') {
      if ((offset === 8 || offset === 24) && len <= 16) return { name: `ip6 ${offset === 8 ? 'saddr' : 'daddr'}`, render: (d, b) => address(d, 16, b), width: 16 };
      if (offset === 6 && len === 1) return { name: 'ip6 nexthdr', render: (d) => L4NAMES[d[0]!] ?? String(d[0]), width: 1 };
    }
  }
  if (base === 'transport' && len === 2 && (offset === 0 || offset === 2)) {
    const l4 = st.l4 === 6 ? 'tcp' : st.l4 === 17 ? 'udp' : st.l4 === 132 ? 'sctp' : st.l4 === 136 ? 'udplite' : undefined;
    if (l4) return { name: `${l4} ${offset === 0 ? 'sport' : 'dport'}`, render: (d) => String(be16(d)), width: 2 };
  }
  return undefined;
}

function isCmp(e: Expression | undefined, reg: number): e is CmpExpr {
  return e?.type === 'cmp' && e.sreg === reg;
}

/** The rule's expressions in nft syntax (without table/chain). */
export function expressionsText(list: readonly Expression[], family: Family): string {
  const st: State = { family, imm: new Map() };
  if (family === 'ip' || family === 'ip6') st.l3 = family;
  const out: string[] = [];
  for (let i = 0; i < list.length; i++) {
    const e = list[i]!;
    const next = list[i + 1];

    if (e.type === 'meta' && e.dreg !== undefined && isCmp(next, e.dreg)) {
      const d = next.data;
      const op = OPS[next.op as string] ?? `${String(next.op)} `;
      // Protocol guards: implicit when the next match depends on them, as nft prints it.
      if ((e.key === 'nfproto' && d.length === 1 && next.op === 'eq') || (e.key === 'protocol' && d.length === 2 && next.op === 'eq')) {
        const l3 = e.key === 'nfproto' ? (d[0] === NFPROTO_IPV4 ? 'ip' : d[0] === NFPROTO_IPV6 ? 'ip6' : undefined) : (be16(d) === 0x0800 ? 'ip' : be16(d) === 0x86dd ? 'ip6' : undefined);
        const after = list[i + 2];
        if (l3 && after?.type === 'payload' && payloadField({ ...st, l3 }, after.base, after.offset, after.len)) { st.l3 = l3; i++; continue; }
        if (l3) { out.push(`meta ${e.key} ${l3 === 'ip' ? 'ipv4' : 'ipv6'}`.replace('meta protocol ipv4', 'meta protocol ip').replace('meta protocol ipv6', 'meta protocol ip6')); st.l3 = l3; i++; continue; }
      }
      if (e.key === 'l4proto' && d.length === 1 && next.op === 'eq') {
        st.l4 = d[0];
        const after = list[i + 2];
        if (after?.type === 'payload' && after.base === 'transport' && payloadField(st, after.base, after.offset, after.len)) { i++; continue; }
        out.push(`meta l4proto ${L4NAMES[d[0]!] ?? d[0]}`); i++; continue;
      }
      if (e.key === 'iifname' || e.key === 'oifname') { out.push(`${e.key} ${op}${ifname(d)}`); i++; continue; }
      if (e.key === 'l4proto' && d.length === 1) { out.push(`meta l4proto ${op}${L4NAMES[d[0]!] ?? d[0]}`); i++; continue; }
      if (e.key === 'mark' && d.length === 4) { out.push(`meta mark ${op}0x${le32(d).toString(16).padStart(8, '0')}`); i++; continue; }
    }

    if (e.type === 'payload' && e.dreg !== undefined) {
      const f = payloadField(st, e.base, e.offset, e.len);
      if (f) {
        let j = i + 1;
        let bits: number | undefined;
        const bw = list[j];
        if (bw?.type === 'bitwise' && !('op' in bw) && bw.sreg === e.dreg && bw.dreg === e.dreg && bw.xor.every((x) => x === 0)) {
          bits = maskBits(bw.mask);
          if (bits === undefined) bits = -1;
          j++;
        }
        const m = list[j];
        const m2 = list[j + 1];
        if (bits !== -1) {
          if (isCmp(m, e.dreg) && m.op === 'gte' && isCmp(m2, e.dreg) && m2.op === 'lte' && bits === undefined) {
            out.push(`${f.name} ${f.render(m.data)}-${f.render(m2.data)}`); i = j + 1; continue;
          }
          if (isCmp(m, e.dreg)) {
            const partial = bits === undefined && e.len < f.width ? e.len * 8 : bits;
            out.push(`${f.name} ${OPS[m.op as string] ?? ''}${f.render(m.data, partial)}`); i = j; continue;
          }
          if (m?.type === 'range' && m.sreg === e.dreg && bits === undefined) {
            out.push(`${f.name} ${m.op === 'neq' ? '!= ' : ''}${f.render(m.from)}-${f.render(m.to)}`); i = j; continue;
          }
          if (m?.type === 'lookup' && m.sreg === e.dreg && m.dreg === undefined && bits === undefined) {
            out.push(`${f.name} ${m.invert ? '!= ' : ''}@${m.set}`); i = j; continue;
          }
        }
      }
    }

    if (e.type === 'ct' && e.key === 'state' && e.dreg !== undefined) {
      const bw = next;
      const c = list[i + 2];
      if (bw?.type === 'bitwise' && !('op' in bw) && bw.len === 4 && isCmp(c, bw.dreg) && c.op === 'neq' && le32(c.data) === 0) {
        const bits = le32(bw.mask);
        const names = CT_STATES.filter(([b]) => bits & b).map(([, n]) => n);
        const known = CT_STATES.reduce((acc, [b]) => acc | b, 0);
        if (names.length && (bits & ~known) === 0) { out.push(`ct state ${names.join(',')}`); i += 2; continue; }
      }
    }

    if (e.type === 'immediate') { st.imm.set(e.dreg, e.data); continue; }

    if (e.type === 'counter') { out.push(e.packets !== undefined ? `counter packets ${e.packets} bytes ${e.bytes ?? 0}` : 'counter'); continue; }

    if (e.type === 'verdict') {
      if (typeof e.code === 'number') { out.push(formatExpression(e)); continue; }
      out.push('chain' in e ? `${e.code} ${e.chain}` : e.code);
      continue;
    }

    if (e.type === 'masq') {
      let s = 'masquerade';
      const min = e.regProtoMin !== undefined ? st.imm.get(e.regProtoMin) : undefined;
      const max = e.regProtoMax !== undefined ? st.imm.get(e.regProtoMax) : undefined;
      if (min) s += ` to :${be16(min)}${max && be16(max) !== be16(min) ? `-${be16(max)}` : ''}`;
      const flags = natFlagText(e.flags ?? 0);
      if (flags) s += ` ${flags}`;
      out.push(s);
      continue;
    }

    if (e.type === 'nat') {
      const width = e.family === 'ip6' ? 16 : 4;
      const amin = e.regAddrMin !== undefined ? st.imm.get(e.regAddrMin) : undefined;
      const amax = e.regAddrMax !== undefined ? st.imm.get(e.regAddrMax) : undefined;
      const pmin = e.regProtoMin !== undefined ? st.imm.get(e.regProtoMin) : undefined;
      const pmax = e.regProtoMax !== undefined ? st.imm.get(e.regProtoMax) : undefined;
      if (amin && amin.length === width) {
        let a = address(amin, width);
        if (amax && amax.length === width && address(amax, width) !== a) a += `-${address(amax, width)}`;
        if (pmin && width === 16) a = `[${a}]`;
        if (pmin) a += `:${be16(pmin)}${pmax && be16(pmax) !== be16(pmin) ? `-${be16(pmax)}` : ''}`;
        let s = `${e.nat}${st.family === 'inet' ? ` ${e.family}` : ''} to ${a}`;
        const flags = natFlagText(e.flags ?? 0);
        if (flags) s += ` ${flags}`;
        out.push(s);
        continue;
      }
    }

    out.push(formatExpression(e));
  }
  return out.join(' ');
}

function natFlagText(flags: number): string {
  const names: string[] = [];
  if (flags & NF_NAT_RANGE_PROTO_RANDOM) names.push('random');
  if (flags & NF_NAT_RANGE_PROTO_RANDOM_FULLY) names.push('fully-random');
  if (flags & NF_NAT_RANGE_PERSISTENT) names.push('persistent');
  return names.join(',');
}

/** A rule in nft syntax, as `nft list ruleset` prints it inside its chain. */
export function ruleToText(r: Rule): string {
  let s = expressionsText(r.expressions, r.family);
  if (r.comment !== undefined) s += `${s ? ' ' : ''}comment "${r.comment}"`;
  return s;
}
