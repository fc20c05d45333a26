// A generic decoded view of netlink messages: the header, the family's fixed header, and the
// attribute tree with type numbers, names (from a schema the caller supplies), lengths and
// values; attributes the schema does not know are shown as hex, never dropped. It is what
// the CLI's `decode` and `--raw` print. Pure functions over bytes; it knows no protocol, only
// the control messages every family shares (NLMSG_ERROR with extended ACK, NLMSG_DONE).
import {
  NLA_F_NESTED, NLA_F_NET_BYTEORDER, NLA_HDRLEN, NLMSG_DONE, NLMSG_ERROR, NLMSG_HDRLEN, NLMSG_NOOP,
  NLMSG_OVERRUN, NLM_F_ACK_TLVS, NLM_F_CAPPED,
} from './constants.js';
import { NetlinkDecodeError } from './errors.js';
import { errnoName } from './errno.js';
import { formatHardwareAddress, formatIP } from './address.js';
import { MAX_NESTING_DEPTH, NetlinkBuffer } from './reader.js';
import { walkMessages, type MessageRef } from './message.js';

/** How an attribute's payload is shown. Anything unknown or undecodable is shown as hex. */
export type AttrFormat =
  | 'u8' | 'u16' | 'u32' | 'u64' | 's8' | 's16' | 's32' | 's64' | 'be16' | 'be32' | 'be64'
  | 'uint' | 'string' | 'binary' | 'ip' | 'mac' | 'flag' | 'nested'
  /** An integer when the payload is 1, 2, 4 or 8 bytes (host / network byte order), else hex. */
  | 'auto' | 'auto-be';

/** Everything an attribute's spec may look at to choose its children (e.g. IFLA_INFO_KIND next to IFLA_INFO_DATA). */
export interface TreeContext {
  readonly buf: NetlinkBuffer;
  /** Payload offset and length of a sibling attribute at this level, by type. */
  sibling(type: number): { off: number; len: number } | undefined;
  /** A sibling's payload as a string (e.g. a kind), or undefined. */
  siblingString(type: number): string | undefined;
  readonly parent: TreeContext | undefined;
  /** Free-form facts set by the message schema (e.g. the address family of rtmsg). */
  readonly facts: Readonly<Record<string, unknown>>;
}

export interface AttrSpec {
  name: string;
  /** Default: 'nested' when `children` is given, else 'binary'. */
  format?: AttrFormat;
  /** Names of values (enums) for integer formats. */
  values?: ReadonlyMap<number, string> | readonly string[];
  /** Schema of the nested attributes, or a function choosing it from the context. */
  children?: AttrSchema | ((ctx: TreeContext) => AttrSchema | undefined);
  /** A fixed struct (not TLVs) decoded into fields; the bytes are shown as hex as well. */
  struct?: (buf: NetlinkBuffer, off: number, len: number, ctx: TreeContext) => Record<string, unknown>;
  /**
   * Custom payload decoding into child nodes (e.g. RTA_MULTIPATH: rtnexthop records each
   * followed by attributes). Returns the nodes; must throw NetlinkDecodeError on bad lengths.
   */
  decode?: (buf: NetlinkBuffer, off: number, len: number, depth: number, ctx: TreeContext) => AttrNode[];
}

export interface AttrSchema {
  /** Attribute specs by type, or a function. */
  attrs: ReadonlyMap<number, AttrSpec> | ((type: number) => AttrSpec | undefined);
  /** When every child has the same meaning whatever its type (arrays indexed by type). */
  any?: AttrSpec;
}

export interface AttrNode {
  type: number;
  name?: string;
  /** Offset of the attribute header in the input. */
  offset: number;
  /** nla_len: header plus payload, unpadded. */
  length: number;
  nested?: true;
  net_byteorder?: true;
  /** Decoded value (numbers, strings, addresses, struct fields). */
  value?: unknown;
  /** Name of an enumerated value. */
  value_name?: string;
  /** Payload as hex (attributes the schema does not know, binary ones, structs). */
  hex?: string;
  children?: AttrNode[];
}

/** A family header after nlmsghdr (ifinfomsg, rtmsg, nfgenmsg...). */
export interface HeaderSpec {
  name: string;
  size: number;
  decode(buf: NetlinkBuffer, off: number): Record<string, unknown>;
}

