// `dump-routes --json` at the speed of the dump: each route message is written as JSON text
// straight from its bytes when it is a plain one (IPv4/IPv6, attributes among RTA_TABLE,
// RTA_DST, RTA_GATEWAY, RTA_OIF, RTA_PRIORITY, RTA_PREFSRC, RTA_PREF: what a full routing
// table is made of); anything else (multipath, metrics, cache entries, encap, src/tos
// selectors...) goes through rtnl's decodeRoute and routeJsonText. Both give the same text
// (test/cli-fastpath.test.ts compares them message by message). Measured on 100,000 routes:
// decodeRoute + a Route object + JSON per route cost ~1.5x this writer's whole run, most of it
// garbage collection; here a plain route costs no allocation at all (bytes into the output).
import { NLM_F_DUMP_FILTERED } from '../netlink/constants.js';
import { NetlinkDecodeError, NetlinkError } from '../netlink/errors.js';
import { formatIPv6 } from '../netlink/address.js';
import type { MessageRef } from '../netlink/message.js';
import type { NetlinkBuffer } from '../netlink/reader.js';
import type { NetlinkSocket } from '../netlink/socket.js';
import { RTN_NAMES, RTPROT_NAMES, RT_SCOPE_NAMES } from '../rtnl/constants.js';
import { decodeRouteAt, encodeRouteDump, routeFlagNames, tableName, type AddressCache } from '../rtnl/route.js';
import { routeJsonText } from './json-text.js';
import type { JsonArrayWriter, Output } from './output.js';

const AF_UNSPEC = 0;
const AF_INET = 2;
const AF_INET6 = 10;
const RTM_NEWROUTE = 24;
const RTM_F_CLONED = 0x200;
const RTMSG_LEN = 12;

const DEC = Array.from({ length: 256 }, (_, i) => String(i));
const SLASH = Array.from({ length: 256 }, (_, i) => `/${i}`);
const quote = (s: string): string => JSON.stringify(s);
// Names as rtnl interns them (route.ts TYPE_NAMES, PROTO_NAMES, SCOPE_NAMES), already quoted.
const TYPE_HEAD = Array.from({ length: 256 }, (_, i) => `{"type":${quote(RTN_NAMES[i] ?? String(i))},"dst":"`);
const PROTO_Q = Array.from({ length: 256 }, (_, i) => quote(RTPROT_NAMES.get(i) ?? String(i)));
const SCOPE_Q = Array.from({ length: 256 }, (_, i) => quote(RT_SCOPE_NAMES.get(i) ?? String(i)));
const PREF_Q: Record<number, string> = { 3: '"low"', 0: '"medium"', 1: '"high"' };

/** Where the byte writer puts JSON: `buf` from `pos`; room(n) makes n bytes free (Output does). */
export interface ByteSink {
  buf: Uint8Array;
  pos: number;
  room(n: number): void;
}

// ASCII of 0..255 as [length, d0, d1, d2], for dotted quads written digit by digit.
const DIGITS = new Uint8Array(256 * 4);
for (let i = 0; i < 256; i++) {
  const t = String(i);
  DIGITS[i * 4] = t.length;
  for (let j = 0; j < t.length; j++) DIGITS[i * 4 + 1 + j] = t.charCodeAt(j);
}
const ascii = (s: string): Uint8Array => Buffer.from(s, 'utf8');
const TYPE_HEAD_B: (Uint8Array | undefined)[] = [];
const DEFAULT_B = ascii('default');
const GATEWAY_B = ascii('","gateway":"');
/** The most bytes a plain route's JSON can take (two IPv6 addresses, a 15-byte name escaped, the rest). */
const PLAIN_MAX = 2048;

function putIp4(o: Uint8Array, p: number, b: Uint8Array, at: number): number {
  for (let k = 0; k < 4; k++) {
    if (k) o[p++] = 0x2e; // '.'
    const d = b[at + k]! * 4;
    const n = DIGITS[d]!;
    o[p++] = DIGITS[d + 1]!;
    if (n > 1) o[p++] = DIGITS[d + 2]!;
    if (n > 2) o[p++] = DIGITS[d + 3]!;
  }
  return p;
}

/** ASCII text (addresses, numbers) byte by byte. */
function putAscii(o: Uint8Array, p: number, s: string): number {
  for (let i = 0; i < s.length; i++) o[p++] = s.charCodeAt(i);
  return p;
}

function put(o: Uint8Array, p: number, a: Uint8Array): number {
  if (a.length > 24) {
    o.set(a, p);
    return p + a.length;
  }
  for (let i = 0; i < a.length; i++) o[p++] = a[i]!;
  return p;
}

