// `dump-links --json` over a whole dump, written as bytes straight from the kernel's messages.
//
// Why: in a short-lived process this code runs cold (interpreted). The per-link path of
// decodeLinkForPrint + resolveLinkNames + printLinkJson built ~60 properties, a flags array and
// a JSON string per link, then UTF-8-encoded the string; with a separate pass reading names for
// masters and peers first, that was most of the CLI's own time over 2,000 links (profiled: the
// JSON alone ~12 ms plus ~12 ms of garbage collection). Here the dump's datagrams are kept as
// they come, each message is scanned once into a row of offsets (one store per attribute, no
// object), and printing reads those offsets: names of masters and peers are copied from the
// referenced link's own bytes, numbers written digit by digit, repeated values (flags, link
// types) encoded once.
//
// Only the common shape of link is written here: the attributes a veth, a dummy or a plain
// device carries, and a veth whose peer is in another namespace (link_index, link_netnsid and the
// peer found after the dump). Anything else (kind data, bridge ports, altnames, aliases,
// non-ASCII names, anything malformed) goes through the general path, so the text
// stays byte-for-byte what JSON.stringify of the decoded link gives (test/cli-fastpath.test.ts
// compares the two on real dumps, link by link).
import type { MessageChunk, MessageRef } from '../netlink/message.js';
import type { NetlinkBuffer } from '../netlink/reader.js';
import { ARPHRD_NAMES, LINKMODE_NAMES, OPERSTATE_NAMES } from '../rtnl/constants.js';
import { linkFlagNames, type LinkRef } from '../rtnl/link.js';
import { NetlinkDecodeError } from '../netlink/errors.js';
import type { ByteSink } from './route-json.js';
import type { Output } from './output.js';
import type { PeerInfo } from './link-format.js';

const RTM_NEWLINK = 16;
const NLMSG_HDRLEN = 16;
const IFINFOMSG_LEN = 16;

// Row layout (Int32Array, STRIDE ints a link): the message, its header fields, then the
// payload offset of each attribute the writer uses (-1: absent).
const R_MSG = 0; // message offset in its datagram
const R_END = 1;
const R_INDEX = 2;
const R_FLAGS = 3;
const R_PLAIN = 4; // 1: the byte writer can print it
const R_BUF = 5; // index into the datagram list
// Attribute slots.
const S_IFNAME = 6, S_ADDRESS = 7, S_BROADCAST = 8, S_QDISC = 9, S_OPERSTATE = 10, S_LINKMODE = 11;
const S_PROTO_DOWN = 12, S_LINKINFO = 13, S_AF_SPEC = 14, S_MTU = 15, S_LINK = 16, S_MASTER = 17;
const S_TXQLEN = 18, S_GROUP = 19, S_NETNSID = 20, S_PROMISC = 21, S_ALLMULTI = 22, S_MIN_MTU = 23;
const S_MAX_MTU = 24, S_TXQ = 25, S_RXQ = 26, S_GSO_SIZE = 27, S_GSO_SEGS = 28, S_TSO_SIZE = 29;
const S_TSO_SEGS = 30, S_GRO_SIZE = 31, S_GSO4 = 32, S_GRO4 = 33;
const STRIDE = 34;

// IFLA_* -> slot; 0: not used by the printer; -1: only the general path prints it; -2: a u8
// the printer ignores (checked for length as the decoder does); -3: a u32 it ignores.
const SLOT = new Int8Array(128);
SLOT[3] = S_IFNAME; SLOT[1] = S_ADDRESS; SLOT[2] = S_BROADCAST; SLOT[6] = S_QDISC; SLOT[16] = S_OPERSTATE;
SLOT[17] = S_LINKMODE; SLOT[39] = S_PROTO_DOWN; SLOT[18] = S_LINKINFO; SLOT[26] = S_AF_SPEC; SLOT[4] = S_MTU;
SLOT[5] = S_LINK; SLOT[10] = S_MASTER; SLOT[13] = S_TXQLEN; SLOT[27] = S_GROUP; SLOT[37] = S_NETNSID;
SLOT[30] = S_PROMISC; SLOT[61] = S_ALLMULTI; SLOT[50] = S_MIN_MTU; SLOT[51] = S_MAX_MTU; SLOT[31] = S_TXQ;
SLOT[32] = S_RXQ; SLOT[41] = S_GSO_SIZE; SLOT[40] = S_GSO_SEGS; SLOT[59] = S_TSO_SIZE; SLOT[60] = S_TSO_SEGS;
SLOT[58] = S_GRO_SIZE; SLOT[63] = S_GSO4; SLOT[64] = S_GRO4;
/**
 * The shortest attribute (header included) of each type the byte writer takes: 8 for a u32,
 * 5 for a u8 (the decoder refuses shorter ones: the general path reports them), 255 for the
 * attributes only the general path prints.
 */
const MINLEN = new Uint8Array(128);
for (let t = 0; t < 128; t++) if (SLOT[t]! >= S_MTU) MINLEN[t] = 8;
for (const t of [16, 17, 39, 33 /* IFLA_CARRIER, not printed */]) MINLEN[t] = 5;
for (const t of [35, 47, 48, 45, 49]) MINLEN[t] = 8; // u32s not printed
for (const t of [54, 20, 38, 57, 56, 34, 36, 52]) MINLEN[t] = 255;

