// A decoded route carries what `ip -j -d route show table all` prints, under its keys; the
// names of route types, protocols, scopes, tables and flags are ip's, both ways.
import { ValidationError } from '../netlink/errors.js';
import type { RawAttribute } from '../netlink/reader.js';
import * as C from './constants.js';
import type { RouteEncap } from './route-encap.js';

export interface RouteNexthop {
  gateway?: string;
  via?: { family: string; host: string };
  /** Interface name, or "ifN" when no resolver knew it. */
  dev: string;
  /** extra: rtnh_ifindex. */
  oif_index: number;
  weight: number;
  flags: string[];
  to?: string;
  flow?: { from?: string; to: string };
  /** This hop's lwtunnel encapsulation (multipath with per-hop encap). */
  encap?: RouteEncap;
  raw?: RawAttribute[];
}

export interface Route {
  /** extra: the message type. */
  msg: 'newroute' | 'delroute';
  /** extra: address family ("inet", "inet6"). */
  family: string;
  type: string;
  /** "default", "10.0.0.0/16", or a bare address for a host route (as ip prints it). */
  dst: string;
  /** extra: rtm_dst_len. */
  dst_len: number;
  from?: string;
  src?: string;
  nhid?: number;
  /** lwtunnel encapsulation (RTA_ENCAP), as ip -j -d route shows it after "encap". */
  encap?: RouteEncap;
  to?: string;
  tos?: string;
  gateway?: string;
  via?: { family: string; host: string };
  /** Output interface name ("ifN" when no resolver knew it). */
  dev?: string;
  /** extra: RTA_OIF. */
  oif_index?: number;
  /** "main", "local", "default" or the number as text. */
  table: string;
  /** extra: the table as a number (RTA_TABLE, which also carries ids above 255). */
  table_id: number;
  protocol?: string;
  scope?: string;
  prefsrc?: string;
  metric?: number;
  flags: string[];
  mark?: number;
  flow?: { from?: string; to: string };
  uid?: number;
  cache?: string[];
  expires?: number;
  error?: number;
  ipid?: string;
  ts?: string;
  tsage?: number;
  /** RTAX_* values under ip's names (mtu, advmss, hoplimit, congestion...), in one object. */
  metrics?: Array<Record<string, number | string | null>>;
  /** extra: metrics locked with `lock` (RTAX_LOCK), by name. */
  metrics_lock?: string[];
  iif?: string;
  pref?: string | number;
  'ttl-propogate'?: boolean;
  nexthops?: RouteNexthop[];
  /** Attributes not decoded (RTA_ENCAP...), whole. */
  raw: RawAttribute[];
}

const RT_FLAG_NAMES: ReadonlyArray<readonly [number, string]> = [
  [C.RTNH_F_DEAD, 'dead'], [C.RTNH_F_ONLINK, 'onlink'], [C.RTNH_F_PERVASIVE, 'pervasive'], [C.RTNH_F_OFFLOAD, 'offload'],
  [C.RTNH_F_TRAP, 'trap'], [C.RTM_F_NOTIFY, 'notify'], [C.RTNH_F_LINKDOWN, 'linkdown'], [C.RTNH_F_UNRESOLVED, 'unresolved'],
  [C.RTM_F_OFFLOAD, 'rt_offload'], [C.RTM_F_TRAP, 'rt_trap'], [C.RTM_F_OFFLOAD_FAILED, 'rt_offload_failed'],
];
const RT_FLAG_MASK = RT_FLAG_NAMES.reduce((m, [b]) => m | b, 0);
export const NO_FLAGS: string[] = Object.freeze([]) as unknown as string[];
export const NO_RAW: RawAttribute[] = Object.freeze([]) as unknown as RawAttribute[];

/** rtm_flags/rtnh_flags as ip lists them; a shared frozen [] when none is set (the common case). */
export function routeFlagNames(flags: number): string[] {
  if (!(flags & RT_FLAG_MASK)) return NO_FLAGS;
  const out: string[] = [];
  for (const [bit, name] of RT_FLAG_NAMES) if (flags & bit) out.push(name);
  return out;
}

// Interned names: no string is built for these per route.
export const TYPE_NAMES: string[] = Array.from({ length: 256 }, (_, i) => C.RTN_NAMES[i] ?? String(i));
export const PROTO_NAMES: string[] = Array.from({ length: 256 }, (_, i) => C.RTPROT_NAMES.get(i) ?? String(i));
export const SCOPE_NAMES: string[] = Array.from({ length: 256 }, (_, i) => C.RT_SCOPE_NAMES.get(i) ?? String(i));
const SMALL_TABLES: string[] = Array.from({ length: 256 }, (_, i) => C.RT_TABLE_NAMES.get(i) ?? String(i));

export function tableName(id: number): string {
  return id < 256 ? SMALL_TABLES[id]! : String(id);
}

export function tableNumber(t: number | string): number {
  if (typeof t === 'number') return t;
  for (const [n, name] of C.RT_TABLE_NAMES) if (name === t) return n;
  const n = Number(t);
  if (!Number.isInteger(n)) throw new ValidationError('table', `unknown table ${t}`);
  return n;
}

export function protocolNumber(p: number | string): number {
  if (typeof p === 'number') return p;
  for (const [n, name] of C.RTPROT_NAMES) if (name === p) return n;
  const n = Number(p);
  if (!Number.isInteger(n) || n < 0 || n > 255) throw new ValidationError('protocol', `unknown route protocol ${p}`);
  return n;
}

export function routeTypeNumber(t: string): number {
  const i = (C.RTN_NAMES as readonly string[]).indexOf(t);
  if (i < 0) throw new ValidationError('type', `unknown route type ${t}`);
  return i;
}

export const CACHE_FLAGS: ReadonlyArray<readonly [number, string]> = [
  [0x80000000, 'local'], [0x40000000, 'reject'], [0x20000000, 'mc'], [0x10000000, 'brd'], [0x08000000, 'dst-nat'],
  [0x04000000, 'src-nat'], [0x02000000, 'masq'], [0x01000000, 'dst-direct'], [0x00800000, 'src-direct'],
  [0x00400000, 'redirected'], [0x00200000, 'redirect'], [0x00100000, 'fastroute'], [0x00080000, 'notify'],
  [0x00040000, 'proxy'],
];
