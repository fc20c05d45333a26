// u32 selectors as tc builds them (f_u32.c: parse_ip, parse_u32/16/8, pack_key*): each match
// is a 32-bit value/mask at a word offset, matches on the same word merge, ports and protocol
// bytes shift into their place in the word. Accepts tc's own words ("ip dst 10.0.0.1/32",
// "ip dport 80 0xffff", "u32 0 0 at 0", "tcp dport 22") or objects.
import { ValidationError } from '../netlink/errors.js';
import { parseIP } from '../netlink/address.js';

export interface U32Key { mask: number; val: number; off: number; offmask: number }

/** One match: tc's words, or the fields of one. */
export type U32Match =
  | string
  | { ip: 'src' | 'dst'; prefix: string }
  | { ip: 'sport' | 'dport' | 'protocol' | 'tos' | 'dsfield' | 'icmp_type' | 'icmp_code'; value: number; mask?: number }
  | { ip6: 'src' | 'dst'; prefix: string }
  | { l4: 'tcp' | 'udp'; field: 'src' | 'dst'; value: number; mask?: number }
  | { u32: number; mask: number; at: number | 'nexthdr'; nexthdr?: number }
  | { u16: number; mask: number; at: number; nexthdr?: boolean }
  | { u8: number; mask: number; at: number; nexthdr?: boolean };

const IP_FIELDS: Record<string, [width: 8 | 16, off: number]> = {
  sport: [16, 20], dport: [16, 22], protocol: [8, 9], tos: [8, 1], dsfield: [8, 1], icmp_type: [8, 20], icmp_code: [8, 21],
};

/** The keys of a selector, merged as pack_key merges them. */
export class U32Selector {
  readonly keys: U32Key[] = [];

  private pack(key: number, mask: number, off: number, offmask: number, field: string): void {
    key = (key & mask) >>> 0;
    for (const k of this.keys) {
      if (k.off === off && k.offmask === offmask) {
        if (((key ^ k.val) & mask & k.mask) >>> 0) throw new ValidationError(field, `conflicts with an earlier match on the same word (offset ${off})`);
        k.val = (k.val | key) >>> 0;
        k.mask = (k.mask | mask) >>> 0;
        return;
      }
    }
    if (this.keys.length >= 128) throw new ValidationError(field, 'at most 128 keys in one selector');
    if (off % 4) throw new ValidationError(field, `offset ${off} is not a multiple of 4`);
    this.keys.push({ mask: mask >>> 0, val: key, off, offmask });
  }

  /** Host-order value and mask at byte offset `off` (tc's pack_key32/16/8 before htonl; keys are big-endian here). */
  add(width: 8 | 16 | 32, value: number, mask: number, off: number, offmask: number, field: string): void {
    const max = width === 32 ? 0xffffffff : (1 << width) - 1;
    if (!Number.isInteger(value) || value < 0 || value > max) throw new ValidationError(field, `${value} does not fit ${width} bits`);
    if (!Number.isInteger(mask) || mask < 0 || mask > max) throw new ValidationError(field, `mask ${mask} does not fit ${width} bits`);
    if (!Number.isInteger(off)) throw new ValidationError(field, `offset ${off} is not an integer`);
    let shift = 0;
    if (width === 16 && (off & 3) === 0) shift = 16;
    if (width === 8) shift = [24, 16, 8, 0][off & 3]!;
    const k = width === 32 ? value : (value << shift) >>> 0;
    const m = width === 32 ? mask : (mask << shift) >>> 0;
    this.pack(k, m, width === 32 ? off : off & ~3, offmask, field);
  }

  addPrefix(prefix: string, off: number, field: string): void {
    const [addr, len] = prefix.split('/');
    const b = addr ? parseIP(addr) : undefined;
    if (!b) throw new ValidationError(field, `${JSON.stringify(prefix)} is not an address or prefix`);
    const bits = len === undefined ? b.length * 8 : Number(len);
    if (!Number.isInteger(bits) || bits < 0 || bits > b.length * 8) throw new ValidationError(field, `${JSON.stringify(prefix)}: prefix length out of range`);
    for (let w = 0; w < b.length / 4; w++) {
      const left = Math.max(0, Math.min(32, bits - w * 32));
      if (b.length === 16 && left === 0) break;
      const mask = left === 0 ? 0 : (0xffffffff << (32 - left)) >>> 0;
      const val = ((b[w * 4]! << 24) | (b[w * 4 + 1]! << 16) | (b[w * 4 + 2]! << 8) | b[w * 4 + 3]!) >>> 0;
      this.pack(val, mask, off + w * 4, 0, field);
    }
  }
}

