// Addresses (RTM_NEWADDR/DELADDR/GETADDR): struct ifaddrmsg plus IFA_* attributes. Decoded
// entries carry what `ip -j addr show` prints inside addr_info (family, local, address for
// a peer, prefixlen, broadcast, scope, the flag booleans, label, lifetimes), plus the
// interface (index, dev) since they are returned flat rather than grouped per link.
import { NLM_F_ACK, NLM_F_CREATE, NLM_F_DUMP, NLM_F_EXCL, NLM_F_REPLACE, NLM_F_REQUEST } from '../netlink/constants.js';
import { NetlinkDecodeError, ValidationError } from '../netlink/errors.js';
import { formatIP, parsePrefix } from '../netlink/address.js';
import type { MessageRef } from '../netlink/message.js';
import type { RawAttribute } from '../netlink/reader.js';
import { enumValue } from '../netlink/spec/values.js';
import { rtAddr } from './families.js';
import { MessageWriter } from '../netlink/writer.js';
import * as C from './constants.js';
import { writeRaw } from './link.js';

export interface Address {
  /** extra: the message type. */
  msg: 'newaddr' | 'deladdr';
  /** Interface index (ip -o prints it as "index"). */
  index: number;
  /** Interface name, when resolved (ip -o prints "dev"). */
  dev?: string;
  family: string;
  family_index?: number;
  local?: string;
  /** The peer (IFA_ADDRESS), only when it differs from local (as ip prints it). */
  address?: string;
  prefixlen: number;
  metric?: number;
  broadcast?: string;
  anycast?: string;
  scope: string;
  secondary?: true;
  temporary?: true;
  nodad?: true;
  optimistic?: true;
  dadfailed?: true;
  home?: true;
  deprecated?: true;
  tentative?: true;
  mngtmpaddr?: true;
  noprefixroute?: true;
  autojoin?: true;
  'stable-privacy'?: true;
  /** Not IFA_F_PERMANENT: configured by the kernel (SLAAC, DHCP clients set lifetimes). */
  dynamic?: true;
  /** Flag bits ip has no name for, as "%02x". */
  ifa_flags?: string;
  label?: string;
  /** Seconds; 4294967295 means forever. */
  valid_life_time?: number;
  preferred_life_time?: number;
  /** extra: IFA_PROTO (who added it: 1 kernel_lo, 2 kernel_ra, 3 kernel_ll; ip 6.1 does not print it). */
  protocol?: number;
  raw: RawAttribute[];
}

export function familyName(af: number): string | undefined {
  switch (af) {
    case C.AF_INET: return 'inet';
    case C.AF_INET6: return 'inet6';
    case C.AF_BRIDGE: return 'bridge';
    case C.AF_MPLS: return 'mpls';
    case C.AF_PACKET: return 'link';
    default: return undefined;
  }
}

export function scopeName(scope: number): string {
  return C.RT_SCOPE_NAMES.get(scope) ?? String(scope);
}

export function scopeNumber(scope: string | number): number {
  if (typeof scope === 'number') return scope;
  for (const [n, name] of C.RT_SCOPE_NAMES) if (name === scope) return n;
  throw new ValidationError('scope', `unknown scope ${scope}`);
}

// ip's print order (ipaddress.c ifa_flag_data); SECONDARY reads "temporary" for IPv6.
const IFA_FLAG_ORDER: ReadonlyArray<readonly [number, keyof Address]> = [
  [C.IFA_F_SECONDARY, 'secondary'], [C.IFA_F_NODAD, 'nodad'], [C.IFA_F_OPTIMISTIC, 'optimistic'],
  [C.IFA_F_DADFAILED, 'dadfailed'], [C.IFA_F_HOMEADDRESS, 'home'], [C.IFA_F_DEPRECATED, 'deprecated'],
  [C.IFA_F_TENTATIVE, 'tentative'], [C.IFA_F_PERMANENT, 'dynamic'], [C.IFA_F_MANAGETEMPADDR, 'mngtmpaddr'],
  [C.IFA_F_NOPREFIXROUTE, 'noprefixroute'], [C.IFA_F_MCAUTOJOIN, 'autojoin'], [C.IFA_F_STABLE_PRIVACY, 'stable-privacy'],
];

/** What the Address view shows; every other rt-addr attribute stays raw, as on the wire. */
const ADDR_VIEW = rtAddr.view('addr-attrs', ['ifa-address', 'ifa-local', 'ifa-label', 'ifa-broadcast', 'ifa-anycast', 'ifa-cacheinfo', 'ifa-flags', 'ifa-rt-priority', 'ifa-proto']);
const IFADDRMSG = rtAddr.struct('ifaddrmsg');
const IFA_FLAGS = rtAddr.enumOf('ifa-flags')!;

