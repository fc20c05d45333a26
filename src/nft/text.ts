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
import type { NftSet } from './set.js';
import { decodeElementValue, type SetElement } from './set-element.js';
import type { Chain } from './chain.js';
import type { Table } from './table.js';
import type { Ruleset } from './ruleset.js';
import {
  NF_BR_PRI_FILTER_BRIDGED, NF_BR_PRI_NAT_DST_BRIDGED, NF_BR_PRI_NAT_DST_OTHER, NF_BR_PRI_NAT_SRC, NF_IP_PRI_FILTER,
  NF_IP_PRI_MANGLE, NF_IP_PRI_NAT_DST, NF_IP_PRI_NAT_SRC, NF_IP_PRI_RAW, NF_IP_PRI_SECURITY,
  NFT_SET_CONSTANT, NFT_SET_EVAL, NFT_SET_INTERVAL, NFT_SET_TIMEOUT, NFT_TABLE_F_DORMANT, NFT_TABLE_F_OWNER, NFT_TABLE_F_PERSIST,
} from './constants.js';
import { hex } from './codec.js';

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

/** Elements of a set by name, so a lookup of an anonymous set prints inline: `tcp dport { 22, 80 }`. */
export type SetResolver = (name: string) => { keyType: NftSet['keyType']; elements: readonly SetElement[] } | undefined;