const enc = (s: string): Uint8Array => Buffer.from(s, 'latin1');
const K_LINK = enc(',"link":"'), K_LINK_NULL = enc(',"link":null'), K_IFNAME = enc(',"ifname":"');
const K_MTU = enc(',"mtu":'), K_QDISC = enc(',"qdisc":"'), K_MASTER = enc(',"master":');
const K_OPERSTATE_INDEX = enc(',"operstate_index":'), K_GROUP = enc(',"group":');
const K_TXQLEN = enc(',"txqlen":'), K_LINK_TYPE = enc(',"link_type":'), K_ADDRESS = enc(',"address":"');
const K_BROADCAST = enc(',"broadcast":"'), K_PROTO_DOWN = enc(',"proto_down":true'), K_PROMISC = enc(',"promiscuity":');
const K_ALLMULTI = enc(',"allmulti":'), K_MIN_MTU = enc(',"min_mtu":'), K_MAX_MTU = enc(',"max_mtu":');
const K_KIND = enc(',"linkinfo":{"info_kind":"'), K_LINKINFO_EMPTY = enc(',"linkinfo":{}');
const K_GEN_MODE = enc(',"inet6_addr_gen_mode":"');
const K_TXQ = enc(',"num_tx_queues":'), K_RXQ = enc(',"num_rx_queues":'), K_GSO_SIZE = enc(',"gso_max_size":');
const K_GSO_SEGS = enc(',"gso_max_segs":'), K_TSO_SIZE = enc(',"tso_max_size":'), K_TSO_SEGS = enc(',"tso_max_segs":');
const K_GRO_SIZE = enc(',"gro_max_size":'), K_GSO4 = enc(',"gso_ipv4_max_size":'), K_GRO4 = enc(',"gro_ipv4_max_size":');
const K_PEER = enc(',"peer_ifname":"'), K_PEER_NETNS = enc('","peer_netns":');
const K_LINK_INDEX = enc(',"link_index":'), K_LINK_NETNSID = enc(',"link_netnsid":');
const OPERSTATE_B = OPERSTATE_NAMES.map((n) => enc(`,"operstate":"${n}"`));
const LINKMODE_B = LINKMODE_NAMES.map((n) => enc(`,"linkmode":"${n}"`));
const GROUP_DEFAULT = enc('"default"');
const ADDR_GEN_MODES = ['eui64', 'none', 'stable_secret', 'random'];
const HEXC = enc('0123456789abcdef');
const ESC = enc('btn_fr'); // \b \t \n (\v has none) \f \r for 8..13
/** The most bytes a plain link's JSON takes besides its strings (each string byte: up to 6). */
const FIXED_MAX = 1536;
/** Larger links go through the general path (Output's chunk is 256 KiB). */
const ROOM_MAX = 1 << 17;
const utf8 = new TextDecoder();
/** ifindexes below this are kept in a typed array (4 bytes each), larger ones in a Map. */
const DENSE_MAX = 1 << 20;
const LE = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
/** Per slot: value -> the field's bytes (key and digits). */
const FIELDS: Map<number, Uint8Array>[] = Array.from({ length: STRIDE }, () => new Map());

/** Quoted link type and flag arrays, by value: a dump has few distinct ones. */
const linkTypes: (Uint8Array | undefined)[] = [];
const flagTexts = new Map<number, Uint8Array>();

function linkTypeBytes(type: number): Uint8Array {
  return (linkTypes[type] ??= enc(JSON.stringify(ARPHRD_NAMES.get(type) ?? `[${type}]`)));
}

/**
 * The end of the ifname string and the flags array as printed (`","flags":[...]`), with M-DOWN
 * when `mdown` (as resolveLinkNames adds it): one copy a link.
 */
function flagBytes(flags: number, mdown: boolean): Uint8Array {
  const key = mdown ? flags + 0x100000000 : flags;
  let v = flagTexts.get(key);
  if (v === undefined) {
    const names = linkFlagNames(flags);
    if (mdown && !names.includes('M-DOWN')) names.push('M-DOWN');
    flagTexts.set(key, (v = Buffer.from(`","flags":${JSON.stringify(names)}`, 'utf8')));
  }
  return v;
}

const u32 = (b: Uint8Array, o: number): number => (b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24)) >>> 0;
const u16 = (b: Uint8Array, o: number): number => b[o]! | (b[o + 1]! << 8);

/** Copies a (keys, cached segments): one builtin call, fewer operations than a loop while interpreted. */
function put(o: Uint8Array, p: number, a: Uint8Array): number {
  o.set(a, p);
  return p + a.length;
}

/**
 * The decimal digits of v (an unsigned 32-bit value). Integer operations only: in cold code a
 * division with a fraction allocates a heap number, and Math.floor is a call.
 */
function putNum(o: Uint8Array, p: number, v: number): number {
  let n = 1;
  for (let t = v; t >= 10; n++) t = (t - (t % 10)) / 10;
  for (let i = p + n - 1; i >= p; i--) {
    const d = v % 10;
    o[i] = 48 + d;
    v = (v - d) / 10;
  }
  return p + n;
}

/**
 * The string of a payload (up to its first NUL) as JSON string content, as JSON.stringify
 * escapes it; -1 for non-ASCII text (the general path decodes UTF-8).
 */
function putStr(o: Uint8Array, p: number, b: Uint8Array, off: number, len: number): number {
  const max = off + len;
  for (let i = off; i < max; i++) {
    const c = b[i]!;
    if (c === 0) break;
    if (c >= 0x80) return -1;
    if (c === 0x22 || c === 0x5c) {
      o[p++] = 0x5c;
      o[p++] = c;
    } else if (c < 0x20) {
      o[p++] = 0x5c;
      if (c >= 8 && c <= 13 && c !== 11) o[p++] = ESC[c - 8]!;
      else {
        o[p++] = 0x75; o[p++] = 0x30; o[p++] = 0x30; // u00
        o[p++] = HEXC[c >> 4]!;
        o[p++] = HEXC[c & 15]!;
      }
    } else o[p++] = c;
  }
  return p;
}

