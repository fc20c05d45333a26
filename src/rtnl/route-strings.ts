// The strings a decoded route carries, made cheaply: a dump of a million routes builds every
// destination, gateway and device name, so addresses are formatted from shared pieces and
// repeated ones (gateways, preferred sources, "ifN") are shared rather than built per route.
// Presentation only: the attribute layout comes from the declaration (route-decode.ts).
import { NetlinkDecodeError } from '../netlink/errors.js';
import { formatIP, formatIPv6 } from '../netlink/address.js';
import type { NetlinkBuffer } from '../netlink/reader.js';
import { familyName } from './address.js';

const DEC: string[] = Array.from({ length: 256 }, (_, i) => String(i));
// "a." for each octet: a dotted quad in three concatenations instead of six (each one a new
// string: the destination of every route of a dump is built this way).
const DOT: string[] = Array.from({ length: 256 }, (_, i) => `${i}.`);
/** "/N" for each prefix length. */
export const SLASH: string[] = Array.from({ length: 256 }, (_, i) => `/${i}`);

// The "a.b.c." of the last IPv4 address formatted: a dump lists a table in address order, so
// consecutive destinations mostly share it, and each then costs one concatenation.
let lastPrefixKey = -1;
let lastPrefix = '';

/** An address of l bytes at o: dotted quad, IPv6 text, or what formatIP makes of other lengths. */
export function fmtAddr(b: Uint8Array, o: number, l: number): string {
  if (l === 4) {
    const key = (b[o]! << 16) | (b[o + 1]! << 8) | b[o + 2]!;
    if (key !== lastPrefixKey) {
      lastPrefix = DOT[b[o]!] + DOT[b[o + 1]!] + DOT[b[o + 2]!];
      lastPrefixKey = key;
    }
    return lastPrefix + DEC[b[o + 3]!];
  }
  return l === 16 ? formatIPv6(b, o) : formatIP(b, o, l);
}

// "ifN" for interfaces no resolver names: shared strings rather than one per route.
const IF_NAMES: string[] = [];
export function ifName(i: number): string {
  if (i >= 4096) return `if${i}`;
  return IF_NAMES[i] ??= `if${i}`;
}

/**
 * Strings of addresses that repeat across a dump (gateways, preferred sources): one string
 * per distinct IPv4 address instead of one per route. Pass the same cache to every
 * decodeRoute call of a dump; it is bounded.
 */
export type AddressCache = Map<number, string>;

export function fmtCached(view: DataView, b: Uint8Array, o: number, l: number, cache: AddressCache | undefined): string {
  if (l !== 4 || !cache) return fmtAddr(b, o, l);
  const key = view.getUint32(o, false);
  let s = cache.get(key);
  if (s === undefined) {
    s = fmtAddr(b, o, 4);
    if (cache.size >= 65536) cache.clear();
    cache.set(key, s);
  }
  return s;
}

function realm(v: number): string {
  return v === 0 ? 'unknown' : String(v);
}

/** RTA_FLOW: the realms, "from/to" as ip prints them (from only when set). */
export function flowOf(v: number): { from?: string; to: string } {
  const from = v >>> 16, to = v & 0xffff;
  return from ? { from: realm(from), to: realm(to) } : { to: realm(to) };
}

/** RTA_VIA: struct rtvia, an address family then its address. */
export function viaOf(buf: NetlinkBuffer, o: number, l: number): { family: string; host: string } {
  if (l < 2) throw new NetlinkDecodeError(`RTA_VIA of ${l} bytes`, o);
  const af = buf.view.getUint16(o, true);
  return { family: familyName(af) ?? String(af), host: fmtAddr(buf.bytes, o + 2, l - 2) };
}
