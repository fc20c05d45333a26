// Pieces every nftables message shares: the address family, the nfgenmsg header after
// nlmsghdr, message types (subsystem << 8 | operation), attribute-table readers for the
// big-endian integers nftables uses, and the TLV "userdata" nft stores comments in.
import { MessageWriter } from '../netlink/writer.js';
import { NetlinkBuffer, attributeTable, type AttributeTable } from '../netlink/reader.js';
import { NetlinkDecodeError, ValidationError } from '../netlink/errors.js';
import { NLA_F_NESTED, NLMSG_HDRLEN } from '../netlink/constants.js';
import type { MessageRef } from '../netlink/message.js';
import {
  NFNETLINK_V0, NFNL_SUBSYS_NFTABLES, NFPROTO_ARP, NFPROTO_BRIDGE, NFPROTO_INET, NFPROTO_IPV4,
  NFPROTO_IPV6, NFPROTO_NETDEV, NFPROTO_UNSPEC, NFTA_DATA_VALUE, NFT_MSG_DELCHAIN, NFT_MSG_DELRULE,
  NFT_MSG_DELSET, NFT_MSG_DELSETELEM, NFT_MSG_DELTABLE, NFT_MSG_GETCHAIN, NFT_MSG_GETGEN, NFT_MSG_GETRULE,
  NFT_MSG_GETSET, NFT_MSG_GETSETELEM, NFT_MSG_GETTABLE, NFT_MSG_NEWCHAIN, NFT_MSG_NEWGEN, NFT_MSG_NEWRULE,
  NFT_MSG_NEWSET, NFT_MSG_NEWSETELEM, NFT_MSG_NEWTABLE, NFNL_MSG_BATCH_BEGIN, NFNL_MSG_BATCH_END,
} from './constants.js';

/** nfgenmsg: family, version, res_id (big-endian). */
export const NFGENMSG_LEN = 4;

/** Address families of nftables tables, named as nft names them. */
export type Family = 'ip' | 'ip6' | 'inet' | 'arp' | 'bridge' | 'netdev';

export const FAMILIES: readonly Family[] = ['ip', 'ip6', 'inet', 'arp', 'bridge', 'netdev'];

const FAMILY_NUMBER: Record<Family, number> = {
  ip: NFPROTO_IPV4, ip6: NFPROTO_IPV6, inet: NFPROTO_INET, arp: NFPROTO_ARP, bridge: NFPROTO_BRIDGE, netdev: NFPROTO_NETDEV,
};

export function familyNumber(family: Family | undefined): number {
  if (family === undefined) return NFPROTO_UNSPEC;
  const n = FAMILY_NUMBER[family];
  if (n === undefined) throw new ValidationError('family', `unknown nftables family ${String(family)}`);
  return n;
}

export function familyName(n: number, offset = 0): Family {
  switch (n) {
    case NFPROTO_IPV4: return 'ip';
    case NFPROTO_IPV6: return 'ip6';
    case NFPROTO_INET: return 'inet';
    case NFPROTO_ARP: return 'arp';
    case NFPROTO_BRIDGE: return 'bridge';
    case NFPROTO_NETDEV: return 'netdev';
    default: throw new NetlinkDecodeError(`unknown nftables family ${n}`, offset);
  }
}

/** nftables message type on the wire. */
export const nftType = (msg: number): number => (NFNL_SUBSYS_NFTABLES << 8) | msg;

const MSG_NAMES: Record<number, string> = {
  [NFT_MSG_NEWTABLE]: 'NFT_MSG_NEWTABLE', [NFT_MSG_GETTABLE]: 'NFT_MSG_GETTABLE', [NFT_MSG_DELTABLE]: 'NFT_MSG_DELTABLE',
  [NFT_MSG_NEWCHAIN]: 'NFT_MSG_NEWCHAIN', [NFT_MSG_GETCHAIN]: 'NFT_MSG_GETCHAIN', [NFT_MSG_DELCHAIN]: 'NFT_MSG_DELCHAIN',
  [NFT_MSG_NEWRULE]: 'NFT_MSG_NEWRULE', [NFT_MSG_GETRULE]: 'NFT_MSG_GETRULE', [NFT_MSG_DELRULE]: 'NFT_MSG_DELRULE',
  [NFT_MSG_NEWSET]: 'NFT_MSG_NEWSET', [NFT_MSG_GETSET]: 'NFT_MSG_GETSET', [NFT_MSG_DELSET]: 'NFT_MSG_DELSET',
  [NFT_MSG_NEWSETELEM]: 'NFT_MSG_NEWSETELEM', [NFT_MSG_GETSETELEM]: 'NFT_MSG_GETSETELEM', [NFT_MSG_DELSETELEM]: 'NFT_MSG_DELSETELEM',
  [NFT_MSG_NEWGEN]: 'NFT_MSG_NEWGEN', [NFT_MSG_GETGEN]: 'NFT_MSG_GETGEN',
};