/** A hardware address as formatHardwareAddress writes it (two hex digits per byte, ':' between). */
function putHw(o: Uint8Array, p: number, b: Uint8Array, off: number, len: number): number {
  for (let i = 0; i < len; i++) {
    if (i) o[p++] = 0x3a;
    const v = b[off + i]!;
    o[p++] = HEXC[v >> 4]!;
    o[p++] = HEXC[v & 15]!;
  }
  return p;
}

/** Whether [off, off+len) is a well-formed attribute list (what the decoder's walk accepts). */
function nestedOk(b: Uint8Array, off: number, len: number): boolean {
  const end = off + len;
  let pos = off;
  while (end - pos >= 4) {
    const l = u16(b, pos);
    if (l < 4 || l > end - pos) return false;
    pos += (l + 3) & ~3;
  }
  for (; pos < end; pos++) if (b[pos] !== 0) return false;
  return true;
}

/**
 * The links of one namespace's whole dump: rows of attribute offsets over the datagrams as they
 * came. add() scans a datagram's messages; write() prints one link.
 */
export class LinkTable {
  /** Rows are numbered by their first int: 0, STRIDE, 2 * STRIDE... up to `end`. */
  static readonly STRIDE = STRIDE;
  /** Rows for 16 links to start with (a container's namespace has two or three), doubled as needed. */
  rows = new Int32Array(STRIDE * 16);
  count = 0;
  readonly bufs: NetlinkBuffer[] = [];
  /**
   * Each datagram as host-order 32-bit words when it is aligned and the host little-endian
   * (always, in practice): an attribute header or a u32 is then one indexed load instead of
   * four byte loads and shifts, which is what the interpreter spends its time on here.
   * Without words a datagram's links all take the general path.
   */
  readonly words: (Int32Array | undefined)[] = [];
  /**
   * ifindex -> row + 1 (0: none) for indexes below DENSE_MAX, the rest in a Map: the writer
   * looks up one or two links per link, and a typed-array load is cheaper than Map.get both
   * interpreted and for the optimizing compiler (a smaller graph, compiled sooner).
   */
  private dense = new Int32Array(64);
  private readonly sparse = new Map<number, number>();
  /** The longest IFLA_IFNAME payload (names of other links are copied into a link's JSON). */
  private maxName = 16;
  /**
   * Whether an ifindex came twice (a link changed while the kernel dumped): the later message
   * names it, so text written before the dump ended may have used the earlier one.
   */
  repeated = false;
  /** How many links carry IFLA_LINK_NETNSID (a peer or lower device in another namespace). */
  withNetnsid = 0;

  /** Scans the RTM_NEWLINK messages of a chunk of dumpDatagrams(). */
  add(c: MessageChunk): void {
    const buf = c.buf;
    const b = buf.bytes;
    const bi = this.bufs.length;
    this.bufs.push(buf);
    const w = LE && (b.byteOffset & 3) === 0 ? new Int32Array(b.buffer, b.byteOffset, b.length >> 2) : undefined;
    this.words.push(w);
    let pos = c.start;
    for (let i = 0; i < c.count; i++) {
      const len = u32(b, pos);
      if (u16(b, pos + 4) === RTM_NEWLINK) {
        const base = this.row(b, pos, pos + len, bi);
        if (w !== undefined) this.scanWords(w, pos + NLMSG_HDRLEN + IFINFOMSG_LEN, pos + len, base);
        else this.scanBytes(b, pos + NLMSG_HDRLEN + IFINFOMSG_LEN, pos + len, base);
        const n = this.rows[base + S_IFNAME]!;
        if (this.rows[base + S_NETNSID]! >= 0) this.withNetnsid++;
        if (n < 0 || w === undefined) this.rows[base + R_PLAIN] = 0;
        else if (u16(b, n - 4) - 4 > this.maxName) this.maxName = u16(b, n - 4) - 4;
      }
      pos += (len + 3) & ~3;
    }
  }

  /** A new row for the message at msg: its header fields, no attribute yet. */
  private row(b: Uint8Array, msg: number, end: number, bi: number): number {
    if (this.rows.length < (this.count + 1) * STRIDE) {
      const r = new Int32Array(this.rows.length * 2);
      r.set(this.rows);
      this.rows = r;
    }
    const rows = this.rows;
    const base = this.count++ * STRIDE;
    rows.fill(-1, base + S_IFNAME, base + STRIDE);
    rows[base + R_MSG] = msg;
    rows[base + R_END] = end;
    rows[base + R_BUF] = bi;
    const off = msg + NLMSG_HDRLEN;
    // Errors as the name pass before printing reported them (nothing printed yet).
    if (end - off < IFINFOMSG_LEN) throw new NetlinkDecodeError(`ifinfomsg needs ${IFINFOMSG_LEN} bytes, ${end - off} remain`, off);
    const index = u32(b, off + 4) | 0;
    rows[base + R_INDEX] = index;
    rows[base + R_FLAGS] = u32(b, off + 8);
    rows[base + R_PLAIN] = index > 0 ? 1 : 0;
    // A later message for the same index wins, as it did in the name map.
    if (index > 0 && index < DENSE_MAX) {
      if (index >= this.dense.length) {
        let n = this.dense.length * 2;
        while (n <= index) n *= 2;
        const d = new Int32Array(n);
        d.set(this.dense);
        this.dense = d;
      }
      if (this.dense[index] !== 0) this.repeated = true;
      this.dense[index] = base + 1;
    } else {
      if (this.sparse.has(index)) this.repeated = true;
      this.sparse.set(index, base);
    }
    return base;
  }

