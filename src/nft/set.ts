// Sets (and maps): named collections of keys a rule can look a value up in (`ip saddr @allowed`).
import type { MessageWriter } from '../netlink/writer.js';
import type { MessageRef } from '../netlink/message.js';
import { NetlinkDecodeError } from '../netlink/errors.js';
import {
  NFTA_SET_DATA_LEN, NFTA_SET_DATA_TYPE, NFTA_SET_DESC, NFTA_SET_DESC_SIZE, NFTA_SET_FLAGS, NFTA_SET_GC_INTERVAL,
  NFTA_SET_HANDLE, NFTA_SET_ID, NFTA_SET_KEY_LEN, NFTA_SET_KEY_TYPE, NFTA_SET_NAME, NFTA_SET_POLICY, NFTA_SET_TABLE,
  NFTA_SET_TIMEOUT, NFTA_SET_USERDATA, NFT_DATA_VERDICT, NFT_SET_POL_MEMORY, NFT_SET_MAP,
} from './constants.js';
import { buildUdata, commentText, commentValue, familyName, messageAttributes, nest, parseUdata, readNfgen, type Family } from './codec.js';

/**
 * nft's data types for keys and data (nftables' datatype.h, TYPE_*): what `type ipv4_addr`
 * means on the wire. Only the type number and length reach the kernel; nft uses the type to
 * print elements.
 */
export const SET_TYPES = {
  verdict: { id: 1, len: 0, bigEndian: false },
  integer: { id: 4, len: 4, bigEndian: false },
  ipv4_addr: { id: 7, len: 4, bigEndian: true },
  ipv6_addr: { id: 8, len: 16, bigEndian: true },
  ether_addr: { id: 9, len: 6, bigEndian: true },
  inet_proto: { id: 12, len: 1, bigEndian: true },
  inet_service: { id: 13, len: 2, bigEndian: true },
  mark: { id: 19, len: 4, bigEndian: false },
  ifname: { id: 41, len: 16, bigEndian: false },
} as const;
export type SetKeyType = keyof typeof SET_TYPES;

export function setTypeName(id: number): SetKeyType | number {
  for (const [name, t] of Object.entries(SET_TYPES)) if (t.id === id) return name as SetKeyType;
  return id;
}

// libnftnl's set userdata TLVs (NFTNL_UDATA_SET_*): nft records key byte order and comments there.
const UDATA_SET_KEYBYTEORDER = 0;
const UDATA_SET_DATABYTEORDER = 1;
const UDATA_SET_COMMENT = 7;
const BYTEORDER_HOST_ENDIAN = 1;
const BYTEORDER_BIG_ENDIAN = 2;

export interface NftSet {
  family: Family;
  table: string;
  name: string;
  /** Key type: a name nft knows, or its number; keyLen follows from a name. */
  keyType: SetKeyType | number;
  keyLen?: number;
  /** Maps: the type of the data (`verdict` for verdict maps). */
  dataType?: SetKeyType | number;
  dataLen?: number;
  /** NFT_SET_* flags (constant 0x2, interval 0x4, map 0x8, timeout 0x10...). */
  flags?: number;
  policy?: 'performance' | 'memory';
  /** Expected number of elements (NFTA_SET_DESC_SIZE). */
  size?: number;
  /** Default element timeout and garbage-collection interval, in milliseconds. */
  timeout?: number;
  gcInterval?: number;
  comment?: string;
  /** Userdata beyond what the builder writes, kept raw. */
  userdata?: Uint8Array;
  /** NFTA_SET_ID: names the set inside one batch (filled in by the batch builder). */
  id?: number;
  /** Reported by the kernel. */
  handle?: number;
}

function typeInfo(t: SetKeyType | number | undefined): { id: number; len: number; bigEndian: boolean } | undefined {
  if (t === undefined) return undefined;
  if (typeof t === 'number') return { id: t, len: 0, bigEndian: false };
  return SET_TYPES[t];
}

export function setKeyLen(s: Pick<NftSet, 'keyType' | 'keyLen'>): number {
  return s.keyLen ?? typeInfo(s.keyType)?.len ?? 0;
}

/** Userdata the way nft writes it: key (and data) byte order, then the comment. */
function setUdata(s: NftSet): Uint8Array | undefined {
  if (s.userdata) return s.userdata;
  const items: { type: number; value: Uint8Array }[] = [];
  const u32 = (v: number): Uint8Array => new Uint8Array(new Uint32Array([v]).buffer);
  const key = typeInfo(s.keyType);
  if (key && typeof s.keyType === 'string') items.push({ type: UDATA_SET_KEYBYTEORDER, value: u32(key.bigEndian ? BYTEORDER_BIG_ENDIAN : BYTEORDER_HOST_ENDIAN) });
  const data = typeInfo(s.dataType);
  if (data && typeof s.dataType === 'string' && s.dataType !== 'verdict') {
    items.push({ type: UDATA_SET_DATABYTEORDER, value: u32(data.bigEndian ? BYTEORDER_BIG_ENDIAN : BYTEORDER_HOST_ENDIAN) });
  }
  if (s.comment !== undefined) items.push({ type: UDATA_SET_COMMENT, value: commentValue(s.comment) });
  return items.length ? buildUdata(items) : undefined;
}

