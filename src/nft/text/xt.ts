// iptables-nft's x_tables compat expressions (`match`/`target`: name, revision, info blob),
// printed as nft 1.0.6 prints them: through the extension's translation to nft syntax
// (libxtables' xlate, as iptables 1.8.9 writes it). Struct layouts are the kernel's
// include/uapi/linux/netfilter/xt_*.h and nf_nat.h (x86-64, natural alignment).
import type { Family } from '../codec.js';
import { formatIPv4, formatIPv6 } from '../../netlink/address.js';
import type { Rec } from './snapshot.js';
import type { Stmt } from './model.js';

const dv = (b: Uint8Array): DataView => new DataView(b.buffer, b.byteOffset, b.byteLength);
const u8 = (b: Uint8Array, o: number): number => b[o] ?? 0;
const u16 = (b: Uint8Array, o: number): number => (o + 2 <= b.length ? dv(b).getUint16(o, true) : 0);
const be16 = (b: Uint8Array, o: number): number => (o + 2 <= b.length ? dv(b).getUint16(o, false) : 0);
const u32 = (b: Uint8Array, o: number): number => (o + 4 <= b.length ? dv(b).getUint32(o, true) : 0);
const cstr = (b: Uint8Array, o: number, n: number): string => {
  const s = b.subarray(o, o + n);
  const z = s.indexOf(0);
  return new TextDecoder().decode(z >= 0 ? s.subarray(0, z) : s);
};
const hx = (n: number): string => `0x${(n >>> 0).toString(16)}`;

const CT_STATES: [number, string][] = [[1 << 0, 'invalid'], [1 << 3, 'new'], [1 << 2, 'related'], [1 << 1, 'established'], [1 << 8, 'untracked']];
const SNAT_BIT = 1 << 6, DNAT_BIT = 1 << 7;

function stateText(mask: number, invert: boolean): string {
  if (mask & (SNAT_BIT | DNAT_BIT)) {
    // iptables 1.8.9 translates the NAT pseudo-states alone (the other states and the negation are lost).
    const out: string[] = [];
    if (mask & SNAT_BIT) out.push('ct status snat');
    if (mask & DNAT_BIT) out.push('ct status dnat');
    return out.join(' ');
  }
  return `ct state ${invert ? '!= ' : ''}${CT_STATES.filter(([b]) => mask & b).map(([, n]) => n).join(',')}`;
}

function conntrack(info: Uint8Array, rev: number): string {
  const flags = u16(info, 146), inv = u16(info, 148);
  const parts: string[] = [];
  if (flags & 1) parts.push(stateText(rev === 1 ? u8(info, 150) : u16(info, 150), !!(inv & 1)));
  if (flags & (1 << 6)) {
    const st = rev === 1 ? u8(info, 151) : u16(info, 152);
    const names = [[1, 'expected'], [2, 'seen-reply'], [4, 'assured'], [8, 'confirmed']] as const;
    parts.push(`ct status ${inv & (1 << 6) ? '!= ' : ''}${names.filter(([b]) => st & b).map(([, n]) => n).join(',')}`);
  }
  if (flags & (1 << 12)) parts.push(`ct direction ${inv & (1 << 12) ? 'reply' : 'original'}`);
  return parts.join(' ');
}

const ADDRTYPES = ['unspec', 'unicast', 'local', 'broadcast', 'anycast', 'multicast', 'blackhole', 'unreachable', 'prohibit', 'throw', 'nat', 'xresolve'];

function addrtypeList(mask: number): string {
  const names = ADDRTYPES.filter((_, i) => mask & (1 << i));
  return names.length === 1 ? names[0]! : `{ ${names.join(', ')} }`;
}

function addrtype(info: Uint8Array): string {
  const src = u16(info, 0), dst = u16(info, 2), fl = u32(info, 4);
  const iface = fl & 4 ? ' . iif' : fl & 8 ? ' . oif' : '';
  const out: string[] = [];
  if (src) out.push(`fib saddr${iface} type ${fl & 1 ? '!= ' : ''}${addrtypeList(src)}`);
  if (dst) out.push(`fib daddr${iface} type ${fl & 2 ? '!= ' : ''}${addrtypeList(dst)}`);
  return out.join(' ');
}

const L4: Record<number, string> = { 6: 'tcp', 17: 'udp', 132: 'sctp', 33: 'dccp', 136: 'udplite' };

function multiport(info: Uint8Array, proto: number): string {
  const dir = u8(info, 0), count = u8(info, 1), invert = u8(info, 47);
  const ports: string[] = [];
  for (let i = 0; i < count; i++) {
    const p = u16(info, 2 + i * 2);
    if (u8(info, 32 + i)) { ports.push(`${p}-${u16(info, 2 + (i + 1) * 2)}`); i++; } else ports.push(String(p));
  }
  const l4 = L4[proto] ?? 'th';
  const set = ports.length > 1 ? `{ ${ports.join(', ')} }` : ports[0] ?? '';
  const neg = invert ? '!= ' : '';
  if (dir === 2) return `${l4} sport . ${l4} dport ${neg}${set}`;
  return `${l4} ${dir === 0 ? 'sport' : 'dport'} ${neg}${set}`;
}