export interface RouteJsonWriter {
  /**
   * Writes `sep` (a byte, 0 for none) and the JSON of the RTM_NEWROUTE whose header is at
   * `msg` in `buf` into `out`; false, with nothing written, for messages the dump's filters
   * leave out. The header's length must have been checked against the buffer (a MessageChunk
   * of dumpDatagrams() is; so is a MessageRef's).
   */
  (buf: NetlinkBuffer, msg: number, out: ByteSink, sep: number): boolean;
}

/**
 * A writer for the messages of one dump. `names` maps ifindex -> name (a route's dev);
 * `filter` repeats the dump's filters for kernels that did not apply them (no
 * NLM_F_DUMP_FILTERED), exactly as rtnl's routeBatches does.
 *
 * Plain routes go to the sink's bytes directly: no string per route (a 100k-route dump built
 * ~10 cons strings a route, then flattened and UTF-8-encoded them; that and the garbage
 * collection it caused was over half of the CLI's time for that dump).
 */
export function routeJsonWriter(
  names: Map<number, string>, opts: { showTable: boolean; netns?: string | null; family: number; table: number },
): RouteJsonWriter {
  const resolve = (i: number): string | undefined => names.get(i);
  const cache: AddressCache = new Map();
  const devQ = new Map<number, string>();
  const restQ = new Map<number, Map<number, Uint8Array>>();
  const tail = opts.netns === undefined ? '}' : `,"netns":${opts.netns === null ? 'null' : quote(opts.netns)}}`;
  const { family, table, showTable } = opts;
  // Int32 slots: a Float64Array element read by cold code is a new heap number each time (~8
  // reads a route). Values that do not fit (an oif or metric of 2^31 and up) make the route
  // the general path's; a table is kept as its 32 bits and read back with >>> 0.
  const at = new Int32Array(AT_SIZE);
  // The last rest seen: a table's routes mostly share device, protocol, scope and metric.
  let lastPrio = -2, lastKey = -1;
  let lastRest: Uint8Array = DEFAULT_B;
  let lastFlags = 0, lastFlagsPlain = true;

  /** Anything but a plain route: rtnl's decoder and the JSON text of json-text.ts. */
  function writeGeneral(buf: NetlinkBuffer, msg: number, out: ByteSink, sep: number): void {
    const text = routeJsonText(decodeRouteAt(buf, msg, resolve, cache), showTable, opts.netns);
    out.room(text.length * 3 + 1);
    const o = out.buf;
    let p = out.pos;
    if (sep) o[p++] = sep;
    p += Buffer.prototype.write.call(o, text, p, 'utf8') as number;
    out.pos = p;
  }

  /** What follows the addresses, as bytes (made once per combination when it is cacheable). */
  function restBytes(b: Uint8Array, fam: number, protocol: number, scope: number, rflags: number, rtable: number): Uint8Array {
    const oif = at[AT_OIF]!, src = at[AT_SRC]!, prio = at[AT_PRIO]!, pref = at[AT_PREF]!;
    let rest = '"';
    if (oif >= 0) {
      let d = devQ.get(oif);
      if (d === undefined) devQ.set(oif, (d = quote(resolve(oif) ?? `if${oif}`)));
      rest += `,"dev":${d}`;
    }
    if (showTable) rest += `,"table":${quote(tableName(rtable))}`;
    rest += `,"protocol":${PROTO_Q[protocol]},"scope":${SCOPE_Q[scope]}`;
    if (src >= 0) rest += `,"prefsrc":"${fam === AF_INET ? ip4(b, src) : formatIPv6(b, src)}"`;
    if (prio >= 0) rest += `,"metric":${prio}`;
    const flags = routeFlagNames(rflags);
    rest += flags.length ? `,"flags":${JSON.stringify(flags)}` : ',"flags":[]';
    if (pref >= 0) rest += `,"pref":${PREF_Q[pref]}`;
    rest += tail;
    return Buffer.from(rest, 'utf8');
  }

  // The per-route path: kept small (the attribute walk is scanRoute, the rare cases are the
  // functions above), so that it runs well interpreted and is optimized early; a 100k-route
  // dump is over before a large function would be.
  return (buf: NetlinkBuffer, msg: number, out: ByteSink, sep: number): boolean => {
    const b = buf.bytes;
    if ((b[msg + 4]! | (b[msg + 5]! << 8)) !== RTM_NEWROUTE) return false;
    const off = msg + 16;
    const end = msg + u32(b, msg);
    if (end - off < RTMSG_LEN) throw new NetlinkDecodeError(`rtmsg needs ${RTMSG_LEN} bytes, ${end - off} remain`, off);
    const fam = b[off]!;
    // AF_UNSPEC dumps every family that has routes (ipmr, ip6mr, mpls too): keep IP ones.
    if (family === AF_UNSPEC && fam !== AF_INET && fam !== AF_INET6) return false;
    const rflags = u32(b, off + 8);
    at[AT_TABLE] = b[off + 4]!;
    const alen = fam === AF_INET ? 4 : 16;
    const plain = scanRoute(b, off + RTMSG_LEN, end, alen, at);
    if (!(b[msg + 6]! & NLM_F_DUMP_FILTERED) && table && at[AT_TABLE]! >>> 0 !== table) return false;
    if (!plain || (fam !== AF_INET && fam !== AF_INET6) || b[off + 2] !== 0 || b[off + 3] !== 0 || (rflags & RTM_F_CLONED)) {
      writeGeneral(buf, msg, out, sep);
      return true;
    }

    out.room(PLAIN_MAX);
    const o = out.buf;
    let p = out.pos;
    if (sep) o[p++] = sep;
    const dstLen = b[off + 1]!;
    const type = b[off + 7]!;
    p = put(o, p, TYPE_HEAD_B[type] ??= ascii(TYPE_HEAD[type]!));
    const dst = at[AT_DST]!;
    if (dst >= 0) {
      p = fam === AF_INET ? putIp4(o, p, b, dst) : putAscii(o, p, formatIPv6(b, dst));
      if (dstLen !== (fam === AF_INET ? 32 : 128)) p = putAscii(o, p, SLASH[dstLen]!);
    } else if (dstLen) p = putAscii(o, p, `0/${dstLen}`);
    else p = put(o, p, DEFAULT_B);
    const gw = at[AT_GW]!;
    if (gw >= 0) {
      p = put(o, p, GATEWAY_B);
      p = fam === AF_INET ? putIp4(o, p, b, gw) : putAscii(o, p, formatIPv6(b, gw));
    }
    // What follows the addresses repeats across routes (same device, protocol, scope...):
    // encoded once per combination. Only the common shapes are cached (no preferred source,
    // no flags, no table shown).
    const protocol = b[off + 5]!;
    const scope = b[off + 6]!;
    const oif = at[AT_OIF]!;
    if (rflags !== lastFlags) {
      lastFlags = rflags;
      lastFlagsPlain = routeFlagNames(rflags).length === 0;
    }
    if (at[AT_SRC]! < 0 && !showTable && oif < 0x1000000 && lastFlagsPlain) {
      const prio = at[AT_PRIO]!;
      const key = (((oif + 1) * 256 + protocol) * 256 + scope) * 8 + (at[AT_PREF]! + 1);
      if (key !== lastKey || prio !== lastPrio) {
        let inner = restQ.get(prio);
        if (!inner) restQ.set(prio, (inner = new Map()));
        let rest = inner.get(key);
        if (rest === undefined) {
          rest = restBytes(b, fam, protocol, scope, rflags, at[AT_TABLE]! >>> 0);
          if (inner.size < 4096) inner.set(key, rest);
        }
        lastKey = key;
        lastPrio = prio;
        lastRest = rest;
      }
      out.pos = put(o, p, lastRest);
      return true;
    }
    out.pos = put(o, p, restBytes(b, fam, protocol, scope, rflags, at[AT_TABLE]! >>> 0));
    return true;
  };
}