  /** The attribute walk: each attribute's payload offset into its slot; one word read per header. */
  private scanWords(w: Int32Array, pos: number, end: number, base: number): void {
    const rows = this.rows;
    let plain = 1;
    while (end - pos >= 4) {
      const h = w[pos >> 2]!;
      const len = h & 0xffff;
      if (len < 4 || len > end - pos) throw new NetlinkDecodeError(`attribute length ${len} does not fit the message`, pos);
      const t = (h >>> 16) & 0x3fff;
      if (t < 128) {
        const s = SLOT[t]!;
        if (s !== 0) rows[base + s] = pos + 4;
        if (len < MINLEN[t]!) plain = 0;
      }
      pos += (len + 3) & ~3;
    }
    if (pos < end) plain = 0; // trailing bytes: the general path checks them
    if (plain === 0) rows[base + R_PLAIN] = 0;
  }

  private scanBytes(b: Uint8Array, pos: number, end: number, base: number): void {
    const rows = this.rows;
    while (end - pos >= 4) {
      const len = u16(b, pos);
      if (len < 4 || len > end - pos) throw new NetlinkDecodeError(`attribute length ${len} does not fit the message`, pos);
      const t = u16(b, pos + 2) & 0x3fff;
      if (t < 128 && SLOT[t] !== 0) rows[base + SLOT[t]!] = pos + 4;
      pos += (len + 3) & ~3;
    }
  }

  get end(): number {
    return this.count * STRIDE;
  }

  /** ifindex -> IFLA_LINK of the links with IFLA_LINK_NETNSID (NamespaceDirectory's crossings). */
  crossings(): Map<number, number> {
    const m = new Map<number, number>();
    for (let row = 0; this.withNetnsid > 0 && row < this.end; row += STRIDE) {
      if (this.rows[row + S_NETNSID]! >= 0) m.set(this.rows[row + R_INDEX]!, this.linkOf(row));
    }
    return m;
  }

  /** The ifindex of a row. */
  ifindex(row: number): number {
    return this.rows[row + R_INDEX]!;
  }

  /** ifindex -> name of every link (for peers seen from other namespaces). */
  names(): Map<number, string> {
    const m = new Map<number, string>();
    for (let row = 0; row < this.end; row += STRIDE) m.set(this.rows[row + R_INDEX]!, this.name(row));
    return m;
  }

  /** The message of a row, for the general path. */
  ref(row: number): MessageRef {
    const rows = this.rows;
    const buf = this.bufs[rows[row + R_BUF]!]!;
    const offset = rows[row + R_MSG]!;
    const b = buf.bytes;
    return {
      length: u32(b, offset), type: u16(b, offset + 4), flags: u16(b, offset + 6), seq: u32(b, offset + 8),
      portId: u32(b, offset + 12), buf, offset, payloadStart: offset + NLMSG_HDRLEN, end: rows[row + R_END]!,
    };
  }

  /** The name of a row as the old brief read it: IFLA_IFNAME, else ifN (or '' with no attributes). */
  name(row: number): string {
    const rows = this.rows;
    const o = rows[row + S_IFNAME]!;
    const b = this.bufs[rows[row + R_BUF]!]!.bytes;
    if (o < 0) return rows[row + R_END]! - rows[row + R_MSG]! > NLMSG_HDRLEN + IFINFOMSG_LEN ? `if${rows[row + R_INDEX]}` : '';
    const len = u16(b, o - 4) - 4;
    let s = '';
    for (let i = o; i < o + len; i++) {
      const c = b[i]!;
      if (c === 0) break;
      if (c >= 0x80) {
        // UTF-8 as str() of link-decode.ts reads it: the whole name up to its NUL.
        let e = i;
        while (e < o + len && b[e] !== 0) e++;
        return utf8.decode(b.subarray(o, e));
      }
      s += String.fromCharCode(c);
    }
    return s;
  }

  /** The row of ifindex i (an unsigned IFLA_LINK/IFLA_MASTER value too), -1 when the dump has none. */
  rowOf(i: number): number {
    if (i > 0 && i < DENSE_MAX) return i < this.dense.length ? this.dense[i]! - 1 : -1;
    const r = this.sparse.get(i);
    return r === undefined ? -1 : r;
  }

  /** What resolveLinkNames needs of ifindex i. */
  lookup(i: number): LinkRef | undefined {
    const row = this.rowOf(i);
    return row < 0 ? undefined : { name: this.name(row), up: (this.rows[row + R_FLAGS]! & 1) !== 0 };
  }

  plain(row: number): boolean {
    return this.rows[row + R_PLAIN] === 1;
  }

  netnsid(row: number): number | undefined {
    const o = this.rows[row + S_NETNSID]!;
    return o < 0 ? undefined : u32(this.bufs[this.rows[row + R_BUF]!]!.bytes, o) | 0;
  }

  /** IFLA_LINK (0: none) and whether the link's kind is veth, for peer finding. */
  linkOf(row: number): number {
    const o = this.rows[row + S_LINK]!;
    return o < 0 ? 0 : u32(this.bufs[this.rows[row + R_BUF]!]!.bytes, o);
  }

  kind(row: number): string | undefined {
    const li = this.rows[row + S_LINKINFO]!;
    if (li < 0) return undefined;
    const b = this.bufs[this.rows[row + R_BUF]!]!.bytes;
    const end = li + u16(b, li - 4) - 4;
    let kind: string | undefined;
    for (let p = li; end - p >= 4;) {
      const nl = u16(b, p);
      if (nl < 4 || nl > end - p) break;
      if ((u16(b, p + 2) & 0x3fff) === 1 /* IFLA_INFO_KIND */) {
        let s = '';
        for (let i = p + 4; i < p + nl && b[i] !== 0; i++) s += String.fromCharCode(b[i]!);
        kind = s;
      }
      p += (nl + 3) & ~3;
    }
    return kind;
  }

