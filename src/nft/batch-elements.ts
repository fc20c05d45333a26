// Set elements of any number inside one batch. A netlink attribute carries a 16-bit length,
// so one NFTA_SET_ELEM_LIST_ELEMENTS holds at most 65,535 bytes (~4,000 IPv4 keys). Like
// libnftnl (nftnl_set_elems_nlmsg_build_payload_iter), elements are written into the list
// until one overflows it; that element is taken back, the message closed, and a new
// NEWSETELEM message of the same batch starts with it. All of them commit or none does.
//
// The input is consumed once, element by element, straight into the writer: no SetElement
// object per value, no second list, so 1,000,000 elements cost the datagram and little more.
import { MessageTooLargeError, ValidationError } from '../netlink/errors.js';
import type { MessageWriter } from '../netlink/writer.js';
import { NLA_F_NESTED } from '../netlink/constants.js';
import { parseIPv4Number } from '../netlink/address.js';
import { NFTA_DATA_VALUE, NFTA_SET_ELEM_KEY, NFTA_SET_ELEM_LIST_ELEMENTS, NFTA_SET_ELEM_LIST_SET, NFTA_SET_ELEM_LIST_SET_ID, NFTA_SET_ELEM_LIST_TABLE } from './constants.js';
import { beginNftMessage, nest } from './codec.js';
import { encodeElementValue, encodeSetElement, type ElementValue, type SetElement } from './set-element.js';
import type { SetKeyType } from './set.js';

/** The largest payload of one attribute (its length field is 16 bits, header included). */
export const ATTRIBUTE_LIMIT = 0xffff;

export interface ElementMessages {
  /** nfnetlink message type (NEWSETELEM, DELSETELEM, DESTROYSETELEM). */
  type: number;
  flags: number;
  family: number;
  table: string;
  set: string;
  setId: number | undefined;
  keyType: SetKeyType | number | undefined;
  /** "add element ip t s": names the operation in errors. */
  description: string;
}

/** Called once per message written: its sequence number, byte range and the index of its first element. */
export type OnMessage = (seq: number, start: number, end: number, firstElement: number) => void;

export const isRawElement = (v: unknown): v is SetElement =>
  typeof v === 'object' && v !== null && (v as { key?: unknown }).key instanceof Uint8Array;

/** A value of the set's type, or a raw element, as key bytes; ValidationError naming the element otherwise. */
export function toSetElement(v: ElementValue | SetElement, keyType: SetKeyType | number | undefined, where: string): SetElement {
  if (typeof v === 'object' && v !== null) {
    if (isRawElement(v)) return v;
    throw new ValidationError(where, 'an element is a value of the set type (string or number) or { key: Uint8Array, ... }');
  }
  if (typeof v !== 'string' && typeof v !== 'number') {
    throw new ValidationError(where, 'an element is a value of the set type (string or number) or { key: Uint8Array, ... }');
  }
  if (keyType === undefined) throw new ValidationError(where, 'the key type of the set is unknown: create the set in the same batch, pass keyType, or commit() so it is asked from the kernel');
  const key = encodeElementValue(keyType, v);
  if (!key) throw new ValidationError(where, `${JSON.stringify(v)} is not a value of type ${String(keyType)}`);
  return { key };
}

/**
 * Write the elements as one or more messages (new sequence number each, from `seq`).
 * Returns the number of elements written. An element that alone exceeds an attribute's
 * limit is a MessageTooLargeError, thrown while encoding, so before anything is sent.
 */