// Where scanRoute leaves a route's attributes: payload offsets (addresses) or values, -1 absent.
const AT_DST = 0, AT_GW = 1, AT_SRC = 2, AT_OIF = 3, AT_PRIO = 4, AT_PREF = 5, AT_TABLE = 6, AT_SIZE = 7;

function u32(b: Uint8Array, o: number): number {
  return (b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24)) >>> 0;
}

/**
 * Walks a route's attributes [pos, end) into `at` (AT_TABLE keeps rtm_table unless RTA_TABLE
 * is there); false when the route is not plain (an attribute other than those below, or one
 * of an unexpected size, an oif or metric of 2^31 and up). Malformed attributes throw, as rtnl's decoder does. Bytes are read
 * one by one: in the interpreter that is cheaper than DataView calls.
 */
function scanRoute(b: Uint8Array, pos: number, end: number, alen: number, at: Int32Array): boolean {
  let plain = true;
  at[AT_DST] = at[AT_GW] = at[AT_SRC] = at[AT_OIF] = at[AT_PRIO] = at[AT_PREF] = -1;
  while (end - pos >= 4) {
    const len = b[pos]! | (b[pos + 1]! << 8);
    const t = (b[pos + 2]! | (b[pos + 3]! << 8)) & 0x3fff;
    if (len < 4) throw new NetlinkDecodeError(`attribute length ${len} is below the 4-byte header`, pos);
    if (len > end - pos) throw new NetlinkDecodeError(`attribute type ${t} claims ${len} bytes, only ${end - pos} remain`, pos);
    const o = pos + 4;
    const l = len - 4;
    // Literal RTA_* numbers (rtnetlink.h): a jump table. Anything unusual -> rtnl's decoder.
    switch (t) {
      case 15 /* RTA_TABLE */: if (l >= 4) at[AT_TABLE] = u32(b, o); else plain = false; break;
      case 1 /* RTA_DST */: if (l === alen) at[AT_DST] = o; else plain = false; break;
      case 5 /* RTA_GATEWAY */: if (l === alen) at[AT_GW] = o; else plain = false; break;
      case 7 /* RTA_PREFSRC */: if (l === alen) at[AT_SRC] = o; else plain = false; break;
      case 4 /* RTA_OIF */: if (l >= 4 && b[o + 3]! < 0x80) at[AT_OIF] = u32(b, o); else plain = false; break;
      case 6 /* RTA_PRIORITY */: if (l >= 4 && b[o + 3]! < 0x80) at[AT_PRIO] = u32(b, o); else plain = false; break;
      case 20 /* RTA_PREF */: if (l >= 1 && PREF_Q[b[o]!] !== undefined) at[AT_PREF] = b[o]!; else plain = false; break;
      default: plain = false;
    }
    pos += (len + 3) & ~3;
  }
  for (; pos < end; pos++) if (b[pos] !== 0) throw new NetlinkDecodeError(`${end - pos} trailing bytes after the last attribute`, pos);
  return plain;
}

