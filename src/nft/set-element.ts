// Set elements: keys (and, in maps, the data they map to), added to and removed from a set
// in the same transaction as everything else.
import type { MessageWriter } from '../netlink/writer.js';
import type { MessageRef } from '../netlink/message.js';
import { NetlinkDecodeError } from '../netlink/errors.js';
import { walkNested, type NetlinkBuffer } from '../netlink/reader.js';
import { formatIPv4, formatIPv6, parseIPv4, parseIPv6, parseMac, formatHardwareAddress } from '../netlink/address.js';
import {
  NFTA_SET_ELEM_DATA, NFTA_SET_ELEM_EXPIRATION, NFTA_SET_ELEM_FLAGS, NFTA_SET_ELEM_KEY,
  NFTA_SET_ELEM_KEY_END, NFTA_SET_ELEM_LIST_ELEMENTS, NFTA_SET_ELEM_LIST_SET, NFTA_SET_ELEM_LIST_SET_ID,
  NFTA_SET_ELEM_LIST_TABLE, NFTA_SET_ELEM_TIMEOUT, NFTA_SET_ELEM_USERDATA,
} from './constants.js';
import { Attrs, decodeCommentUdata, encodeCommentUdata, familyName, messageAttributes, nest, readNfgen, writeDataValue, type Family } from './codec.js';
import { decodeData, encodeData, type Verdict } from './data.js';
import type { SetKeyType } from './set.js';

/** NFTNL_UDATA_SET_ELEM_COMMENT */
const UDATA_SET_ELEM_COMMENT = 0;

export interface SetElement {
  /** The key in packet byte order. */
  key: Uint8Array;
  /** End of an interval (sets with NFT_SET_INTERVAL and concatenations). */
  keyEnd?: Uint8Array;
  /** Maps: the value the key maps to, or a verdict for verdict maps. */
  data?: Uint8Array;
  verdict?: Verdict;
  /** NFT_SET_ELEM_* flags (interval end 0x1, catch-all 0x2). */
  flags?: number;
  /** Milliseconds. */
  timeout?: number;
  /** Reported by the kernel: milliseconds left. */
  expiration?: number;
  comment?: string;
  userdata?: Uint8Array;
}

/** A set's elements as one message: where they belong and the elements. */
export interface SetElements {
  family: Family;
  table: string;
  set: string;
  /** NFTA_SET_ELEM_LIST_SET_ID when the set is created in the same batch (filled in by the batch builder). */
  setId?: number;
  elements: SetElement[];
}

/** Attributes of NEWSETELEM/DELSETELEM in nft's order: table, set, set id, elements. */
export function encodeSetElements(w: MessageWriter, s: SetElements): void {
  w.attrString(NFTA_SET_ELEM_LIST_TABLE, s.table);
  w.attrString(NFTA_SET_ELEM_LIST_SET, s.set);
  if (s.setId !== undefined) w.attrBe32(NFTA_SET_ELEM_LIST_SET_ID, s.setId);
  if (!s.elements.length) return;
  const list = nest(w, NFTA_SET_ELEM_LIST_ELEMENTS);
  let i = 0;
  // libnftnl numbers the element nests 1, 2, 3... (the kernel reads any type as a list
  // element); doing the same keeps the bytes equal to nft's.
  for (const e of s.elements) encodeSetElement(w, e, ++i);
  w.nestEnd(list);
}

/** One element of NFTA_SET_ELEM_LIST_ELEMENTS, as nest number `n`, in libnftnl's attribute order. */
export function encodeSetElement(w: MessageWriter, e: SetElement, n: number): void {
  const el = nest(w, n);
  if (e.flags !== undefined) w.attrBe32(NFTA_SET_ELEM_FLAGS, e.flags);
  if (e.timeout !== undefined) w.attrBe64(NFTA_SET_ELEM_TIMEOUT, e.timeout);
  writeDataValue(w, NFTA_SET_ELEM_KEY, e.key);
  if (e.keyEnd) writeDataValue(w, NFTA_SET_ELEM_KEY_END, e.keyEnd);
  if (e.verdict) encodeData(w, NFTA_SET_ELEM_DATA, { verdict: e.verdict });
  else if (e.data) encodeData(w, NFTA_SET_ELEM_DATA, { value: e.data });
  const ud = encodeCommentUdata(e.comment, e.userdata, UDATA_SET_ELEM_COMMENT);
  if (ud) w.attrBytes(NFTA_SET_ELEM_USERDATA, ud);
  w.nestEnd(el);
}

