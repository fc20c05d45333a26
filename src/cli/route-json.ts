// `dump-routes --json` at the speed of the dump: each route message is written as JSON text
// straight from its bytes when it is a plain one (IPv4/IPv6, attributes among RTA_TABLE,
// RTA_DST, RTA_GATEWAY, RTA_OIF, RTA_PRIORITY, RTA_PREFSRC, RTA_PREF: what a full routing
// table is made of); anything else (multipath, metrics, cache entries, encap, src/tos
// selectors...) goes through rtnl's decodeRoute and routeJsonText. Both give the same text
// (test/cli-route-json.test.ts compares them message by message). Measured on 100,000 routes:
// decodeRoute + a Route object + JSON per route cost ~1.5x this writer's whole run, most of it
// garbage collection; here a plain route costs no allocation at all (bytes into the output).
import { NLM_F_DUMP_FILTERED } from '../netlink/constants.js';
import { NetlinkDecodeError, NetlinkError } from '../netlink/errors.js';
import { formatIPv6 } from '../netlink/address.js';
import type { MessageRef } from '../netlink/message.js';
import type { NetlinkSocket } from '../netlink/socket.js';
import { RTN_NAMES, RTPROT_NAMES, RT_SCOPE_NAMES } from '../rtnl/constants.js';
import { decodeRoute, encodeRouteDump, routeFlagNames, tableName, type AddressCache } from '../rtnl/route.js';
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
   * Writes `sep` (a byte, 0 for none) and the JSON of one RTM_NEWROUTE into `out`; false,
   * with nothing written, for messages the dump's filters leave out.
   */
  (m: MessageRef, out: ByteSink, sep: number): boolean;
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
  const { family, table } = opts;
  return (m: MessageRef, out: ByteSink, sep: number): boolean => {
    if (m.type !== RTM_NEWROUTE) return false;
    const b = m.buf.bytes;
    const view = m.buf.view;
    const off = m.payloadStart;
    const end = m.end;
    if (end - off < RTMSG_LEN) throw new NetlinkDecodeError(`rtmsg needs ${RTMSG_LEN} bytes, ${end - off} remain`, off);
    const fam = b[off]!;
    // AF_UNSPEC dumps every family that has routes (ipmr, ip6mr, mpls too): keep IP ones.
    if (family === AF_UNSPEC && fam !== AF_INET && fam !== AF_INET6) return false;
    const dstLen = b[off + 1]!;
    const rflags = view.getUint32(off + 8, true);
    let rtable = b[off + 4]!;
    let simple = (fam === AF_INET || fam === AF_INET6) && b[off + 2] === 0 && b[off + 3] === 0 && !(rflags & RTM_F_CLONED);
    const alen = fam === AF_INET ? 4 : 16;
    let dst = -1, gw = -1, src = -1, oif = -1, prio = -1, pref = -1;
    let pos = off + RTMSG_LEN;
    while (end - pos >= 4) {
      const len = view.getUint16(pos, true);
      if (len < 4) throw new NetlinkDecodeError(`attribute length ${len} is below the 4-byte header`, pos);
      if (len > end - pos) throw new NetlinkDecodeError(`attribute type ${view.getUint16(pos + 2, true) & 0x3fff} claims ${len} bytes, only ${end - pos} remain`, pos);
      const l = len - 4;
      // Literal RTA_* numbers (rtnetlink.h): a jump table. Anything unusual -> rtnl's decoder.
      switch (view.getUint16(pos + 2, true) & 0x3fff) {
        case 15 /* RTA_TABLE */: if (l >= 4) rtable = view.getUint32(pos + 4, true); else simple = false; break;
        case 1 /* RTA_DST */: if (l === alen) dst = pos + 4; else simple = false; break;
        case 5 /* RTA_GATEWAY */: if (l === alen) gw = pos + 4; else simple = false; break;
        case 7 /* RTA_PREFSRC */: if (l === alen) src = pos + 4; else simple = false; break;
        case 4 /* RTA_OIF */: if (l >= 4) oif = view.getUint32(pos + 4, true); else simple = false; break;
        case 6 /* RTA_PRIORITY */: if (l >= 4) prio = view.getUint32(pos + 4, true); else simple = false; break;
        case 20 /* RTA_PREF */: if (l >= 1 && PREF_Q[b[pos + 4]!] !== undefined) pref = b[pos + 4]!; else simple = false; break;
        default: simple = false;
      }
      pos += (len + 3) & ~3;
    }
    for (; pos < end; pos++) if (b[pos] !== 0) throw new NetlinkDecodeError(`${end - pos} trailing bytes after the last attribute`, pos);
    if (!(m.flags & NLM_F_DUMP_FILTERED) && table && rtable !== table) return false;
    if (!simple) {
      const text = routeJsonText(decodeRoute(m, resolve, cache), opts.showTable, opts.netns);
      out.room(text.length * 3 + 1);
      const o = out.buf;
      let p = out.pos;
      if (sep) o[p++] = sep;
      p += Buffer.prototype.write.call(o, text, p, 'utf8') as number;
      out.pos = p;
      return true;
    }

    out.room(PLAIN_MAX);
    const o = out.buf;
    let p = out.pos;
    if (sep) o[p++] = sep;
    const hostLen = fam === AF_INET ? 32 : 128;
    const type = b[off + 7]!;
    p = put(o, p, TYPE_HEAD_B[type] ??= ascii(TYPE_HEAD[type]!));
    if (dst >= 0) {
      p = fam === AF_INET ? putIp4(o, p, b, dst) : putAscii(o, p, formatIPv6(b, dst));
      if (dstLen !== hostLen) p = putAscii(o, p, SLASH[dstLen]!);
    } else if (dstLen) p = putAscii(o, p, `0/${dstLen}`);
    else p = put(o, p, DEFAULT_B);
    if (gw >= 0) {
      p = put(o, p, GATEWAY_B);
      p = fam === AF_INET ? putIp4(o, p, b, gw) : putAscii(o, p, formatIPv6(b, gw));
    }
    // What follows the addresses repeats across routes (same device, protocol, scope...):
    // encoded once per combination. Only the common shapes are cached (no preferred source,
    // no flags).
    const protocol = b[off + 5]!;
    const scope = b[off + 6]!;
    const cacheable = src < 0 && !opts.showTable && oif < 0x1000000 && routeFlagNames(rflags).length === 0;
    let inner: Map<number, Uint8Array> | undefined;
    let key = 0;
    if (cacheable) {
      inner = restQ.get(prio);
      if (!inner) restQ.set(prio, (inner = new Map()));
      key = (((oif + 1) * 256 + protocol) * 256 + scope) * 8 + (pref + 1);
      const rest = inner.get(key);
      if (rest !== undefined) {
        out.pos = put(o, p, rest);
        return true;
      }
    }
    let rest = '"';
    if (oif >= 0) {
      let d = devQ.get(oif);
      if (d === undefined) devQ.set(oif, (d = quote(resolve(oif) ?? `if${oif}`)));
      rest += `,"dev":${d}`;
    }
    if (opts.showTable) rest += `,"table":${quote(tableName(rtable))}`;
    rest += `,"protocol":${PROTO_Q[protocol]},"scope":${SCOPE_Q[scope]}`;
    if (src >= 0) rest += `,"prefsrc":"${fam === AF_INET ? ip4(b, src) : formatIPv6(b, src)}"`;
    if (prio >= 0) rest += `,"metric":${prio}`;
    const flags = routeFlagNames(rflags);
    rest += flags.length ? `,"flags":${JSON.stringify(flags)}` : ',"flags":[]';
    if (pref >= 0) rest += `,"pref":${PREF_Q[pref]}`;
    rest += tail;
    const bytes = Buffer.from(rest, 'utf8');
    if (inner && inner.size < 4096) inner.set(key, bytes);
    out.pos = put(o, p, bytes);
    return true;
  };
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
  return write(m, sink, 0) ? Buffer.from(sink.buf.buffer, sink.buf.byteOffset, sink.pos).toString('utf8') : undefined;
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
      for await (const batch of sock.dumpBatches(encodeRouteDump({ family, table: opts.table }), { operation: 'list routes', headerSize: RTMSG_LEN })) {
        for (const m of batch) {
          // The array's first item gets '[' (written as text by JsonArrayWriter), the rest ','.
          if (arr.started) write(m, out, COMMA);
          else if (write(m, out, 0x5b /* [ */)) arr.started = true;
        }
        // Backpressure: a non-blocking stdout may ask to wait before the next datagram.
        const p = out.pending();
        if (p) await p;
      }
    } catch (err) {
      if (!(err instanceof NetlinkError && err.code === 'ENOENT')) throw err;
    }
  }
}