function ip4(b: Uint8Array, o: number): string {
  return DEC[b[o]!] + '.' + DEC[b[o + 1]!] + '.' + DEC[b[o + 2]!] + '.' + DEC[b[o + 3]!];
}

/** One message's JSON as a string (tests compare it with rtnl's decoder), or undefined. */
export function routeJsonString(write: RouteJsonWriter, m: MessageRef): string | undefined {
  const sink: ByteSink = {
    buf: Buffer.alloc(PLAIN_MAX), pos: 0,
    room(n) { if (this.buf.length - this.pos < n) { const b = Buffer.alloc(this.pos + n); b.set(this.buf.subarray(0, this.pos)); this.buf = b; } },
  };
  return write(m.buf, m.offset, sink, 0) ? Buffer.from(sink.buf.buffer, sink.buf.byteOffset, sink.pos).toString('utf8') : undefined;
}

/**
 * Stream the routes of the socket's namespace as JSON items of `arr` into `out`, as `ip -j -d route show` would print
 * them. A table that does not exist in a family (ENOENT) is an empty list, as for ip.
 */
export async function dumpRoutesJson(
  sock: NetlinkSocket, names: Map<number, string>,
  opts: { family: number; table: number; showTable: boolean; netns?: string | null },
  out: Output, arr: JsonArrayWriter,
): Promise<void> {
  // With a table filter each family is dumped on its own: in an AF_UNSPEC dump a family
  // without that table fails the whole dump (rtnl's routeBatches does the same).
  const families = opts.family !== AF_UNSPEC ? [opts.family] : opts.table ? [AF_INET, AF_INET6] : [AF_UNSPEC];
  const COMMA = 0x2c;
  for (const family of families) {
    const write = routeJsonWriter(names, { ...opts, family });
    try {
      // Chunks, not MessageRefs: the messages of a datagram are walked in place (the socket
      // checked their headers), no object per route.
      for await (const c of sock.dumpDatagrams(encodeRouteDump({ family, table: opts.table }), { operation: 'list routes', headerSize: RTMSG_LEN })) {
        const buf = c.buf;
        const view = buf.view;
        const end = c.end;
        let p = c.start;
        // The array's first item gets '[' (written as text by JsonArrayWriter), the rest ','.
        while (!arr.started && p < end) {
          if (write(buf, p, out, 0x5b /* [ */)) arr.started = true;
          p += (view.getUint32(p, true) + 3) & ~3;
        }
        for (; p < end; p += (view.getUint32(p, true) + 3) & ~3) write(buf, p, out, COMMA);
        // Backpressure: a non-blocking stdout may ask to wait before the next datagram.
        const wait = out.pending();
        if (wait) await wait;
      }
    } catch (err) {
      if (!(err instanceof NetlinkError && err.code === 'ENOENT')) throw err;
    }
  }
}