  /**
   * Writes `sep` (a byte) and the JSON of the plain link at `row`; false, with nothing written,
   * when it needs the general path. `netnsQ`: the "netns" value as JSON bytes.
   */
  write(row: number, out: ByteSink, sep: number, netnsQ: Uint8Array, remote?: PeerInfo): boolean {
    const rows = this.rows;
    const b = this.bufs[rows[row + R_BUF]!]!.bytes;
    const w = this.words[rows[row + R_BUF]!]!;
    const msg = rows[row + R_MSG]!;
    // A link in another namespace's peer (found after the dump): its two strings as JSON.
    const nsid = rows[row + S_NETNSID]!;
    const remoteText = nsid >= 0 && remote ? `,"peer_ifname":${JSON.stringify(remote.peer_ifname)},"peer_netns":${JSON.stringify(remote.peer_netns)}` : '';
    const need = FIXED_MAX + 6 * (rows[row + R_END]! - msg + 2 * this.maxName) + 3 * remoteText.length;
    if (need > ROOM_MAX) return false;
    out.room(need);
    const o = out.buf;
    const start = out.pos;
    let p = start;
    o[p++] = sep;
    o[p++] = 0x7b; // {
    p = put(o, p, IFINDEX);
    p = putNum(o, p, rows[row + R_INDEX]! >>> 0);
    // Peer and lower device: the referenced link's own name bytes.
    let mdown = false;
    let ref = -1;
    /** Where the referenced link's name was written (a veth's peer: written again below). */
    let refAt = 0;
    let refEnd = 0;
    const lo = rows[row + S_LINK]!;
    if (nsid >= 0) {
      // IFLA_LINK names a link of the other namespace: its index only (as linkJson has it).
      const li = lo >= 0 ? u32(b, lo) : 0;
      if (li !== 0) p = putNum(o, put(o, p, K_LINK_INDEX), li);
    } else if (lo >= 0) {
      const li = u32(b, lo);
      if (li === 0) p = put(o, p, K_LINK_NULL);
      else {
        const r = this.rowOf(li);
        p = put(o, p, K_LINK);
        if (r < 0) {
          o[p++] = 0x69; o[p++] = 0x66; // if
          p = putNum(o, p, li);
          mdown = true;
        } else {
          if (rows[r + S_IFNAME]! < 0) return false;
          refAt = p;
          p = this.putName(o, p, r);
          if (p < 0) return false;
          refEnd = p;
          ref = r;
          mdown = (rows[r + R_FLAGS]! & 1) === 0;
        }
        o[p++] = 0x22;
      }
    }
    p = put(o, p, K_IFNAME);
    p = this.putName(o, p, row);
    if (p < 0) return false;
    p = put(o, p, flagBytes(rows[row + R_FLAGS]! >>> 0, mdown));
    const shape = this.shaped(row, b, w, msg);
    if (shape) p = put(o, p, shape.mid);
    else if ((p = this.midText(o, p, b, row, msg)) < 0) return false;
    p = this.hw(o, p, b, rows[row + S_ADDRESS]!, K_ADDRESS);
    if (shape) {
      p = put(o, p, shape.tailHead);
      if (nsid >= 0 && (p = this.putNetnsid(o, p, w, row)) < 0) return false;
      p = put(o, p, shape.tailRest);
    } else if ((p = this.tailText(o, p, b, w, row, true)) < 0) return false;
    const veth = shape ? shape.veth : this.tailVeth;
    const nsAt = p;
    p = put(o, p, netnsQ);
    // A veth's peer in this namespace (dump-links' own fields), unless its name looks like
    // ip's "ifN" for an unknown link: then the general path decides.
    if (veth && ref >= 0) {
      if (this.ifLike(ref)) return false;
      p = put(o, p, K_PEER);
      o.copyWithin(p, refAt, refEnd);
      p += refEnd - refAt;
      p = put(o, p, K_PEER_NETNS);
      // The namespace's JSON value: netnsQ past its key.
      o.copyWithin(p, nsAt + NETNS_KEY_LEN, nsAt + netnsQ.length);
      p += netnsQ.length - NETNS_KEY_LEN;
    } else if (remoteText) {
      p += Buffer.prototype.write.call(o, remoteText, p, 'utf8') as number;
    }
    o[p++] = 0x7d; // }
    out.pos = p;
    return true;
  }

  /**
   * mtu through link_type (midText) and broadcast through the queue sizes (tailText) are the
   * same text for nearly every link of a dump (links of one kind share their limits, queues
   * and state). They are written once for a row (a Shape) and copied for each link whose
   * attributes they are made of are that row's, compared word for word (sameShape): cold code
   * does a few loads and comparisons per attribute instead of writing a dozen fields. Two
   * shapes are kept, the last used first: veth pairs with one end up and the other down
   * alternate between two (with one, every link of such a dump missed: +109 ms over 2,000).
   */
  private shapes: Shape[] = [];
  /** Where tailText(..., false) left out link_netnsid (an offset in its output). */
  private tailSplit = 0;
  /** Whether the link tailText() wrote last is a veth. */
  private tailVeth = false;