/** Attributes of NEWSET in libnftnl's order. */
export function encodeSet(w: MessageWriter, s: NftSet): void {
  w.attrString(NFTA_SET_TABLE, s.table);
  w.attrString(NFTA_SET_NAME, s.name);
  let flags = s.flags ?? 0;
  if (s.dataType !== undefined) flags |= NFT_SET_MAP;
  w.attrBe32(NFTA_SET_FLAGS, flags);
  w.attrBe32(NFTA_SET_KEY_TYPE, typeInfo(s.keyType)!.id);
  w.attrBe32(NFTA_SET_KEY_LEN, setKeyLen(s));
  if (s.dataType !== undefined) {
    const d = typeInfo(s.dataType)!;
    w.attrBe32(NFTA_SET_DATA_TYPE, s.dataType === 'verdict' ? NFT_DATA_VERDICT : d.id);
    w.attrBe32(NFTA_SET_DATA_LEN, s.dataLen ?? d.len);
  }
  if (s.id !== undefined) w.attrBe32(NFTA_SET_ID, s.id);
  if (s.policy !== undefined) w.attrBe32(NFTA_SET_POLICY, s.policy === 'memory' ? NFT_SET_POL_MEMORY : 0);
  if (s.size !== undefined) {
    const n = nest(w, NFTA_SET_DESC);
    w.attrBe32(NFTA_SET_DESC_SIZE, s.size);
    w.nestEnd(n);
  }
  if (s.timeout !== undefined) w.attrBe64(NFTA_SET_TIMEOUT, s.timeout);
  if (s.gcInterval !== undefined) w.attrBe32(NFTA_SET_GC_INTERVAL, s.gcInterval);
  const ud = setUdata(s);
  if (ud) w.attrBytes(NFTA_SET_USERDATA, ud);
}

/** Attributes naming a set for DELSET: table and handle or name. */
export function encodeSetRef(w: MessageWriter, s: { table: string; name?: string; handle?: number }): void {
  w.attrString(NFTA_SET_TABLE, s.table);
  if (s.handle !== undefined) w.attrBe64(NFTA_SET_HANDLE, s.handle);
  else w.attrString(NFTA_SET_NAME, s.name ?? '');
}

export function decodeSet(m: MessageRef): NftSet {
  const h = readNfgen(m);
  const a = messageAttributes(m);
  const table = a.str(NFTA_SET_TABLE), name = a.str(NFTA_SET_NAME);
  if (table === undefined || name === undefined) throw new NetlinkDecodeError('set without NFTA_SET_TABLE or NFTA_SET_NAME', m.payloadStart);
  const keyType = setTypeName(a.be32(NFTA_SET_KEY_TYPE) ?? 0);
  const s: NftSet = { family: familyName(h.family, m.payloadStart), table, name, keyType };
  const keyLen = a.be32(NFTA_SET_KEY_LEN) ?? 0;
  if (typeof keyType === 'number' || SET_TYPES[keyType].len !== keyLen) s.keyLen = keyLen;
  let flags = a.be32(NFTA_SET_FLAGS) ?? 0;
  const dataType = a.be32(NFTA_SET_DATA_TYPE);
  if (dataType !== undefined) {
    s.dataType = dataType === NFT_DATA_VERDICT ? 'verdict' : setTypeName(dataType);
    const dataLen = a.be32(NFTA_SET_DATA_LEN) ?? 0;
    const known = typeof s.dataType === 'string' ? SET_TYPES[s.dataType].len : undefined;
    if (known !== dataLen && s.dataType !== 'verdict') s.dataLen = dataLen;
    flags &= ~NFT_SET_MAP; // implied by dataType
  }
  if (flags) s.flags = flags;
  const policy = a.be32(NFTA_SET_POLICY);
  if (policy === NFT_SET_POL_MEMORY) s.policy = 'memory';
  const desc = a.nested(NFTA_SET_DESC, 1);
  const size = desc?.be32(NFTA_SET_DESC_SIZE);
  if (size !== undefined) s.size = size;
  const timeout = a.be64(NFTA_SET_TIMEOUT), gc = a.be32(NFTA_SET_GC_INTERVAL), handle = a.be64(NFTA_SET_HANDLE);
  if (timeout !== undefined) s.timeout = timeout;
  if (gc !== undefined) s.gcInterval = gc;
  if (handle !== undefined) s.handle = handle;
  const ud = a.bytes(NFTA_SET_USERDATA);
  if (ud && ud.length) {
    const items = parseUdata(ud);
    // What setUdata would write for this set is implied by keyType and comment; anything else is kept raw.
    const comment = items?.find((i) => i.type === UDATA_SET_COMMENT);
    if (comment) s.comment = commentText(comment.value);
    const expected = setUdata({ ...s, userdata: undefined });
    if (!expected || expected.length !== ud.length || expected.some((b, i) => b !== ud[i])) s.userdata = ud;
  }
  return s;
}