/**
 * Decode one RTM_NEWADDR/RTM_DELADDR by the rt-addr table (families.ts), shaped as `ip -j addr`
 * shows it. `resolve` names the interface (sets dev).
 */
export function decodeAddress(m: MessageRef, resolve?: (ifindex: number) => string | undefined): Address {
  const { buf } = m;
  const off = m.payloadStart;
  if (m.end - off < C.IFADDRMSG_LEN) throw new NetlinkDecodeError(`ifaddrmsg needs ${C.IFADDRMSG_LEN} bytes, ${m.end - off} remain`, off);
  const h = IFADDRMSG.decode(buf, off, C.IFADDRMSG_LEN);
  const attrs = ADDR_VIEW.decode(buf, off + C.IFADDRMSG_LEN, m.end, 1);
  const family = h['ifa-family'] as number;
  const index = h['ifa-index'] as number;
  const fname = familyName(family);
  const a: Address = {
    msg: m.type === C.RTM_DELADDR ? 'deladdr' : 'newaddr',
    index,
    family: fname ?? String(family),
    prefixlen: h['ifa-prefixlen'] as number,
    scope: scopeName(h['ifa-scope'] as number),
    raw: (attrs.$raw as RawAttribute[] | undefined) ?? [],
  };
  if (!fname) a.family_index = family;
  if (resolve) {
    const n = resolve(index);
    if (n !== undefined) a.dev = n;
  }
  if (attrs['ifa-broadcast'] !== undefined) a.broadcast = ipText(attrs['ifa-broadcast']);
  if (attrs['ifa-anycast'] !== undefined) a.anycast = ipText(attrs['ifa-anycast']);
  if (attrs['ifa-label'] !== undefined) a.label = attrs['ifa-label'] as string;
  if (attrs['ifa-rt-priority'] !== undefined) a.metric = attrs['ifa-rt-priority'] as number;
  if (attrs['ifa-proto'] !== undefined) a.protocol = attrs['ifa-proto'] as number;
  // IFA_LOCAL is the address, IFA_ADDRESS the peer; either alone stands for both.
  const local = attrs['ifa-local'] ?? attrs['ifa-address'];
  const peer = attrs['ifa-address'] ?? attrs['ifa-local'];
  if (local !== undefined) {
    a.local = ipText(local);
    const p = ipText(peer);
    if (p !== a.local) a.address = p;
  }
  // IFA_FLAGS (32 bits) supersedes the header's 8-bit flags when present.
  const flags = enumValue(IFA_FLAGS, attrs['ifa-flags'] ?? h['ifa-flags'], 'ifa-flags');
  let rest = flags;
  for (const [bit, name] of IFA_FLAG_ORDER) {
    if (bit === C.IFA_F_PERMANENT) {
      if (!(flags & bit)) a.dynamic = true;
    } else if (flags & bit) {
      if (bit === C.IFA_F_SECONDARY && family === C.AF_INET6) a.temporary = true;
      else (a as unknown as Record<string, unknown>)[name] = true;
    }
    rest &= ~bit;
  }
  if (rest) a.ifa_flags = (rest >>> 0).toString(16).padStart(2, '0');
  const ci = attrs['ifa-cacheinfo'] as Record<string, number> | undefined;
  if (ci) {
    if (ci.tstamp === undefined) throw new NetlinkDecodeError('IFA_CACHEINFO shorter than the 16 bytes of ifa_cacheinfo', off);
    const preferred = ci['ifa-prefered']!;
    a.valid_life_time = ci['ifa-valid'];
    a.preferred_life_time = (flags & C.IFA_F_DEPRECATED) && preferred !== C.INFINITY_LIFE_TIME ? preferred | 0 : preferred;
  }
  return a;
}

/** Hinted address attributes come as text when 4 or 16 bytes long, else as bytes: ip's text for both. */
function ipText(v: unknown): string {
  return typeof v === 'string' ? v : formatIP(v as Uint8Array, 0, (v as Uint8Array).length);
}

// ============================================================================================
// Encoding

/** A fully resolved address request. */
export interface AddressAttrs {
  family: number;
  prefixlen: number;
  index: number;
  scope?: number;
  flags?: number;
  local: Uint8Array;
  /** IFA_ADDRESS: the peer for point-to-point, else the local address again (as ip sends it). */
  address?: Uint8Array;
  broadcast?: Uint8Array;
  anycast?: Uint8Array;
  label?: string;
  /** Lifetimes in seconds (0xffffffff: forever). */
  valid?: number;
  preferred?: number;
  metric?: number;
  protocol?: number;
  attributes?: RawAttribute[];
}

function writeIfAddrMsg(w: MessageWriter, family: number, prefixlen: number, flags: number, scope: number, index: number): void {
  w.u8(family).u8(prefixlen).u8(flags).u8(scope).u32(index);
}

