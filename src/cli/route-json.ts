// `dump-routes --json` at the speed of the dump: each route message is written as JSON text
// straight from its bytes when it is a plain one (IPv4/IPv6, attributes among RTA_TABLE,
// RTA_DST, RTA_GATEWAY, RTA_OIF, RTA_PRIORITY, RTA_PREFSRC, RTA_PREF: what a full routing
// table is made of); anything else (multipath, metrics, cache entries, encap, src/tos
// selectors...) goes through rtnl's decodeRoute and routeJsonText. Both give the same text
// (test/cli-route-json.test.ts compares them message by message). Measured on 100,000 routes:
// decodeRoute + a Route object + JSON per route cost ~1.5x this writer's whole run, most of it
// garbage collection; here a route costs one string.
import { NLM_F_DUMP_FILTERED } from '../netlink/constants.js';
import { NetlinkDecodeError, NetlinkError } from '../netlink/errors.js';
import { formatIPv6 } from '../netlink/address.js';
import type { MessageRef } from '../netlink/message.js';
import type { NetlinkSocket } from '../netlink/socket.js';
import { RTN_NAMES, RTPROT_NAMES, RT_SCOPE_NAMES } from '../rtnl/constants.js';
import { decodeRoute, encodeRouteDump, routeFlagNames, tableName, type AddressCache } from '../rtnl/route.js';
import { routeJsonText } from './json-text.js';

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

function ip4(b: Uint8Array, o: number): string {
  return DEC[b[o]!] + '.' + DEC[b[o + 1]!] + '.' + DEC[b[o + 2]!] + '.' + DEC[b[o + 3]!];
}

export interface RouteJsonWriter {
  /** JSON of one RTM_NEWROUTE, or undefined for messages the dump's filters leave out. */
  (m: MessageRef): string | undefined;
}

/**
 * A writer for the messages of one dump. `names` maps ifindex -> name (a route's dev);
 * `filter` repeats the dump's filters for kernels that did not apply them (no
 * NLM_F_DUMP_FILTERED), exactly as rtnl's routeBatches does.
 */
export function routeJsonWriter(
  names: Map<number, string>, opts: { showTable: boolean; netns?: string | null; family: number; table: number },
): RouteJsonWriter {
  const resolve = (i: number): string | undefined => names.get(i);
  const cache: AddressCache = new Map();
  const devQ = new Map<number, string>();
  const gwQ = new Map<number, string>();
  const restQ = new Map<number, Map<number, string>>();
  const tail = opts.netns === undefined ? '}' : `,"netns":${opts.netns === null ? 'null' : quote(opts.netns)}}`;
  const { family, table } = opts;
  return (m: MessageRef): string | undefined => {
    if (m.type !== RTM_NEWROUTE) return undefined;
    const b = m.buf.bytes;
    const view = m.buf.view;
    const off = m.payloadStart;
    const end = m.end;
    if (end - off < RTMSG_LEN) throw new NetlinkDecodeError(`rtmsg needs ${RTMSG_LEN} bytes, ${end - off} remain`, off);
    const fam = b[off]!;
    // AF_UNSPEC dumps every family that has routes (ipmr, ip6mr, mpls too): keep IP ones.
    if (family === AF_UNSPEC && fam !== AF_INET && fam !== AF_INET6) return undefined;
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
    if (!(m.flags & NLM_F_DUMP_FILTERED) && table && rtable !== table) return undefined;
    if (!simple) return routeJsonText(decodeRoute(m, resolve, cache), opts.showTable, opts.netns);

    const hostLen = fam === AF_INET ? 32 : 128;
    const type = b[off + 7]!;
    let s = TYPE_HEAD[type]!;
    if (dst >= 0) {
      s += fam === AF_INET ? ip4(b, dst) : formatIPv6(b, dst);
      if (dstLen !== hostLen) s += SLASH[dstLen];
    } else s += dstLen ? `0/${dstLen}` : 'default';
    if (gw >= 0) {
      if (fam === AF_INET) {
        const k = view.getUint32(gw, false);
        let g = gwQ.get(k);
        if (g === undefined) {
          g = `","gateway":"${ip4(b, gw)}`;
          if (gwQ.size < 65536) gwQ.set(k, g);
        }
        s += g;
      } else s += `","gateway":"${formatIPv6(b, gw)}`;
    }
    // What follows the address repeats across routes (same device, protocol, scope...): built
    // once per combination. Only the common shapes are cached (no preferred source, no flags).
    const protocol = b[off + 5]!;
    const scope = b[off + 6]!;
    const cacheable = src < 0 && !opts.showTable && oif < 0x1000000 && routeFlagNames(rflags).length === 0;
    let rest: string | undefined;
    let inner: Map<number, string> | undefined;
    let key = 0;
    if (cacheable) {
      inner = restQ.get(prio);
      if (!inner) restQ.set(prio, (inner = new Map()));
      key = (((oif + 1) * 256 + protocol) * 256 + scope) * 8 + (pref + 1);
      rest = inner.get(key);
    }
    if (rest === undefined) {
      rest = '"';
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
      if (inner && inner.size < 4096) inner.set(key, rest);
    }
    return s + rest;
  };
}

/**
 * Stream the routes of the socket's namespace as JSON items to `emit` (one call per datagram,
 * with the items of that datagram joined by commas), as `ip -j -d route show` would print
 * them. A table that does not exist in a family (ENOENT) is an empty list, as for ip.
 */
export async function dumpRoutesJson(
  sock: NetlinkSocket, names: Map<number, string>,
  opts: { family: number; table: number; showTable: boolean; netns?: string | null },
  emit: (items: string[]) => Promise<void> | undefined,
): Promise<void> {
  // With a table filter each family is dumped on its own: in an AF_UNSPEC dump a family
  // without that table fails the whole dump (rtnl's routeBatches does the same).
  const families = opts.family !== AF_UNSPEC ? [opts.family] : opts.table ? [AF_INET, AF_INET6] : [AF_UNSPEC];
  for (const family of families) {
    const write = routeJsonWriter(names, { ...opts, family });
    try {
      for await (const batch of sock.dumpBatches(encodeRouteDump({ family, table: opts.table }), { operation: 'list routes', headerSize: RTMSG_LEN })) {
        const items: string[] = [];
        for (const m of batch) {
          const j = write(m);
          if (j !== undefined) items.push(j);
        }
        if (items.length) {
          const p = emit(items);
          if (p) await p;
        }
      }
    } catch (err) {
      if (!(err instanceof NetlinkError && err.code === 'ENOENT')) throw err;
    }
  }
}