export function writeElementMessages(
  w: MessageWriter, m: ElementMessages, elements: Iterable<ElementValue | SetElement>, seq: () => number, onMessage: OnMessage,
): number {
  // Element nests are numbered as libnftnl numbers them: one counter over all the messages of
  // the operation, which also counts the element taken back at a split (so the second
  // message of 4,095 IPv4 keys starts at 4,097). The kernel ignores the numbers; nft's bytes don't.
  let start = -1, list = -1, inMessage = 0, first = 0, index = 0, number = 0;
  const open = (): void => {
    start = beginNftMessage(w, m.type, m.flags, m.family, seq());
    w.attrString(NFTA_SET_ELEM_LIST_TABLE, m.table);
    w.attrString(NFTA_SET_ELEM_LIST_SET, m.set);
    if (m.setId !== undefined) w.attrBe32(NFTA_SET_ELEM_LIST_SET_ID, m.setId);
    list = -1;
    inMessage = 0;
    first = index;
  };
  const close = (): void => {
    if (list >= 0) w.nestEnd(list);
    w.end(start);
    onMessage(w.u32At(start + 8), start, w.pos, first);
  };
  open();
  const fast = FAST_KEYS[m.keyType as string];
  for (const v of elements) {
    if (list < 0) list = nest(w, NFTA_SET_ELEM_LIST_ELEMENTS);
    // The common case, a bare key of a fixed-size type, goes straight into the writer; anything
    // else (and any value the fast path does not accept) takes the general path, which also
    // produces the precise ValidationError.
    if (fast && (typeof v === 'string' || typeof v === 'number')) {
      const mark = w.pos;
      if (fast(w, v, number + 1)) {
        number++;
        if (w.pos - list > ATTRIBUTE_LIMIT) {
          w.pos = mark;
          close();
          open();
          list = nest(w, NFTA_SET_ELEM_LIST_ELEMENTS);
          fast(w, v, ++number);
        }
        inMessage++;
        index++;
        continue;
      }
      w.pos = mark;
    }
    const e = toSetElement(v, m.keyType, `${m.description}: element ${index + 1}`);
    const mark = w.pos;
    put(w, e, ++number, m, index);
    if (w.pos - list > ATTRIBUTE_LIMIT) {
      const size = w.pos - mark;
      if (inMessage === 0 || size + 4 > ATTRIBUTE_LIMIT) {
        throw new MessageTooLargeError('NFTA_SET_ELEM_LIST_ELEMENTS', size + 4, ATTRIBUTE_LIMIT, `${m.description}: element ${index + 1}`);
      }
      // Take the element back, close this message, start the next one with it.
      w.pos = mark;
      close();
      open();
      list = nest(w, NFTA_SET_ELEM_LIST_ELEMENTS);
      put(w, e, ++number, m, index);
    }
    inMessage++;
    index++;
  }
  close();
  return index;
}

/** One element; one too large for netlink names the element (the writer knows only a number). */
function put(w: MessageWriter, e: SetElement, n: number, m: ElementMessages, index: number): void {
  try {
    encodeSetElement(w, e, n);
  } catch (err) {
    if (err instanceof MessageTooLargeError && err.operation === undefined) {
      throw new MessageTooLargeError('NFTA_SET_ELEM_LIST_ELEMENTS', err.size, err.limit, `${m.description}: element ${index + 1}`);
    }
    throw err;
  }
}

// ---- the fast path: { NFTA_SET_ELEM_KEY { NFTA_DATA_VALUE key } } written directly ----

/** Writes element nest `n` holding only a key; false (with junk after w.pos) when v is not of the type. */
type FastKey = (w: MessageWriter, v: string | number, n: number) => boolean;

/**
 * An element of a 4-byte key, nest(16) { KEY nest(12) { DATA_VALUE(8) key } } as
 * encodeSetElement writes it, from a template: one copy per element instead of ten calls.
 */
const TEMPLATE = new Uint8Array(16);
{
  const v = new DataView(TEMPLATE.buffer);
  v.setUint16(0, 16, true);
  v.setUint16(4, 12, true); v.setUint16(6, NLA_F_NESTED | NFTA_SET_ELEM_KEY, true);
  v.setUint16(8, 8, true); v.setUint16(10, NFTA_DATA_VALUE, true);
}
function key4(w: MessageWriter, n: number, b0: number, b1: number, b2: number, b3: number, valueLen = 8): void {
  const t = TEMPLATE;
  const type = NLA_F_NESTED | n;
  t[2] = type & 255; t[3] = (type >>> 8) & 255;
  t[8] = valueLen;
  t[12] = b0; t[13] = b1; t[14] = b2; t[15] = b3;
  w.raw(t);
}

const intOf = (v: string | number): number => (typeof v === 'number' ? v : /^\d+$/.test(v) ? Number(v) : NaN);

const FAST_KEYS: Partial<Record<string, FastKey>> = {
  ipv4_addr(w, v, n) {
    if (typeof v !== 'string') return false;
    const a = parseIPv4Number(v);
    if (a < 0) return false;
    key4(w, n, a >>> 24, (a >>> 16) & 255, (a >>> 8) & 255, a & 255);
    return true;
  },
  inet_service(w, v, n) {
    const p = intOf(v);
    if (!Number.isInteger(p) || p < 0 || p > 65535) return false;
    // Two bytes of key, padded: DATA_VALUE length 6.
    key4(w, n, p >> 8, p & 255, 0, 0, 6);
    return true;
  },
};
FAST_KEYS.mark = FAST_KEYS.integer = (w, v, n) => {
  const x = typeof v === 'number' ? v : Number(v);
  if (!Number.isInteger(x) || x < 0 || x > 0xffffffff) return false;
  // Host byte order (little-endian here), as encodeElementValue stores marks.
  key4(w, n, x & 255, (x >>> 8) & 255, (x >>> 16) & 255, x >>> 24);
  return true;
};