/** Name a NETLINK_NETFILTER message type for logs (socket typeName option). */
export function nftTypeName(type: number): string | undefined {
  if (type === NFNL_MSG_BATCH_BEGIN) return 'NFNL_MSG_BATCH_BEGIN';
  if (type === NFNL_MSG_BATCH_END) return 'NFNL_MSG_BATCH_END';
  if (type >> 8 !== NFNL_SUBSYS_NFTABLES) return undefined;
  return MSG_NAMES[type & 0xff];
}

/** Write nlmsghdr + nfgenmsg; returns the start to pass to w.end(). */
export function beginNftMessage(w: MessageWriter, type: number, flags: number, family: number, seq: number, resId = 0): number {
  const start = w.begin(type, flags, seq);
  w.u8(family).u8(NFNETLINK_V0).be16(resId);
  return start;
}

const strzCache = new Map<string, Uint8Array>();

/**
 * A NUL-terminated string attribute from a cache of encoded names: a 10,000-rule batch
 * repeats the same table, chain and expression names 100,000 times.
 */
export function attrName(w: MessageWriter, type: number, s: string): void {
  let b = strzCache.get(s);
  if (!b) {
    const e = new TextEncoder().encode(s);
    b = new Uint8Array(e.length + 1);
    b.set(e);
    if (strzCache.size < 1024) strzCache.set(s, b);
  }
  w.attrBytes(type, b);
}

/** A nested attribute the way libmnl opens it: with NLA_F_NESTED set. */
export function nest(w: MessageWriter, type: number): number {
  return w.nestStart(type | NLA_F_NESTED);
}

/** Write `{ NFTA_DATA_VALUE: bytes }` nested under `type` (cmp data, bitwise mask, set keys...). */
export function writeDataValue(w: MessageWriter, type: number, value: Uint8Array): void {
  const n = nest(w, type);
  w.attrBytes(NFTA_DATA_VALUE, value);
  w.nestEnd(n);
}

export interface NfgenHeader {
  family: number;
  version: number;
  resId: number;
}

export function readNfgen(m: MessageRef): NfgenHeader {
  if (m.end - m.payloadStart < NFGENMSG_LEN) throw new NetlinkDecodeError(`nftables message of ${m.end - m.payloadStart} bytes has no nfgenmsg`, m.payloadStart);
  return { family: m.buf.u8(m.payloadStart), version: m.buf.u8(m.payloadStart + 1), resId: m.buf.be16(m.payloadStart + 2) };
}

/** Attribute table of a message's top level (after nlmsghdr and nfgenmsg). */
export function messageAttributes(m: MessageRef): Attrs {
  return new Attrs(m.buf, m.payloadStart + NFGENMSG_LEN, m.end);
}

/**
 * Typed access to one level of attributes (the last occurrence of a type wins, as in the
 * kernel's nla_parse). Every getter checks the payload length before reading.
 */