  /**
   * The cached texts of this link: a kept shape's whose attributes it has, or new ones made
   * from it. Undefined for a link with a master (mid names it) or whose texts the general path
   * must write; the caller then writes the texts itself.
   */
  private shaped(row: number, b: Uint8Array, w: Int32Array, msg: number): Shape | undefined {
    const rows = this.rows;
    if (rows[row + S_MASTER]! >= 0) return undefined;
    const af = rows[row + S_AF_SPEC]!;
    const mode = af < 0 ? -1 : genMode(b, af, u16(b, af - 4) - 4, w);
    if (mode === -2) return undefined;
    const shapes = this.shapes;
    for (let k = 0; k < shapes.length; k++) {
      const s = shapes[k]!;
      if (s.mode !== mode || !this.sameShape(row, w, msg, s.row)) continue;
      if (k > 0) {
        shapes[k] = shapes[0]!;
        shapes[0] = s;
      }
      return s;
    }
    const m = this.midText(MID_SCRATCH, 0, b, row, msg);
    if (m < 0) return undefined;
    const n = this.tailText(TAIL_SCRATCH, 0, b, w, row, false);
    if (n < 0) return undefined;
    const s: Shape = {
      row, mode, veth: this.tailVeth, mid: MID_SCRATCH.slice(0, m),
      tailHead: TAIL_SCRATCH.slice(0, this.tailSplit), tailRest: TAIL_SCRATCH.slice(this.tailSplit, n),
    };
    shapes.unshift(s);
    if (shapes.length > 2) shapes.pop();
    return s;
  }

  /** Whether the row's SHAPE attributes (header and payload words) and ifi_type are those of row `s`. */
  private sameShape(row: number, w: Int32Array, msg: number, s: number): boolean {
    const rows = this.rows;
    const sw = this.words[rows[s + R_BUF]!]!;
    // ifi_family, padding and ifi_type: one word
    if (w[(msg + NLMSG_HDRLEN) >> 2] !== sw[(rows[s + R_MSG]! + NLMSG_HDRLEN) >> 2]) return false;
    for (let k = 0; k < SHAPE.length; k++) {
      const slot = SHAPE[k]!;
      const a = rows[row + slot]!;
      const c = rows[s + slot]!;
      if (a < 0 || c < 0) {
        if (a !== c) return false;
        continue;
      }
      let i = (a >> 2) - 1;
      let j = (c >> 2) - 1;
      const h = w[i]!;
      if (h !== sw[j]) return false; // length and type
      // payload words, padding included (the kernel zeroes it; other padding only misses)
      for (const e = i + (((h & 0xffff) + 3) >> 2); ++i < e;) if (w[i] !== sw[++j]) return false;
    }
    return true;
  }

  private midText(o: Uint8Array, p: number, b: Uint8Array, row: number, msg: number): number {
    const rows = this.rows;
    p = this.num(o, p, b, row, S_MTU, K_MTU);
    const q = rows[row + S_QDISC]!;
    if (q >= 0) {
      p = put(o, p, K_QDISC);
      p = putStr(o, p, b, q, u16(b, q - 4) - 4);
      if (p < 0) return -1;
      o[p++] = 0x22;
    }
    const mo = rows[row + S_MASTER]!;
    if (mo >= 0) {
      const mi = u32(b, mo);
      const r = this.rowOf(mi);
      p = put(o, p, K_MASTER);
      if (r < 0) p = putNum(o, p, mi);
      else {
        if (rows[r + S_IFNAME]! < 0) return -1;
        o[p++] = 0x22;
        p = this.putName(o, p, r);
        if (p < 0) return -1;
        o[p++] = 0x22;
      }
    }
    const os = rows[row + S_OPERSTATE]!;
    if (os >= 0) {
      const v = b[os]!;
      if (v < OPERSTATE_B.length) p = put(o, p, OPERSTATE_B[v]!);
      else {
        p = put(o, p, K_OPERSTATE_INDEX);
        p = putNum(o, p, v);
      }
    }
    const lm = rows[row + S_LINKMODE]!;
    if (lm >= 0 && b[lm]! < LINKMODE_B.length) p = put(o, p, LINKMODE_B[b[lm]!]!);
    const g = rows[row + S_GROUP]!;
    if (g >= 0) {
      p = put(o, p, K_GROUP);
      const v = u32(b, g);
      if (v === 0) p = put(o, p, GROUP_DEFAULT);
      else {
        o[p++] = 0x22;
        p = putNum(o, p, v);
        o[p++] = 0x22;
      }
    }
    p = this.num(o, p, b, row, S_TXQLEN, K_TXQLEN);
    p = put(o, p, K_LINK_TYPE);
    p = put(o, p, linkTypeBytes(u16(b, msg + NLMSG_HDRLEN + 2)));
    return p;
  }

  /**
   * broadcast through the queue sizes. link_netnsid goes right after broadcast: written when
   * `nsid`, else left out and tailSplit set to where it goes (a cached tail is shared by links
   * of different namespace ids: every container's veth has one of its own).
   */
  private tailText(o: Uint8Array, p: number, b: Uint8Array, w: Int32Array, row: number, nsid: boolean): number {
    const rows = this.rows;
    p = this.hw(o, p, b, rows[row + S_BROADCAST]!, K_BROADCAST);
    if (nsid) {
      p = this.putNetnsid(o, p, w, row);
      if (p < 0) return -1;
    } else this.tailSplit = p;
    const pd = rows[row + S_PROTO_DOWN]!;
    if (pd >= 0 && b[pd] !== 0) p = put(o, p, K_PROTO_DOWN);
    p = this.group(o, p, w, b, row, 0);
    const li = rows[row + S_LINKINFO]!;
    let veth = false;
    if (li >= 0) {
      const kind = this.kindAt(b, li);
      if (kind === -2) return -1;
      if (kind < 0) p = put(o, p, K_LINKINFO_EMPTY);
      else {
        p = put(o, p, K_KIND);
        const kl = u16(b, kind - 4) - 4;
        p = putStr(o, p, b, kind, kl);
        if (p < 0) return -1;
        o[p++] = 0x22;
        o[p++] = 0x7d; // }
        veth = kl >= 4 && b[kind] === 0x76 && b[kind + 1] === 0x65 && b[kind + 2] === 0x74 && b[kind + 3] === 0x68 && (kl === 4 || b[kind + 4] === 0);
      }
    }
    const af = rows[row + S_AF_SPEC]!;
    if (af >= 0) {
      const mode = genMode(b, af, u16(b, af - 4) - 4, w);
      if (mode === -2) return -1;
      if (mode >= 0) {
        p = put(o, p, K_GEN_MODE);
        const name = ADDR_GEN_MODES[mode];
        if (name !== undefined) for (let i = 0; i < name.length; i++) o[p++] = name.charCodeAt(i);
        else {
          o[p++] = 0x30; o[p++] = 0x78; // 0x
          o[p++] = HEXC[mode >> 4]!;
          o[p++] = HEXC[mode & 15]!;
        }
        o[p++] = 0x22;
      }
    }
    p = this.group(o, p, w, b, row, 1);
    this.tailVeth = veth;
    return p;
  }