function decodeElement(buf: NetlinkBuffer, off: number, len: number): SetElement {
  const a = Attrs.nested(buf, off, len, 2);
  const key = a.dataValue(NFTA_SET_ELEM_KEY, 3);
  const e: SetElement = { key: key ?? new Uint8Array(0) };
  const keyEnd = a.dataValue(NFTA_SET_ELEM_KEY_END, 3);
  if (keyEnd) e.keyEnd = keyEnd;
  if (a.has(NFTA_SET_ELEM_DATA)) {
    const d = decodeData(buf, a.off(NFTA_SET_ELEM_DATA), a.len(NFTA_SET_ELEM_DATA), 3);
    if ('verdict' in d) e.verdict = d.verdict;
    else e.data = d.value;
  }
  const flags = a.be32(NFTA_SET_ELEM_FLAGS), timeout = a.be64(NFTA_SET_ELEM_TIMEOUT), exp = a.be64(NFTA_SET_ELEM_EXPIRATION);
  if (flags) e.flags = flags;
  if (timeout !== undefined) e.timeout = timeout;
  if (exp !== undefined) e.expiration = exp;
  Object.assign(e, decodeCommentUdata(a.bytes(NFTA_SET_ELEM_USERDATA), UDATA_SET_ELEM_COMMENT));
  return e;
}

export function decodeSetElements(m: MessageRef): SetElements {
  const h = readNfgen(m);
  const a = messageAttributes(m);
  const table = a.str(NFTA_SET_ELEM_LIST_TABLE), set = a.str(NFTA_SET_ELEM_LIST_SET);
  if (table === undefined || set === undefined) throw new NetlinkDecodeError('set elements without table or set name', m.payloadStart);
  const elements: SetElement[] = [];
  if (a.has(NFTA_SET_ELEM_LIST_ELEMENTS)) {
    // Every attribute of the list is an element, whatever its type: the kernel sends
    // NFTA_LIST_ELEM, libnftnl (and so nft, and this library) numbers them 1, 2, 3...
    walkNested(a.buf, a.off(NFTA_SET_ELEM_LIST_ELEMENTS), a.len(NFTA_SET_ELEM_LIST_ELEMENTS), 1, (_t, o, l) => {
      elements.push(decodeElement(a.buf, o, l));
    });
  }
  return { family: familyName(h.family, m.payloadStart), table, set, elements };
}

// ---- element values as users write them ----

/** A key as text or number, in the set's type: '192.0.2.1', 22, 'tcp', 'eth0', 0x10. */
export type ElementValue = string | number;

const PROTOCOLS: Record<string, number> = { icmp: 1, igmp: 2, tcp: 6, udp: 17, gre: 47, esp: 50, ah: 51, icmpv6: 58, sctp: 132, udplite: 136 };

/** Encode a value of a set key type into key bytes; undefined when it does not fit the type. */
export function encodeElementValue(type: SetKeyType | number, v: ElementValue): Uint8Array | undefined {
  switch (type) {
    case 'ipv4_addr': return typeof v === 'string' ? parseIPv4(v) : undefined;
    case 'ipv6_addr': return typeof v === 'string' ? parseIPv6(v) : undefined;
    case 'ether_addr': { const b = typeof v === 'string' ? parseMac(v) : undefined; return b && b.length === 6 ? b : undefined; }
    case 'inet_service': {
      const n = typeof v === 'number' ? v : /^\d+$/.test(v) ? Number(v) : NaN;
      if (!Number.isInteger(n) || n < 0 || n > 65535) return undefined;
      return new Uint8Array([n >> 8, n & 0xff]);
    }
    case 'inet_proto': {
      const n = typeof v === 'number' ? v : PROTOCOLS[v] ?? (/^\d+$/.test(v) ? Number(v) : NaN);
      if (!Number.isInteger(n) || n < 0 || n > 255) return undefined;
      return new Uint8Array([n]);
    }
    case 'mark': case 'integer': {
      const n = typeof v === 'number' ? v : Number(v);
      if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) return undefined;
      return new Uint8Array(new Uint32Array([n]).buffer); // host byte order, as nft stores marks
    }
    case 'ifname': {
      if (typeof v !== 'string') return undefined;
      const b = new TextEncoder().encode(v);
      if (b.length >= 16) return undefined;
      const out = new Uint8Array(16);
      out.set(b);
      return out;
    }
    default: return undefined;
  }
}

/** Decode key bytes of a known type back to the value users write; undefined for other types. */
export function decodeElementValue(type: SetKeyType | number, key: Uint8Array): ElementValue | undefined {
  switch (type) {
    case 'ipv4_addr': return key.length === 4 ? formatIPv4(key) : undefined;
    case 'ipv6_addr': return key.length === 16 ? formatIPv6(key) : undefined;
    case 'ether_addr': return key.length === 6 ? formatHardwareAddress(key) : undefined;
    case 'inet_service': return key.length === 2 ? (key[0]! << 8) | key[1]! : undefined;
    case 'inet_proto': return key.length === 1 ? key[0]! : undefined;
    case 'mark': case 'integer': return key.length === 4 ? new DataView(key.buffer, key.byteOffset, 4).getUint32(0, true) : undefined;
    case 'ifname': { const nul = key.indexOf(0); return new TextDecoder().decode(nul >= 0 ? key.subarray(0, nul) : key); }
    default: return undefined;
  }
}