function portRange(lo: number, hi: number, inv: boolean): string | undefined {
  if (lo === 0 && hi === 0xffff) return undefined;
  return `${inv ? '!= ' : ''}${lo === hi ? lo : `${lo}-${hi}`}`;
}

function tcpUdp(info: Uint8Array, l4: 'tcp' | 'udp'): string {
  const sp = portRange(u16(info, 0), u16(info, 2), !!(u8(info, l4 === 'tcp' ? 11 : 8) & 1));
  const dp = portRange(u16(info, 4), u16(info, 6), !!(u8(info, l4 === 'tcp' ? 11 : 8) & 2));
  const out: string[] = [];
  if (sp) out.push(`${l4} sport ${sp}`);
  if (dp) out.push(`${l4} dport ${dp}`);
  if (l4 === 'tcp') {
    const mask = u8(info, 9), cmp = u8(info, 10);
    if (mask) {
      const names = ['fin', 'syn', 'rst', 'psh', 'ack', 'urg'];
      const list = (v: number): string => names.filter((_, i) => v & (1 << i)).join(',');
      out.push(`tcp flags ${u8(info, 11) & 4 ? '!= ' : ''}${list(cmp)} / ${list(mask)}`);
    }
  }
  return out.join(' ');
}

function markMatch(info: Uint8Array): string {
  const mark = u32(info, 0), mask = u32(info, 4), inv = u8(info, 8);
  if (mask === 0xffffffff) return `mark ${inv ? '!= ' : ''}${hx(mark)}`;
  return `mark and ${hx(mask)} ${inv ? '!= ' : ''}${hx(mark)}`;
}

function statistic(info: Uint8Array): string {
  const mode = u16(info, 0), fl = u16(info, 2);
  if (mode === 0) return `meta random & 2147483647 ${fl & 1 ? '>=' : '<'} ${u32(info, 4)}`;
  return `numgen inc mod ${u32(info, 4) + 1} ${fl & 1 ? '!=' : '=='} ${u32(info, 8)}`;
}

function limitMatch(info: Uint8Array): string {
  const avg = u32(info, 0), burst = u32(info, 4);
  const SCALE = 10000;
  const units: [number, string][] = [[SCALE * 86400, 'day'], [SCALE * 3600, 'hour'], [SCALE * 60, 'minute'], [SCALE, 'second']];
  let rate = '';
  for (const [u, n] of units) if (avg && u % avg === 0 && !rate) rate = `${u / avg}/${n}`;
  return `limit rate ${rate || `${SCALE / avg}/second`} burst ${burst} packets`;
}

const NAT_FLAGS = (fl: number): string => [fl & 4 && 'random', fl & 16 && 'fully-random', fl & 8 && 'persistent'].filter(Boolean).map((f) => ` ${f}`).join('');

/** nf_nat_ipv4_multi_range_compat (rev 0 of SNAT/DNAT/MASQUERADE/REDIRECT). */
function natCompat(info: Uint8Array): { flags: number; min: string; max: string; pmin: number; pmax: number } {
  return { flags: u32(info, 4), min: formatIPv4(info.subarray(8, 12)), max: formatIPv4(info.subarray(12, 16)), pmin: be16(info, 16), pmax: be16(info, 18) };
}

/** nf_nat_range / nf_nat_range2 (rev 1, 2). */
function natRange(info: Uint8Array, family: Family): { flags: number; min: string; max: string; pmin: number; pmax: number } {
  const v6 = family === 'ip6';
  const addr = (o: number): string => (v6 ? formatIPv6(info.subarray(o, o + 16)) : formatIPv4(info.subarray(o, o + 4)));
  return { flags: u32(info, 0), min: addr(4), max: addr(20), pmin: be16(info, 36), pmax: be16(info, 38) };
}

function natText(kind: 'snat' | 'dnat', r: ReturnType<typeof natCompat>, family: Family): string {
  let s = `${kind} to`;
  const v6 = family === 'ip6';
  if (r.flags & 1) {
    const a = v6 && r.flags & 2 ? `[${r.min}]` : r.min;
    s += ` ${a}${r.max !== r.min ? `-${r.max}` : ''}`;
  }
  if (r.flags & 2) s += `${r.flags & 1 ? '' : ' '}:${r.pmin}${r.pmax !== r.pmin ? `-${r.pmax}` : ''}`;
  return s + NAT_FLAGS(r.flags);
}

