// Message writer: one buffer that grows, a cursor, and back-patched lengths for messages and
// nested attributes (reserve the header, write the children, patch the length): no
// intermediate buffers, no concatenation.
import { NLA_HDRLEN, NLMSG_HDRLEN } from './constants.js';
import { parseIPv4, parseIPv6, parseMac } from './address.js';
import { MessageTooLargeError, ValidationError } from './errors.js';

const LE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const encoder = new TextEncoder();

export class MessageWriter {
  private buf: Uint8Array;
  private view: DataView;
  pos = 0;
  /** Offsets of the nests opened and not yet closed: an oversize error names its whole path. */
  private openNests: number[] = [];

  constructor(initialSize = 4096) {
    this.buf = new Uint8Array(initialSize);
    this.view = new DataView(this.buf.buffer);
  }

  /** Start over, keeping the allocated buffer. */
  reset(): this {
    this.pos = 0;
    this.openNests.length = 0;
    return this;
  }

  /** Bytes written so far (a view into the writer's buffer: copy it before reusing the writer). */
  bytes(): Uint8Array {
    return this.buf.subarray(0, this.pos);
  }

  /** A copy of the bytes written so far. */
  copy(): Uint8Array {
    return this.buf.slice(0, this.pos);
  }

  private ensure(n: number): void {
    const need = this.pos + n;
    if (need <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < need) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  // ---- messages ----

  /** Write an nlmsghdr with a placeholder length; returns the message's start for end(). */
  begin(type: number, flags: number, seq = 0, portId = 0): number {
    this.align();
    const start = this.pos;
    this.ensure(NLMSG_HDRLEN);
    const v = this.view;
    v.setUint32(start, 0, LE);
    v.setUint16(start + 4, type, LE);
    v.setUint16(start + 6, flags, LE);
    v.setUint32(start + 8, seq >>> 0, LE);
    v.setUint32(start + 12, portId >>> 0, LE);
    this.pos += NLMSG_HDRLEN;
    return start;
  }

  /** Patch the length of the message started at `start`; returns that length. */
  end(start: number): number {
    this.align();
    const len = this.pos - start;
    this.view.setUint32(start, len, LE);
    return len;
  }

  /** The u32 at `at` (e.g. the nlmsg_len of a message written earlier). */
  u32At(at: number): number {
    return this.view.getUint32(at, LE);
  }

  /** Set and clear nlmsg_flags bits of the message at `start`. */
  patchFlags(start: number, set: number, clear = 0): void {
    this.view.setUint16(start + 6, (this.view.getUint16(start + 6, LE) | set) & ~clear, LE);
  }

  /** Rewrite the sequence number of the message at `start` (used when a request is re-sent). */
  setSeq(start: number, seq: number): void {
    this.view.setUint32(start + 8, seq >>> 0, LE);
  }

  // ---- raw fields (family headers such as ifinfomsg) ----

  align(): this {
    const pad = (4 - (this.pos & 3)) & 3;
    if (pad) {
      this.ensure(pad);
      this.buf.fill(0, this.pos, this.pos + pad);
      this.pos += pad;
    }
    return this;
  }

  u8(v: number): this {
    this.ensure(1);
    this.buf[this.pos++] = v & 0xff;
    return this;
  }
  u16(v: number): this {
    this.ensure(2);
    this.view.setUint16(this.pos, v, LE);
    this.pos += 2;
    return this;
  }
  u32(v: number): this {
    this.ensure(4);
    this.view.setUint32(this.pos, v >>> 0, LE);
    this.pos += 4;
    return this;
  }
  s32(v: number): this {
    this.ensure(4);
    this.view.setInt32(this.pos, v, LE);
    this.pos += 4;
    return this;
  }
  u64(v: bigint | number): this {
    this.ensure(8);
    this.view.setBigUint64(this.pos, BigInt(v), LE);
    this.pos += 8;
    return this;
  }
  be16(v: number): this {
    this.ensure(2);
    this.view.setUint16(this.pos, v, false);
    this.pos += 2;
    return this;
  }
  be32(v: number): this {
    this.ensure(4);
    this.view.setUint32(this.pos, v >>> 0, false);
    this.pos += 4;
    return this;
  }
  be64(v: bigint | number): this {
    this.ensure(8);
    this.view.setBigUint64(this.pos, BigInt(v), false);
    this.pos += 8;
    return this;
  }
  raw(b: Uint8Array): this {
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
    return this;
  }
  zeros(n: number): this {
    this.ensure(n);
    this.buf.fill(0, this.pos, this.pos + n);
    this.pos += n;
    return this;
  }

  // ---- attributes ----

  private attrHeader(type: number, payloadLen: number): void {
    this.ensure(NLA_HDRLEN + payloadLen + 3);
    this.view.setUint16(this.pos, NLA_HDRLEN + payloadLen, LE);
    this.view.setUint16(this.pos + 2, type, LE);
    this.pos += NLA_HDRLEN;
  }

  /** Zero-length attribute (a flag). */
  attrFlag(type: number): this {
    this.attrHeader(type, 0);
    return this;
  }
  attrU8(type: number, v: number): this {
    this.attrHeader(type, 1);
    this.buf[this.pos++] = v & 0xff;
    return this.align();
  }
  attrU16(type: number, v: number): this {
    this.attrHeader(type, 2);
    this.view.setUint16(this.pos, v, LE);
    this.pos += 2;
    return this.align();
  }
  attrU32(type: number, v: number): this {
    this.attrHeader(type, 4);
    this.view.setUint32(this.pos, v >>> 0, LE);
    this.pos += 4;
    return this;
  }
  attrS32(type: number, v: number): this {
    this.attrHeader(type, 4);
    this.view.setInt32(this.pos, v, LE);
    this.pos += 4;
    return this;
  }
  attrU64(type: number, v: bigint | number): this {
    this.attrHeader(type, 8);
    this.view.setBigUint64(this.pos, BigInt(v), LE);
    this.pos += 8;
    return this;
  }
  attrBe16(type: number, v: number): this {
    this.attrHeader(type, 2);
    this.view.setUint16(this.pos, v, false);
    this.pos += 2;
    return this.align();
  }
  attrBe32(type: number, v: number): this {
    this.attrHeader(type, 4);
    this.view.setUint32(this.pos, v >>> 0, false);
    this.pos += 4;
    return this;
  }
  attrBe64(type: number, v: bigint | number): this {
    this.attrHeader(type, 8);
    this.view.setBigUint64(this.pos, BigInt(v), false);
    this.pos += 8;
    return this;
  }
  /**
   * A string, NUL-terminated by default (NLA_NUL_STRING needs it, NLA_STRING accepts it).
   * `terminate = false` writes the bare bytes, as iproute2 does for IFLA_INFO_KIND.
   */
  attrString(type: number, s: string, terminate = true): this {
    const start = this.pos;
    this.attrHeader(type, 0);
    this.ensure(s.length * 3 + 4);
    const { written } = encoder.encodeInto(s, this.buf.subarray(this.pos));
    this.pos += written;
    if (terminate) this.buf[this.pos++] = 0;
    if (this.pos - start > 0xffff) throw this.tooLarge(type, this.pos - start);
    this.view.setUint16(start, this.pos - start, LE);
    return this.align();
  }
  attrBytes(type: number, b: Uint8Array): this {
    if (b.length > 0xffff - NLA_HDRLEN) throw this.tooLarge(type, b.length + NLA_HDRLEN);
    this.attrHeader(type, b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
    return this.align();
  }
  /** An IPv4 or IPv6 address given as text or bytes. */
  attrAddress(type: number, address: string | Uint8Array): this {
    const b = typeof address === 'string' ? (address.includes(':') ? parseIPv6(address) : parseIPv4(address)) : address;
    if (!b) throw new ValidationError(`attribute ${type}`, `not an IP address: ${String(address)}`);
    return this.attrBytes(type, b);
  }
  attrMac(type: number, mac: string | Uint8Array): this {
    const b = typeof mac === 'string' ? parseMac(mac) : mac;
    if (!b) throw new ValidationError(`attribute ${type}`, `not a link-layer address: ${String(mac)}`);
    return this.attrBytes(type, b);
  }

  /**
   * Open an attribute whose payload is written next with the raw field writers (a struct, an
   * array of integers); attrClose() sets its exact length, then pads. Saves building the
   * payload in a scratch buffer first.
   */
  attrOpen(type: number): number {
    this.align();
    const start = this.pos;
    this.attrHeader(type, 0);
    return start;
  }
  attrClose(start: number): this {
    const len = this.pos - start;
    if (len > 0xffff) throw this.tooLarge(this.view.getUint16(start + 2, LE), len);
    this.view.setUint16(start, len, LE);
    return this.align();
  }

  /** Open a nested attribute; pass the returned offset to nestEnd(). Add NLA_F_NESTED to type where the family wants it. */
  nestStart(type: number): number {
    this.align();
    const start = this.pos;
    this.attrHeader(type, 0);
    this.openNests.push(start);
    return start;
  }
  nestEnd(start: number): this {
    this.align();
    if (this.openNests[this.openNests.length - 1] === start) this.openNests.pop();
    const len = this.pos - start;
    // nla_len is 16 bits: a longer nest cannot be expressed, and silently wrapping would corrupt it.
    if (len > 0xffff) throw this.tooLarge(this.view.getUint16(start + 2, LE), len);
    this.view.setUint16(start, len, LE);
    return this;
  }

  /** The oversize error, with the types of the nests around the attribute (outermost first). */
  private tooLarge(type: number, size: number): MessageTooLargeError {
    const path = this.openNests.map((o) => this.view.getUint16(o + 2, LE) & 0x3fff);
    path.push(type & 0x3fff);
    this.openNests.length = 0;
    return new MessageTooLargeError(type & 0x3fff, size, 0xffff, undefined, path);
  }
}