  /** `,"link_netnsid":N` when the link has IFLA_LINK_NETNSID; -1 for a negative id (the general path's). */
  private putNetnsid(o: Uint8Array, p: number, w: Int32Array, row: number): number {
    const ns = this.rows[row + S_NETNSID]!;
    if (ns < 0) return p;
    const id = w[ns >> 2]!; // s32
    return id < 0 ? -1 : putNum(o, put(o, p, K_LINK_NETNSID), id);
  }

  /**
   * A run of u32 fields (GROUPS[gi]) as one segment: the previous link's when every value is
   * the same (the usual case in a dump: links of one kind share queues, limits and counts),
   * so a link costs one comparison per field instead of its text.
   */
  private group(o: Uint8Array, p: number, w: Int32Array, b: Uint8Array, row: number, gi: number): number {
    const slots = GROUPS[gi]!;
    const last = this.last[gi]!;
    const rows = this.rows;
    let same = true;
    for (let k = 0; k < slots.length; k++) {
      const at = rows[row + slots[k]!]!;
      const v = at < 0 ? -1 : w[at >> 2]! >>> 0;
      if (v !== last[k]) {
        same = false;
        last[k] = v;
      }
    }
    if (!same) {
      const seg = new Uint8Array(slots.length * 40);
      let q = 0;
      for (let k = 0; k < slots.length; k++) q = this.num(seg, q, b, row, slots[k]!, KEYS[slots[k]!]!);
      this.lastSeg[gi] = seg.subarray(0, q);
    }
    const seg = this.lastSeg[gi]!;
    o.set(seg, p);
    return p + seg.length;
  }

  private readonly last = GROUPS.map((g) => new Float64Array(g.length).fill(NaN));
  private readonly lastSeg: Uint8Array[] = GROUPS.map(() => new Uint8Array(0));

  private putName(o: Uint8Array, p: number, row: number): number {
    const n = this.rows[row + S_IFNAME]!;
    const b = this.bufs[this.rows[row + R_BUF]!]!.bytes;
    return putStr(o, p, b, n, u16(b, n - 4) - 4);
  }

  /**
   * Writes the plain links from `row` on, each after its separator ('[' first when `first`,
   * then ','); returns the first row not written: one for the general path, `end`, or the row
   * after a flush (the caller then waits for the output if it must). `dumping`: the dump is
   * still coming, so a link naming one not scanned yet waits (its row is returned), as does one
   * whose peer is in another namespace. `remotes`: those peers by row, once found.
   */
  writeRun(row: number, out: Output, first: boolean, netnsQ: Uint8Array, dumping = false, remotes?: Map<number, PeerInfo>): number {
    const end = this.count * STRIDE;
    const rows = this.rows;
    let sep = first ? 0x5b : 0x2c;
    for (; row < end; row += STRIDE) {
      const before = out.pos;
      if (rows[row + R_PLAIN] !== 1 || (dumping && !this.resolved(row)) || !this.write(row, out, sep, netnsQ, remotes?.get(row))) return row;
      sep = 0x2c;
      if (out.pos < before) return row + STRIDE;
    }
    return row;
  }

  /**
   * Whether the links a row names (IFLA_LINK, IFLA_MASTER) are in the table already: while the
   * dump runs, one that is not may still come (a veth's peer usually follows it).
   */
  private resolved(row: number): boolean {
    const rows = this.rows;
    // A peer in another namespace is looked up after the dump (NamespaceDirectory).
    if (rows[row + S_NETNSID]! >= 0) return false;
    const b = this.bufs[rows[row + R_BUF]!]!.bytes;
    const lo = rows[row + S_LINK]!;
    if (lo >= 0) {
      const li = u32(b, lo);
      if (li !== 0 && this.rowOf(li) < 0) return false;
    }
    const mo = rows[row + S_MASTER]!;
    return mo < 0 || this.rowOf(u32(b, mo)) >= 0;
  }

  /** Whether a link's name matches /^if\d+$/. */
  private ifLike(row: number): boolean {
    const n = this.rows[row + S_IFNAME]!;
    const b = this.bufs[this.rows[row + R_BUF]!]!.bytes;
    const end = n + u16(b, n - 4) - 4;
    if (end - n < 3 || b[n] !== 0x69 || b[n + 1] !== 0x66) return false;
    let i = n + 2;
    for (; i < end && b[i] !== 0; i++) if (b[i]! < 0x30 || b[i]! > 0x39) return false;
    return i > n + 2;
  }

  /** A u32 field: key and value as one cached segment (a dump repeats most values). */
  private num(o: Uint8Array, p: number, b: Uint8Array, row: number, slot: number, key: Uint8Array): number {
    const at = this.rows[row + slot]!;
    if (at < 0) return p;
    const v = u32(b, at);
    const cache = FIELDS[slot]!;
    let seg = cache.get(v);
    if (seg === undefined) {
      if (cache.size >= 64) return putNum(o, put(o, p, key), v);
      const t = new Uint8Array(key.length + 10);
      t.set(key);
      cache.set(v, (seg = t.subarray(0, putNum(t, key.length, v))));
    }
    o.set(seg, p);
    return p + seg.length;
  }