function markTarget(info: Uint8Array, what: 'meta mark' | 'ct mark', self: string): string {
  const mark = u32(info, 0), mask = u32(info, 4);
  if (mask === 0xffffffff) return `${what} set ${hx(mark)}`;
  if (mark === 0) return `${what} set ${self} and ${hx(~mask)}`;
  if (mark === mask) return `${what} set ${self} or ${hx(mark)}`;
  if (mask === 0) return `${what} set ${self} xor ${hx(mark)}`;
  return `${what} set ${self} and ${hx(~mask)} xor ${hx(mark)}`;
}

function connmark(info: Uint8Array): string {
  const ctmark = u32(info, 0), ctmask = u32(info, 4), nfmask = u32(info, 8), mode = u8(info, 14);
  if (mode === 0) {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setUint32(0, ctmark, true);
    new DataView(b.buffer).setUint32(4, ctmask, true);
    return markTarget(b, 'ct mark', 'ct mark');
  }
  if (mode === 1) return nfmask === 0xffffffff && ctmask === 0xffffffff ? 'ct mark set mark' : `ct mark set mark and ${hx(nfmask & ctmask)}`;
  return nfmask === 0xffffffff && ctmask === 0xffffffff ? 'meta mark set ct mark' : `meta mark set ct mark and ${hx(nfmask & ctmask)}`;
}

const REJECT_V4 = ['net-unreachable', 'host-unreachable', 'prot-unreachable', 'port-unreachable', 'echo-reply', 'net-prohibited', 'host-prohibited', 'tcp-reset', 'admin-prohibited'];
const LEVELS = ['emerg', 'alert', 'crit', 'err', 'warn', 'notice', 'info', 'debug'];

function reject(info: Uint8Array, family: Family): string {
  const w = u32(info, 0);
  if (family === 'ip6') {
    const v6 = ['no-route', 'admin-prohibited', 'addr-unreachable', 'port-unreachable', 'echo-reply', 'tcp-reset', 'icmp6-policy-fail', 'icmp6-reject-route'];
    if (w === 3) return 'reject';
    if (w === 5) return 'reject with tcp reset';
    return `reject with icmpv6 ${v6[w] ?? w}`;
  }
  if (w === 3) return 'reject';
  if (w === 7) return 'reject with tcp reset';
  return `reject with icmp ${REJECT_V4[w] ?? w}`;
}

function log(info: Uint8Array): string {
  const level = u8(info, 0), prefix = cstr(info, 2, 30);
  let s = 'log';
  if (prefix) s += ` prefix "${prefix}"`;
  if (level !== 4) s += ` level ${LEVELS[level] ?? level}`;
  return s;
}

/** The nft text of one xt expression, or a marker when the extension has no translation here. */
export function xtText(kind: 'match' | 'target', name: string, rev: number, info: Uint8Array, family: Family, proto: number): string {
  if (kind === 'match') {
    switch (name) {
      case 'comment': return '';
      case 'conntrack': return conntrack(info, rev);
      case 'state': return stateText(u32(info, 0), false);
      case 'addrtype': return rev === 1 ? addrtype(info) : `fib daddr type ${addrtypeList(u16(info, 2))}`;
      case 'multiport': return multiport(info, proto);
      case 'tcp': return tcpUdp(info, 'tcp');
      case 'udp': return tcpUdp(info, 'udp');
      case 'mark': return markMatch(info);
      case 'statistic': return statistic(info);
      case 'limit': return limitMatch(info);
      default:
    }
  } else {
    switch (name) {
      case 'MASQUERADE': {
        const r = natCompat(info);
        return `masquerade${r.flags & 2 ? ` to :${r.pmin}${r.pmax !== r.pmin ? `-${r.pmax}` : ''}` : ''}${NAT_FLAGS(r.flags)}`;
      }
      case 'REDIRECT': {
        const r = natCompat(info);
        return `redirect${r.flags & 2 ? ` to :${r.pmin}${r.pmax !== r.pmin ? `-${r.pmax}` : ''}` : ''}${NAT_FLAGS(r.flags)}`;
      }
      case 'SNAT': case 'DNAT': {
        const r = rev === 0 ? natCompat(info) : natRange(info, family);
        return natText(name === 'SNAT' ? 'snat' : 'dnat', r, family);
      }
      case 'MARK': return rev === 2 ? markTarget(info, 'meta mark', 'mark') : `meta mark set ${hx(u32(info, 0))}`;
      case 'CONNMARK': return connmark(info);
      case 'REJECT': return reject(info, family);
      case 'LOG': return log(info);
      default:
    }
  }
  // No translation: nft prints the extension's iptables syntax in a comment-like form.
  return `xt ${kind} "${name}"`;
}

export function xtStatement(name: string, d: Rec, family: Family, proto = 0): Stmt {
  const kind = name === 'match' ? 'match' : 'target';
  const info = (d.info as Uint8Array | undefined) ?? new Uint8Array(0);
  const ext = String(d.name ?? '');
  const rev = Number(d.rev ?? 0);
  return { s: 'xt', kind, name: ext, rev, text: xtText(kind, ext, rev, info, family, proto) };
}