/** The rule's expressions in nft syntax (without table/chain). */
export function expressionsText(list: readonly Expression[], family: Family, sets?: SetResolver): string {
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

    if (e.type === 'meta' && e.dreg !== undefined && next?.type === 'lookup' && next.sreg === e.dreg && next.dreg === undefined) {
      const anon = next.set.startsWith('__set') ? sets?.(next.set) : undefined;
      const target = anon ? elementList(anon.keyType, anon.elements) : `@${next.set}`;
      const key = typeof e.key === 'string' ? e.key : undefined;
      if (key) {
        out.push(`${key === 'iifname' || key === 'oifname' ? '' : 'meta '}${key} ${next.invert ? '!= ' : ''}${target}`);
        i++;
        continue;
      }
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
            const anon = m.set.startsWith('__set') ? sets?.(m.set) : undefined;
            const target = anon ? elementList(anon.keyType, anon.elements) : `@${m.set}`;
            out.push(`${f.name} ${m.invert ? '!= ' : ''}${target}`); i = j; continue;
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
  return ruleToTextWithSets(r);
}

/** ruleToText, with the table's sets at hand so anonymous sets print inline (`{ 22, 80 }`). */
export function ruleToTextWithSets(r: Rule, sets?: SetResolver): string {
  let s = expressionsText(r.expressions, r.family, sets);
  if (r.comment !== undefined) s += `${s ? ' ' : ''}comment "${r.comment}"`;
  return s;
}

// ---- whole rulesets, as `nft list ruleset` prints them ----

/** An element of a set in nft's notation for the set's type. */
export function elementText(keyType: NftSet['keyType'], e: SetElement): string {
  const v = decodeElementValue(keyType, e.key);
  if (v === undefined) return `0x${hex(e.key)}`;
  switch (keyType) {
    case 'mark': return `0x${(v as number).toString(16).padStart(8, '0')}`;
    case 'inet_proto': return L4NAMES[v as number] ?? String(v);
    case 'ifname': return `"${v}"`;
    default: return String(v);
  }
}

/**
 * nft prints elements sorted by value: big-endian types (addresses, ports) byte by byte,
 * host-endian ones (marks, interface names) as little-endian integers, last byte first.
 */
export function sortedElements(keyType: NftSet['keyType'], elements: readonly SetElement[]): SetElement[] {
  const hostEndian = keyType === 'mark' || keyType === 'ifname' || keyType === 'integer';
  const cmp = (a: Uint8Array, b: Uint8Array): number => {
    const n = Math.max(a.length, b.length);
    for (let i = 0; i < n; i++) {
      const k = hostEndian ? n - 1 - i : i;
      const d = (a[k] ?? 0) - (b[k] ?? 0);
      if (d) return d;
    }
    return 0;
  };
  return [...elements].sort((x, y) => cmp(x.key, y.key));
}

function elementList(keyType: NftSet['keyType'], elements: readonly SetElement[]): string {
  return `{ ${sortedElements(keyType, elements).map((e) => elementText(keyType, e)).join(', ')} }`;
}

const STD_PRIOS: [number, string][] = [
  [NF_IP_PRI_RAW, 'raw'], [NF_IP_PRI_MANGLE, 'mangle'], [NF_IP_PRI_NAT_DST, 'dstnat'], [NF_IP_PRI_FILTER, 'filter'],
  [NF_IP_PRI_SECURITY, 'security'], [NF_IP_PRI_NAT_SRC, 'srcnat'],
];
const BRIDGE_PRIOS: [number, string][] = [
  [NF_BR_PRI_NAT_DST_BRIDGED, 'dstnat'], [NF_BR_PRI_FILTER_BRIDGED, 'filter'], [NF_BR_PRI_NAT_DST_OTHER, 'out'], [NF_BR_PRI_NAT_SRC, 'srcnat'],
];

/** nft's rule for naming a priority: a standard one of the family and hook within 10 of it. */
function priorityCompatible(prio: number, family: Family, hook: string | number | undefined): boolean {
  if (family === 'bridge') {
    switch (prio) {
      case NF_BR_PRI_NAT_DST_BRIDGED: return hook === 'prerouting';
      case NF_BR_PRI_FILTER_BRIDGED: return true;
      case NF_BR_PRI_NAT_DST_OTHER: return hook === 'output';
      case NF_BR_PRI_NAT_SRC: return hook === 'postrouting';
      default: return false;
    }
  }
  const inetLike = family === 'ip' || family === 'ip6' || family === 'inet';
  switch (prio) {
    case NF_IP_PRI_FILTER: return inetLike || family === 'arp' || family === 'netdev';
    case NF_IP_PRI_RAW: case NF_IP_PRI_MANGLE: case NF_IP_PRI_SECURITY: return inetLike;
    // As nft 1.0.6 (the oracle here) names them; nft >= 1.0.8 also names dstnat in output
    // and srcnat in input chains.
    case NF_IP_PRI_NAT_DST: return inetLike && hook === 'prerouting';
    case NF_IP_PRI_NAT_SRC: return inetLike && hook === 'postrouting';
    default: return false;
  }
}

export function priorityText(family: Family, hook: string | number | undefined, prio: number): string {
  for (const [std, name] of family === 'bridge' ? BRIDGE_PRIOS : STD_PRIOS) {
    const offset = prio - std;
    if (Math.abs(offset) <= 10) {
      if (!priorityCompatible(std, family, hook)) break;
      return offset > 0 ? `${name} + ${offset}` : offset < 0 ? `${name} - ${-offset}` : name;
    }
  }
  return String(prio);
}

/** Milliseconds the way nft writes a time: 1d2h3m4s5ms. */
export function timeText(ms: number): string {
  if (ms === 0) return '0s';
  const parts: [number, string][] = [[86400000, 'd'], [3600000, 'h'], [60000, 'm'], [1000, 's'], [1, 'ms']];
  let s = '';
  let rest = ms;
  for (const [unit, name] of parts) {
    const n = Math.floor(rest / unit);
    if (n) { s += `${n}${name}`; rest -= n * unit; }
  }
  return s;
}

function setBlock(set: NftSet & { elements?: readonly SetElement[] }): string {
  let s = `\tset ${set.name} {\n`;
  const typeName = (t: NftSet['keyType']): string => (typeof t === 'number' ? `0x${t.toString(16)}` : t);
  s += `\t\ttype ${typeName(set.keyType)}${set.dataType !== undefined ? ` : ${typeName(set.dataType)}` : ''}\n`;
  if (set.policy === 'memory') s += '\t\tpolicy memory\n';
  const flags: string[] = [];
  const f = set.flags ?? 0;
  if (f & NFT_SET_CONSTANT) flags.push('constant');
  if (f & NFT_SET_EVAL) flags.push('dynamic');
  if (f & NFT_SET_INTERVAL) flags.push('interval');
  if (f & NFT_SET_TIMEOUT && set.timeout === undefined) flags.push('timeout');
  if (flags.length) s += `\t\tflags ${flags.join(',')}\n`;
  if (set.timeout !== undefined) s += `\t\ttimeout ${timeText(set.timeout)}\n`;
  if (set.gcInterval !== undefined) s += `\t\tgc-interval ${timeText(set.gcInterval)}\n`;
  // nft sizes constant sets itself and does not print that size.
  if (set.size !== undefined && !(f & NFT_SET_CONSTANT)) s += `\t\tsize ${set.size}\n`;
  if (set.comment !== undefined) s += `\t\tcomment "${set.comment}"\n`;
  if (set.elements?.length) s += `\t\telements = ${elementList(set.keyType, set.elements)}\n`;
  return `${s}\t}\n`;
}

function chainBlock(c: Chain & { rules?: readonly Rule[] }, sets?: SetResolver): string {
  let s = `\tchain ${c.name} {\n`;
  if (c.comment !== undefined) s += `\t\tcomment "${c.comment}"\n`;
  if (c.hook !== undefined) {
    const prio = typeof c.priority === 'number' ? priorityText(c.family, c.hook, c.priority) : String(c.priority ?? 0);
    const dev = c.device !== undefined ? ` device "${c.device}"` : c.devices?.length ? ` devices = { ${c.devices.join(', ')} }` : '';
    s += `\t\ttype ${c.type ?? 'filter'} hook ${c.hook}${dev} priority ${prio}; policy ${c.policy ?? 'accept'};\n`;
  }
  for (const r of c.rules ?? []) s += `\t\t${ruleToTextWithSets(r, sets)}\n`;
  return `${s}\t}\n`;
}

function tableFlags(flags: number): string[] {
  const out: string[] = [];
  if (flags & NFT_TABLE_F_DORMANT) out.push('dormant');
  if (flags & NFT_TABLE_F_OWNER) out.push('owner');
  if (flags & NFT_TABLE_F_PERSIST) out.push('persist');
  return out;
}

/**
 * The ruleset as `nft list ruleset` prints it: tables, named sets with their elements,
 * chains with their rules, anonymous sets inline. Not reproduced: nft's wrapping of long
 * element lists over several lines, interval and concatenated set elements, and objects,
 * flowtables and maps of other kinds than the library builds.
 */
export function rulesetToText(rs: Pick<Ruleset, 'tables'>): string {
  let out = '';
  for (const t of rs.tables) {
    out += `table ${t.family} ${t.name} {\n`;
    if (t.comment !== undefined) out += `\tcomment "${t.comment}"\n`;
    const flags = tableFlags((t as Table).flags ?? 0);
    if (flags.length) out += `\tflags ${flags.join(',')}\n\n`;
    const byName = new Map(t.sets.map((s) => [s.name, s]));
    const resolver: SetResolver = (name) => byName.get(name);
    const blocks = [
      ...t.sets.filter((s) => !s.name.startsWith('__set')).map((s) => setBlock(s)),
      ...t.chains.map((c) => chainBlock(c, resolver)),
    ];
    out += blocks.join('\n');
    out += '}\n';
  }
  return out;
}