export class Attrs {
  readonly t: AttributeTable;
  constructor(readonly buf: NetlinkBuffer, start: number, end: number) {
    this.t = attributeTable(buf, start, end);
  }
  static nested(buf: NetlinkBuffer, off: number, len: number, depth: number): Attrs {
    if (depth > 32) throw new NetlinkDecodeError('nftables attributes nested deeper than 32 levels', off);
    return new Attrs(buf, off, off + len);
  }
  has(type: number): boolean {
    return this.t.off.has(type);
  }
  /** Types present, for callers that refuse attributes they do not know. */
  types(): IterableIterator<number> {
    return this.t.off.keys();
  }
  off(type: number): number {
    return this.t.off.get(type)!;
  }
  len(type: number): number {
    return this.t.len.get(type)!;
  }
  str(type: number): string | undefined {
    return this.has(type) ? this.buf.attrString(this.off(type), this.len(type)) : undefined;
  }
  be32(type: number): number | undefined {
    return this.has(type) ? this.buf.attrBe32(this.off(type), this.len(type)) : undefined;
  }
  /**
   * Big-endian u64 as a number. Handles, counters and timeouts stay far below 2^53 in
   * practice; a larger value saturates at Number.MAX_SAFE_INTEGER rather than turning into an
   * inexact number (2^64 - 1 would read as 2^64, which re-encodes as 0).
   */
  be64(type: number): number | undefined {
    if (!this.has(type)) return undefined;
    const v = this.buf.attrBe64(this.off(type), this.len(type));
    return v > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(v);
  }
  u8(type: number): number | undefined {
    return this.has(type) ? this.buf.attrU8(this.off(type), this.len(type)) : undefined;
  }
  bytes(type: number): Uint8Array | undefined {
    return this.has(type) ? this.buf.attrBytes(this.off(type), this.len(type)) : undefined;
  }
  nested(type: number, depth: number): Attrs | undefined {
    return this.has(type) ? Attrs.nested(this.buf, this.off(type), this.len(type), depth) : undefined;
  }
  /** NFTA_DATA_VALUE inside the nest `type`. */
  dataValue(type: number, depth: number): Uint8Array | undefined {
    const n = this.nested(type, depth);
    return n?.bytes(NFTA_DATA_VALUE);
  }
}

/** Offset of the first attribute of a message built by beginNftMessage (for extack offsets). */
export const NFT_ATTRS_OFFSET = NLMSG_HDRLEN + NFGENMSG_LEN;

// ---- userdata: libnftnl's TLVs (u8 type, u8 len, value), where nft keeps comments ----

export interface UdataItem {
  type: number;
  value: Uint8Array;
}

export function parseUdata(b: Uint8Array): UdataItem[] | undefined {
  const out: UdataItem[] = [];
  let pos = 0;
  while (pos < b.length) {
    if (b.length - pos < 2) return undefined;
    const type = b[pos]!;
    const len = b[pos + 1]!;
    if (pos + 2 + len > b.length) return undefined;
    out.push({ type, value: b.slice(pos + 2, pos + 2 + len) });
    pos += 2 + len;
  }
  return out;
}

export function buildUdata(items: readonly UdataItem[]): Uint8Array {
  let size = 0;
  for (const it of items) size += 2 + it.value.length;
  const out = new Uint8Array(size);
  let pos = 0;
  for (const it of items) {
    if (it.value.length > 255) throw new ValidationError('userdata', `item of ${it.value.length} bytes exceeds 255 (a TLV item's length is one byte)`);
    out[pos] = it.type;
    out[pos + 1] = it.value.length;
    out.set(it.value, pos + 2);
    pos += 2 + it.value.length;
  }
  return out;
}

const enc = new TextEncoder();
const dec = new TextDecoder();

/** A comment as nft stores it: the string with its NUL terminator. */
export function commentValue(comment: string): Uint8Array {
  const s = enc.encode(comment);
  const out = new Uint8Array(s.length + 1);
  out.set(s);
  return out;
}

export function commentText(value: Uint8Array): string {
  const nul = value.indexOf(0);
  return dec.decode(nul >= 0 ? value.subarray(0, nul) : value);
}

/**
 * Userdata holding only a comment (type `commentType`) becomes `{ comment }`; anything else
 * stays raw bytes so nothing nft or another tool stored is lost.
 */
export function decodeCommentUdata(b: Uint8Array | undefined, commentType: number): { comment?: string; userdata?: Uint8Array } {
  if (!b || b.length === 0) return {};
  const items = parseUdata(b);
  if (items && items.length === 1 && items[0]!.type === commentType) return { comment: commentText(items[0]!.value) };
  return { userdata: b };
}

export function encodeCommentUdata(comment: string | undefined, userdata: Uint8Array | undefined, commentType: number): Uint8Array | undefined {
  if (userdata) return userdata;
  if (comment === undefined) return undefined;
  return buildUdata([{ type: commentType, value: commentValue(comment) }]);
}

/** Hex of bytes, for messages. */
export function hex(b: Uint8Array): string {
  let s = '';
  for (const x of b) s += x.toString(16).padStart(2, '0');
  return s;
}