/** RTM_GETADDR dump; ifindex filters in the kernel (strict checking), family 0 = both. */
export function encodeAddressDump(family = C.AF_UNSPEC, ifindex = 0, w = new MessageWriter(64)): Uint8Array {
  const start = w.begin(C.RTM_GETADDR, NLM_F_REQUEST | NLM_F_DUMP);
  writeIfAddrMsg(w, family, 0, 0, 0, ifindex);
  w.end(start);
  return w.copy();
}

/** RTM_NEWADDR (mode 'add': NLM_F_CREATE|NLM_F_EXCL; 'replace': NLM_F_CREATE|NLM_F_REPLACE). */
export function encodeNewAddress(a: AddressAttrs, mode: 'add' | 'replace' = 'add', w = new MessageWriter(128)): Uint8Array {
  const start = w.begin(C.RTM_NEWADDR, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | (mode === 'add' ? NLM_F_EXCL : NLM_F_REPLACE));
  writeAddressBody(w, a);
  w.end(start);
  return w.copy();
}

/** RTM_DELADDR: IFA_LOCAL (and IFA_ADDRESS for a peer) select the address, as ip sends it. */
export function encodeDelAddress(a: AddressAttrs, w = new MessageWriter(128)): Uint8Array {
  const start = w.begin(C.RTM_DELADDR, NLM_F_REQUEST | NLM_F_ACK);
  writeAddressBody(w, a);
  w.end(start);
  return w.copy();
}

function writeAddressBody(w: MessageWriter, a: AddressAttrs): void {
  const flags = a.flags ?? 0;
  writeIfAddrMsg(w, a.family, a.prefixlen, flags & 0xff, a.scope ?? 0, a.index);
  w.attrBytes(C.IFA_LOCAL, a.local);
  if (a.address) w.attrBytes(C.IFA_ADDRESS, a.address);
  if (a.broadcast) w.attrBytes(C.IFA_BROADCAST, a.broadcast);
  if (a.anycast) w.attrBytes(C.IFA_ANYCAST, a.anycast);
  if (a.label !== undefined) w.attrString(C.IFA_LABEL, a.label);
  if (flags > 0xff) w.attrU32(C.IFA_FLAGS, flags);
  if (a.valid !== undefined || a.preferred !== undefined) {
    const ci = new Uint8Array(16);
    const v = new DataView(ci.buffer);
    v.setUint32(0, a.preferred ?? a.valid ?? C.INFINITY_LIFE_TIME, true);
    v.setUint32(4, a.valid ?? C.INFINITY_LIFE_TIME, true);
    w.attrBytes(C.IFA_CACHEINFO, ci);
  }
  if (a.metric !== undefined) w.attrU32(C.IFA_RT_PRIORITY, a.metric);
  if (a.protocol !== undefined) w.attrU8(C.IFA_PROTO, a.protocol);
  for (const r of a.attributes ?? []) writeRaw(w, r);
}

/**
 * The broadcast address `ip addr add ... brd +` (or `brd -`) computes: host bits set (or
 * clear). None for /31 and /32, where there are no host bits to spare.
 */
export function computeBroadcast(local: Uint8Array, prefixlen: number, set = true): Uint8Array | undefined {
  if (local.length !== 4 || prefixlen >= 31) return undefined;
  const out = new Uint8Array(local);
  for (let bit = prefixlen; bit < 32; bit++) {
    const byte = bit >> 3, mask = 0x80 >> (bit & 7);
    if (set) out[byte]! |= mask;
    else out[byte]! &= ~mask;
  }
  return out;
}

/** ip's default scope: host for 127.0.0.0/8, else global. */
export function defaultAddressScope(local: Uint8Array): number {
  return local.length === 4 && local[0] === 127 ? C.RT_SCOPE_HOST : C.RT_SCOPE_UNIVERSE;
}

/** Parse "ADDR[/PLEN]" into family, bytes and prefix length (a bare address is a host prefix). */
export function parseAddressPrefix(text: string): { family: number; bytes: Uint8Array; prefixlen: number } {
  const p = parsePrefix(text);
  if (!p) throw new ValidationError('address', `not an address: ${text}`);
  return { family: p.family === 4 ? C.AF_INET : C.AF_INET6, bytes: p.address, prefixlen: p.length ?? (p.family === 4 ? 32 : 128) };
}

/** IFA_* attribute names for errors. */
export function describeAddressAttribute(path: number[]): string | undefined {
  if (!path.length) return undefined;
  return path.map((t, i) => (i === 0 ? C.constantName('IFA_', t, ['IFA_F_']) ?? `IFA attribute ${t}` : String(t))).join('/');
}