const num = (s: string | undefined, field: string): number => {
  if (s === undefined || !/^(0x[0-9a-f]+|\d+)$/i.test(s)) throw new ValidationError(field, `${JSON.stringify(s)} is not a number`);
  return Number(s);
};

/** Adds one match to the selector. */
export function addMatch(sel: U32Selector, m: U32Match, field: string): void {
  if (typeof m === 'string') return addWords(sel, m.trim().split(/\s+/), field);
  if ('ip' in m) {
    if (m.ip === 'src' || m.ip === 'dst') return sel.addPrefix((m as { prefix: string }).prefix, m.ip === 'src' ? 12 : 16, field);
    const f = IP_FIELDS[m.ip];
    if (!f) throw new ValidationError(field, `ip ${m.ip} is not a field u32 knows`);
    const v = m as { value: number; mask?: number };
    return sel.add(f[0], v.value, v.mask ?? (f[0] === 16 ? 0xffff : 0xff), f[1], 0, field);
  }
  if ('ip6' in m) return sel.addPrefix(m.prefix, m.ip6 === 'src' ? 8 : 24, field);
  if ('l4' in m) return sel.add(16, m.value, m.mask ?? 0xffff, m.field === 'src' ? 0 : 2, -1, field);
  if ('u32' in m) return sel.add(32, m.u32, m.mask, m.at === 'nexthdr' ? (m.nexthdr ?? 0) : m.at, m.at === 'nexthdr' ? -1 : 0, field);
  if ('u16' in m) return sel.add(16, m.u16, m.mask, m.at, m.nexthdr ? -1 : 0, field);
  if ('u8' in m) return sel.add(8, m.u8, m.mask, m.at, m.nexthdr ? -1 : 0, field);
  throw new ValidationError(field, 'not a u32 match');
}

/** tc's words after "match": "ip dst 10.0.0.1/32", "ip dport 80 0xffff", "u32 0xff 0xff at 12", "tcp dport 22". */
function addWords(sel: U32Selector, w: string[], field: string): void {
  const [what, sub, a, b, c, d] = w;
  const at = (i: number): [number, number] => {
    const rest = w.slice(i);
    if (rest[0] !== 'at') throw new ValidationError(field, `${JSON.stringify(w.join(' '))}: expected "at OFFSET"`);
    const o = rest[1] ?? '';
    if (o.startsWith('nexthdr+')) return [num(o.slice(8), field), -1];
    return [num(o, field), 0];
  };
  switch (what) {
    case 'ip': case 'ip6': {
      if (sub === 'src' || sub === 'dst') {
        if (what === 'ip') return sel.addPrefix(a ?? '', sub === 'src' ? 12 : 16, field);
        return sel.addPrefix(a ?? '', sub === 'src' ? 8 : 24, field);
      }
      const f = what === 'ip' ? IP_FIELDS[sub ?? ''] : undefined;
      if (!f) throw new ValidationError(field, `${JSON.stringify(w.join(' '))}: unknown ${what} field`);
      return sel.add(f[0], num(a, field), b === undefined ? (f[0] === 16 ? 0xffff : 0xff) : num(b, field), f[1], 0, field);
    }
    case 'tcp': case 'udp':
      if (sub !== 'src' && sub !== 'dst' && sub !== 'sport' && sub !== 'dport') throw new ValidationError(field, `${what} ${sub}: src or dst`);
      return sel.add(16, num(a, field), b === undefined ? 0xffff : num(b, field), sub === 'src' || sub === 'sport' ? 0 : 2, -1, field);
    case 'u32': case 'u16': case 'u8': {
      const [off, offmask] = at(3);
      void c; void d;
      return sel.add(what === 'u32' ? 32 : what === 'u16' ? 16 : 8, num(sub, field), num(a, field), off, offmask, field);
    }
    default:
      throw new ValidationError(field, `${JSON.stringify(w.join(' '))}: a match starts with ip, ip6, tcp, udp, u32, u16 or u8`);
  }
}

/** Splits tc's "match A match B" text into matches (a leading "match" is optional). */
export function splitMatches(text: string): string[] {
  return text.trim().split(/\s*\bmatch\b\s*/).filter((s) => s.length > 0);
}