export interface MessageSchema {
  /** e.g. RTM_NEWLINK. */
  name: string;
  /** 'get' | 'new' | 'del' picks how the request flags are named (NLM_F_ROOT vs NLM_F_REPLACE...). */
  op?: 'get' | 'new' | 'del' | 'other';
  header?: HeaderSpec;
  attributes?: AttrSchema;
  /** Facts from the decoded header that attribute specs may use (e.g. { family: 2 }). */
  facts?: (header: Record<string, unknown>) => Record<string, unknown>;
  /**
   * The attributes when they depend on the header (generic netlink: the command picks the
   * set); `flags` are the message's, telling a request from a reply. Default: `attributes`.
   */
  attributesFor?: (header: Record<string, unknown>, flags: number) => AttrSchema | undefined;
}

/** Chooses the schema of a message by its type (and, for nfnetlink, by what the header says). */
export type SchemaLookup = (type: number) => MessageSchema | undefined;

export interface MessageTree {
  offset: number;
  length: number;
  type: number;
  type_name?: string;
  flags: number;
  flag_names: string[];
  seq: number;
  port: number;
  header?: { name: string; fields: Record<string, unknown> };
  attributes?: AttrNode[];
  /** NLMSG_ERROR: errno 0 is an ACK. NLMSG_DONE: status. */
  error?: { errno: number; name?: string; request: MessageTree | { type: number; type_name?: string; length: number; seq: number; port: number; flags: number }; capped: boolean };
  done?: { errno: number; name?: string };
  /** Extended-ACK TLVs (NLMSGERR_ATTR_*) of NLMSG_ERROR / NLMSG_DONE. */
  extack?: AttrNode[];
  /** Payload bytes not covered by a header or attributes (no schema): hex. */
  payload_hex?: string;
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
const LE = true;

export function toHex(b: Uint8Array, off = 0, len = b.length - off): string {
  let s = '';
  for (let i = off; i < off + len; i++) s += HEX[b[i]!];
  return s;
}

const NLMSGERR_SCHEMA: AttrSchema = {
  attrs: new Map<number, AttrSpec>([
    [1, { name: 'NLMSGERR_ATTR_MSG', format: 'string' }],
    [2, { name: 'NLMSGERR_ATTR_OFFS', format: 'u32' }],
    [3, { name: 'NLMSGERR_ATTR_COOKIE', format: 'binary' }],
    [4, { name: 'NLMSGERR_ATTR_POLICY', format: 'binary' }],
    [5, { name: 'NLMSGERR_ATTR_MISS_TYPE', format: 'u32' }],
    [6, { name: 'NLMSGERR_ATTR_MISS_NEST', format: 'u32' }],
  ]),
};

const CONTROL_NAMES: Record<number, string> = {
  [NLMSG_NOOP]: 'NLMSG_NOOP', [NLMSG_ERROR]: 'NLMSG_ERROR', [NLMSG_DONE]: 'NLMSG_DONE', [NLMSG_OVERRUN]: 'NLMSG_OVERRUN',
};

/** Names of nlmsg_flags; the upper byte means different things for GET, NEW, DEL and ACKs. */
export function messageFlagNames(flags: number, op: MessageSchema['op'] | 'ack' | undefined): string[] {
  const out: string[] = [];
  const low: Array<[number, string]> = [[0x01, 'REQUEST'], [0x02, 'MULTI'], [0x04, 'ACK'], [0x08, 'ECHO'], [0x10, 'DUMP_INTR'], [0x20, 'DUMP_FILTERED']];
  let rest = flags;
  for (const [bit, name] of low) if (flags & bit) { out.push(name); rest &= ~bit; }
  let high: Array<[number, string]> = [];
  if (op === 'get') high = [[0x100, 'ROOT'], [0x200, 'MATCH'], [0x400, 'ATOMIC']];
  else if (op === 'new') high = [[0x100, 'REPLACE'], [0x200, 'EXCL'], [0x400, 'CREATE'], [0x800, 'APPEND']];
  else if (op === 'del') high = [[0x100, 'NONREC'], [0x200, 'BULK']];
  else if (op === 'ack') high = [[0x100, 'CAPPED'], [0x200, 'ACK_TLVS']];
  if (op === 'get' && (flags & 0x300) === 0x300) { out.push('DUMP'); rest &= ~0x300; high = [[0x400, 'ATOMIC']]; }
  for (const [bit, name] of high) if (flags & bit) { out.push(name); rest &= ~bit; }
  if (rest) out.push(`0x${rest.toString(16)}`);
  return out;
}

class Ctx implements TreeContext {
  constructor(
    readonly buf: NetlinkBuffer,
    private readonly level: Map<number, { off: number; len: number }>,
    readonly parent: TreeContext | undefined,
    readonly facts: Readonly<Record<string, unknown>>,
  ) {}
  sibling(type: number): { off: number; len: number } | undefined {
    return this.level.get(type);
  }
  siblingString(type: number): string | undefined {
    const s = this.level.get(type);
    return s ? this.buf.attrString(s.off, s.len) : undefined;
  }
}

function specFor(schema: AttrSchema | undefined, type: number): AttrSpec | undefined {
  if (!schema) return undefined;
  const a = schema.attrs;
  const spec = typeof a === 'function' ? a(type) : a.get(type);
  return spec ?? schema.any;
}

function readValue(buf: NetlinkBuffer, format: AttrFormat, off: number, len: number): unknown {
  const v = buf.view;
  switch (format) {
    case 'u8': return len >= 1 ? v.getUint8(off) : undefined;
    case 's8': return len >= 1 ? v.getInt8(off) : undefined;
    case 'u16': return len >= 2 ? v.getUint16(off, LE) : undefined;
    case 's16': return len >= 2 ? v.getInt16(off, LE) : undefined;
    case 'u32': return len >= 4 ? v.getUint32(off, LE) : undefined;
    case 's32': return len >= 4 ? v.getInt32(off, LE) : undefined;
    case 'u64': return len >= 8 ? bigOrNumber(v.getBigUint64(off, LE)) : undefined;
    case 's64': return len >= 8 ? bigOrNumber(v.getBigInt64(off, LE)) : undefined;
    case 'be16': return len >= 2 ? v.getUint16(off, false) : undefined;
    case 'be32': return len >= 4 ? v.getUint32(off, false) : undefined;
    case 'be64': return len >= 8 ? bigOrNumber(v.getBigUint64(off, false)) : undefined;
    case 'auto-be':
      if (len === 1) return v.getUint8(off);
      if (len === 2) return v.getUint16(off, false);
      if (len === 4) return v.getUint32(off, false);
      if (len === 8) return bigOrNumber(v.getBigUint64(off, false));
      return undefined;
    case 'auto':
    case 'uint':
      if (len === 1) return v.getUint8(off);
      if (len === 2) return v.getUint16(off, LE);
      if (len === 4) return v.getUint32(off, LE);
      if (len === 8) return bigOrNumber(v.getBigUint64(off, LE));
      return undefined;
    case 'string': return buf.attrString(off, len);
    case 'ip': return len === 4 || len === 16 ? formatIP(buf.bytes, off, len) : undefined;
    case 'mac': return len > 0 ? formatHardwareAddress(buf.bytes, off, len) : undefined;
    case 'flag': return true;
    default: return undefined;
  }
}

/** u64 values print exactly: numbers when safe, decimal strings beyond 2^53. */
function bigOrNumber(b: bigint): number | string {
  return b <= BigInt(Number.MAX_SAFE_INTEGER) && b >= -BigInt(Number.MAX_SAFE_INTEGER) ? Number(b) : b.toString();
}

/**
 * The attribute tree of [start, end). Lengths are checked before use; a malformed attribute
 * throws NetlinkDecodeError with its offset. Nesting deeper than MAX_NESTING_DEPTH is refused.
 */
export function attributeTree(
  buf: NetlinkBuffer, start: number, end: number, schema?: AttrSchema, depth = 0,
  parent?: TreeContext, facts: Readonly<Record<string, unknown>> = {},
): AttrNode[] {
  if (depth > MAX_NESTING_DEPTH) throw new NetlinkDecodeError(`attributes nested deeper than ${MAX_NESTING_DEPTH} levels`, start);
  if (end > buf.length) throw new NetlinkDecodeError(`attribute area ends at ${end}, past the buffer (${buf.length})`, start);
  // First pass: bounds and the level's table (specs may look at siblings).
  const list: Array<{ off: number; len: number; payload: number; rawType: number }> = [];
  const level = new Map<number, { off: number; len: number }>();
  const view = buf.view;
  let pos = start;
  while (end - pos >= NLA_HDRLEN) {
    const len = view.getUint16(pos, LE);
    const rawType = view.getUint16(pos + 2, LE);
    if (len < NLA_HDRLEN) throw new NetlinkDecodeError(`attribute length ${len} is below the 4-byte header`, pos);
    if (len > end - pos) throw new NetlinkDecodeError(`attribute type ${rawType & 0x3fff} claims ${len} bytes, only ${end - pos} remain`, pos);
    list.push({ off: pos, len, payload: len - NLA_HDRLEN, rawType });
    level.set(rawType & 0x3fff, { off: pos + NLA_HDRLEN, len: len - NLA_HDRLEN });
    pos += (len + 3) & ~3;
  }
  for (; pos < end; pos++) {
    if (buf.bytes[pos] !== 0) throw new NetlinkDecodeError(`${end - pos} trailing bytes after the last attribute`, pos);
  }
  const ctx = new Ctx(buf, level, parent, facts);
  const out: AttrNode[] = [];
  for (const a of list) out.push(attributeNode(buf, a.off, a.len, a.rawType, schema, depth, ctx));
  return out;
}

function attributeNode(buf: NetlinkBuffer, off: number, length: number, rawType: number, schema: AttrSchema | undefined, depth: number, ctx: Ctx): AttrNode {
  const type = rawType & ~(NLA_F_NESTED | NLA_F_NET_BYTEORDER) & 0xffff;
  const node: AttrNode = { type, offset: off, length };
  if (rawType & NLA_F_NESTED) node.nested = true;
  if (rawType & NLA_F_NET_BYTEORDER) node.net_byteorder = true;
  const p = off + NLA_HDRLEN;
  const len = length - NLA_HDRLEN;
  const spec = specFor(schema, type);
  if (spec) node.name = spec.name;
  if (spec?.decode) {
    node.children = spec.decode(buf, p, len, depth + 1, ctx);
    return node;
  }
  const children = typeof spec?.children === 'function' ? spec.children(ctx) : spec?.children;
  // NLA_F_NESTED on the wire says "attributes inside" whatever the schema expects.
  const format = rawType & NLA_F_NESTED ? 'nested' : spec?.format ?? (spec?.children ? 'nested' : 'binary');
  if (format === 'nested') {
    // A nest whose schema is unknown still parses as attributes (types and lengths, hex values).
    node.children = attributeTree(buf, p, p + len, children, depth + 1, ctx, ctx.facts);
    return node;
  }
  if (spec?.struct && format === 'binary') {
    node.value = spec.struct(buf, p, len, ctx);
    node.hex = toHex(buf.bytes, p, len);
    return node;
  }
  const value = format === 'binary' ? undefined : readValue(buf, format, p, len);
  if (value === undefined) {
    node.hex = toHex(buf.bytes, p, len);
    return node;
  }
  node.value = value;
  if (spec?.values && typeof value === 'number') {
    const names = spec.values;
    const n = Array.isArray(names) ? (names as readonly string[])[value] : (names as ReadonlyMap<number, string>).get(value);
    if (n !== undefined) node.value_name = n;
  }
  return node;
}

/** Decode one message into its tree. `lookup` names the family's types; control messages are decoded here. */
export function messageTree(m: MessageRef, lookup: SchemaLookup | undefined, depth = 0): MessageTree {
  const { buf } = m;
  const schema = m.type >= 0x10 ? lookup?.(m.type) : undefined;
  const isAck = m.type === NLMSG_ERROR || m.type === NLMSG_DONE;
  const typeName = CONTROL_NAMES[m.type] ?? schema?.name;
  const t: MessageTree = {
    offset: m.offset,
    length: m.length,
    type: m.type,
    ...(typeName ? { type_name: typeName } : {}),
    flags: m.flags,
    flag_names: messageFlagNames(m.flags, isAck ? 'ack' : schema?.op),
    seq: m.seq,
    port: m.portId,
  };
  const start = m.payloadStart;
  const end = m.end;
  if (m.type === NLMSG_ERROR) {
    if (end - start < 4 + NLMSG_HDRLEN) throw new NetlinkDecodeError(`NLMSG_ERROR payload of ${end - start} bytes, needs 20`, start);
    const errno = -buf.s32(start);
    const reqOff = start + 4;
    const capped = (m.flags & NLM_F_CAPPED) !== 0;
    const reqLen = buf.u32(reqOff);
    let tlvStart: number;
    let request: NonNullable<MessageTree['error']>['request'];
    const reqHeader = {
      type: buf.u16(reqOff + 4), length: reqLen, flags: buf.u16(reqOff + 6), seq: buf.u32(reqOff + 8), port: buf.u32(reqOff + 12),
    };
    const reqSchema = lookup?.(reqHeader.type);
    const named = { ...reqHeader, ...(reqSchema ? { type_name: reqSchema.name } : {}) };
    if (capped) {
      // Capped (every ACK, and errors on NETLINK_CAP_ACK sockets): only the request's header is echoed.
      tlvStart = reqOff + NLMSG_HDRLEN;
      request = named;
    } else {
      if (reqLen < NLMSG_HDRLEN) throw new NetlinkDecodeError(`echoed request length ${reqLen} is below the 16-byte header`, reqOff);
      if (reqOff + reqLen > end) throw new NetlinkDecodeError(`echoed request claims ${reqLen} bytes, only ${end - reqOff} remain`, reqOff);
      tlvStart = Math.min(end, reqOff + ((reqLen + 3) & ~3));
      request = named;
      if (depth < 2 && reqLen > NLMSG_HDRLEN) {
        walkMessages(buf, (r) => { request = messageTree(r, lookup, depth + 1); return false; }, reqOff, reqOff + reqLen);
      }
    }
    t.error = { errno, request, capped };
    if (errno) t.error.name = errnoName(errno);
    if (m.flags & NLM_F_ACK_TLVS && tlvStart < end) t.extack = attributeTree(buf, tlvStart, end, NLMSGERR_SCHEMA, depth + 1);
    return t;
  }
  if (m.type === NLMSG_DONE) {
    if (end - start >= 4) {
      const status = buf.s32(start);
      t.done = { errno: status < 0 ? -status : 0 };
      if (status < 0) t.done.name = errnoName(-status);
      if (m.flags & NLM_F_ACK_TLVS && end - start > 4) t.extack = attributeTree(buf, start + 4, end, NLMSGERR_SCHEMA, depth + 1);
    }
    return t;
  }
  if (!schema) {
    if (end > start) t.payload_hex = toHex(buf.bytes, start, end - start);
    return t;
  }
  let attrStart = start;
  let facts: Record<string, unknown> = {};
  if (schema.header) {
    const h = schema.header;
    if (end - start < h.size) throw new NetlinkDecodeError(`${schema.name}: ${h.name} needs ${h.size} bytes, ${end - start} remain`, start);
    const fields = h.decode(buf, start);
    t.header = { name: h.name, fields };
    facts = schema.facts?.(fields) ?? {};
    attrStart = start + ((h.size + 3) & ~3);
  }
  if (attrStart < end) {
    const attrs = schema.attributesFor && t.header ? schema.attributesFor(t.header.fields, m.flags) : schema.attributes;
    if (attrs || schema.header) t.attributes = attributeTree(buf, Math.min(attrStart, end), end, attrs, depth, undefined, facts);
    else t.payload_hex = toHex(buf.bytes, attrStart, end - attrStart);
  }
  return t;
}

/** Trees of every message in a datagram (or any run of messages). */
export function datagramTree(bytes: Uint8Array, lookup: SchemaLookup | undefined, base = 0): MessageTree[] {
  const buf = new NetlinkBuffer(bytes);
  const out: MessageTree[] = [];
  try {
    walkMessages(buf, (m) => { out.push(messageTree(m, lookup)); });
  } catch (err) {
    if (err instanceof NetlinkDecodeError && base) throw new NetlinkDecodeError(err.reason, err.offset + base);
    throw err;
  }
  if (base) for (const t of out) shift(t, base);
  return out;
}

function shift(t: MessageTree, base: number): void {
  t.offset += base;
  const walk = (nodes: AttrNode[] | undefined): void => {
    if (!nodes) return;
    for (const n of nodes) { n.offset += base; walk(n.children); }
  };
  walk(t.attributes);
  walk(t.extack);
  if (t.error && 'offset' in t.error.request) shift(t.error.request, base);
}