  private hw(o: Uint8Array, p: number, b: Uint8Array, at: number, key: Uint8Array): number {
    if (at < 0) return p;
    p = put(o, p, key);
    p = putHw(o, p, b, at, u16(b, at - 4) - 4);
    o[p++] = 0x22;
    return p;
  }

  /** IFLA_INFO_KIND's payload offset in IFLA_LINKINFO at li; -1 none; -2 the general path's (data, a port, malformed). */
  private kindAt(b: Uint8Array, li: number): number {
    const len = u16(b, li - 4) - 4;
    if (!nestedOk(b, li, len)) return -2;
    const end = li + len;
    let kind = -1;
    for (let p = li; end - p >= 4;) {
      const nl = u16(b, p);
      const t = u16(b, p + 2) & 0x3fff;
      if (t === 1 /* IFLA_INFO_KIND */) kind = p + 4;
      else if (t === 2 || t === 4 || t === 5) return -2; // INFO_DATA, INFO_SLAVE_KIND, INFO_SLAVE_DATA
      p += (nl + 3) & ~3;
    }
    return kind;
  }
}

const IFINDEX = enc('"ifindex":');
/** Runs of u32 fields printed next to each other (see LinkTable.group). */
const GROUPS = [
  [S_PROMISC, S_ALLMULTI, S_MIN_MTU, S_MAX_MTU],
  [S_TXQ, S_RXQ, S_GSO_SIZE, S_GSO_SEGS, S_TSO_SIZE, S_TSO_SEGS, S_GRO_SIZE, S_GSO4, S_GRO4],
];
const KEYS: Uint8Array[] = [];
KEYS[S_PROMISC] = K_PROMISC; KEYS[S_ALLMULTI] = K_ALLMULTI; KEYS[S_MIN_MTU] = K_MIN_MTU; KEYS[S_MAX_MTU] = K_MAX_MTU;
KEYS[S_TXQ] = K_TXQ; KEYS[S_RXQ] = K_RXQ; KEYS[S_GSO_SIZE] = K_GSO_SIZE; KEYS[S_GSO_SEGS] = K_GSO_SEGS;
KEYS[S_TSO_SIZE] = K_TSO_SIZE; KEYS[S_TSO_SEGS] = K_TSO_SEGS; KEYS[S_GRO_SIZE] = K_GRO_SIZE; KEYS[S_GSO4] = K_GSO4;
KEYS[S_GRO4] = K_GRO4;
const NETNS_KEY = ',"netns":';
const NETNS_KEY_LEN = NETNS_KEY.length;

/** The ,"netns":... bytes of a namespace (null: the current one). */
export function netnsBytes(netns: string | null): Uint8Array {
  return Buffer.from(`${NETNS_KEY}${JSON.stringify(netns)}`, 'utf8');
}

/** Texts shared by links of one shape (LinkTable.shaped). */
interface Shape {
  /** The row they were made from. */
  row: number;
  /** Its IFLA_INET6_ADDR_GEN_MODE (genMode), and whether it is a veth. */
  mode: number;
  veth: boolean;
  mid: Uint8Array;
  /** The tail before and after where link_netnsid goes: every container's veth has an id of its own. */
  tailHead: Uint8Array;
  tailRest: Uint8Array;
}

/** Where a new shape's texts are written before they are copied out at their size. */
const MID_SCRATCH = new Uint8Array(1024);
const TAIL_SCRATCH = new Uint8Array(2048);

/** The attributes midText() and tailText() print (besides ifi_type and the gen mode in IFLA_AF_SPEC). */
const SHAPE = Int8Array.from([
  S_MTU, S_QDISC, S_OPERSTATE, S_LINKMODE, S_GROUP, S_TXQLEN, S_BROADCAST, S_PROTO_DOWN, S_PROMISC, S_ALLMULTI,
  S_MIN_MTU, S_MAX_MTU, S_LINKINFO, S_TXQ, S_RXQ, S_GSO_SIZE, S_GSO_SEGS, S_TSO_SIZE, S_TSO_SEGS, S_GRO_SIZE,
  S_GSO4, S_GRO4,
]);

/** IFLA_INET6_ADDR_GEN_MODE inside IFLA_AF_SPEC: the value, -1 none, -2 for the general path. */
function genMode(b: Uint8Array, off: number, len: number, w: Int32Array): number {
  // One walk that checks lengths as it goes (what the decoder's walk refuses goes to the
  // general path, which reports it), attribute headers read as words.
  const end = off + len;
  let mode = -1;
  let p = off;
  for (; end - p >= 4;) {
    const h = w[p >> 2]!;
    const l = h & 0xffff;
    if (l < 4 || l > end - p) return -2;
    if (((h >>> 16) & 0x3fff) === 10 /* AF_INET6 */) {
      const e2 = p + l;
      let q = p + 4;
      for (; e2 - q >= 4;) {
        const h2 = w[q >> 2]!;
        const l2 = h2 & 0xffff;
        if (l2 < 4 || l2 > e2 - q) return -2;
        if (((h2 >>> 16) & 0x3fff) === 8 /* IFLA_INET6_ADDR_GEN_MODE */) {
          if (l2 < 5) return -2;
          mode = b[q + 4]!;
        }
        q += (l2 + 3) & ~3;
      }
      for (; q < e2; q++) if (b[q] !== 0) return -2;
    }
    p += (l + 3) & ~3;
  }
  for (; p < end; p++) if (b[p] !== 0) return -2;
  return mode;
}

