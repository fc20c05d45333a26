// The netlink message header, the walk over the messages of one datagram, and the control
// messages every family shares: NLMSG_ERROR (errors and ACKs, with extended ACK) and NLMSG_DONE.
import {
  NLMSG_DONE, NLMSG_ERROR, NLMSG_HDRLEN, NLMSG_NOOP, NLMSG_OVERRUN, NLM_F_ACK_TLVS, NLM_F_CAPPED,
  NLMSGERR_ATTR_COOKIE, NLMSGERR_ATTR_MISS_NEST, NLMSGERR_ATTR_MISS_TYPE, NLMSGERR_ATTR_MSG,
  NLMSGERR_ATTR_OFFS, NLMSGERR_ATTR_POLICY,
} from './constants.js';
import { NetlinkDecodeError, type ExtAck } from './errors.js';
import { NetlinkBuffer, walkAttributes } from './reader.js';

export interface MessageHeader {
  /** nlmsg_len: header plus payload, unpadded. */
  length: number;
  type: number;
  flags: number;
  seq: number;
  portId: number;
}

/** A message inside a buffer: its header and where its payload lies. */
export interface MessageRef extends MessageHeader {
  buf: NetlinkBuffer;
  /** Offset of the nlmsghdr. */
  offset: number;
  /** Payload [payloadStart, end). */
  payloadStart: number;
  end: number;
}

export function readHeader(buf: NetlinkBuffer, off: number): MessageHeader {
  return {
    length: buf.u32(off),
    type: buf.u16(off + 4),
    flags: buf.u16(off + 6),
    seq: buf.u32(off + 8),
    portId: buf.u32(off + 12),
  };
}

/**
 * Visit every message in [start, end). Lengths are checked before use: a header that does
 * not fit, nlmsg_len below 16 or past the end is a NetlinkDecodeError (with the offset).
 * Returning false from the visitor stops the walk.
 */
export function walkMessages(buf: NetlinkBuffer, visit: (m: MessageRef) => boolean | void, start = 0, end = buf.length): void {
  let pos = start;
  while (pos < end) {
    if (end - pos < NLMSG_HDRLEN) throw new NetlinkDecodeError(`${end - pos} bytes left, too few for a 16-byte message header`, pos);
    const length = buf.view.getUint32(pos, true);
    if (length < NLMSG_HDRLEN) throw new NetlinkDecodeError(`message length ${length} is below the 16-byte header`, pos);
    if (length > end - pos) throw new NetlinkDecodeError(`message claims ${length} bytes, only ${end - pos} remain`, pos);
    const m: MessageRef = {
      length,
      type: buf.view.getUint16(pos + 4, true),
      flags: buf.view.getUint16(pos + 6, true),
      seq: buf.view.getUint32(pos + 8, true),
      portId: buf.view.getUint32(pos + 12, true),
      buf,
      offset: pos,
      payloadStart: pos + NLMSG_HDRLEN,
      end: pos + length,
    };
    if (visit(m) === false) return;
    pos += (length + 3) & ~3;
  }
}

/**
 * A run of messages of one dump inside one received datagram: bytes [start, end) of `buf`
 * hold `count` whole messages back to back (each at a 4-byte aligned offset), every one a
 * data message of the dump (no NLMSG_DONE/ERROR/NOOP). The socket has checked every header,
 * so a consumer can step through them without checks:
 *   for (let p = c.start; p < c.end; p += (c.buf.view.getUint32(p, true) + 3) & ~3) ...
 * The bytes are the datagram's own (no copy): valid as long as the chunk is referenced.
 */
export interface MessageChunk {
  buf: NetlinkBuffer;
  start: number;
  end: number;
  count: number;
}

/** The messages of a chunk as MessageRefs (for consumers of the per-message interface). */
export function chunkMessages(c: MessageChunk): MessageRef[] {
  const out: MessageRef[] = new Array(c.count);
  const buf = c.buf;
  const view = buf.view;
  let pos = c.start;
  for (let i = 0; i < c.count; i++) {
    const length = view.getUint32(pos, true);
    out[i] = {
      length,
      type: view.getUint16(pos + 4, true),
      flags: view.getUint16(pos + 6, true),
      seq: view.getUint32(pos + 8, true),
      portId: view.getUint32(pos + 12, true),
      buf,
      offset: pos,
      payloadStart: pos + NLMSG_HDRLEN,
      end: pos + length,
    };
    pos += (length + 3) & ~3;
  }
  return out;
}

/** All messages of a buffer as an array (convenience; the socket walks without allocating one). */
export function parseMessages(bytes: Uint8Array): MessageRef[] {
  const out: MessageRef[] = [];
  walkMessages(new NetlinkBuffer(bytes), (m) => { out.push(m); });
  return out;
}

export interface ErrorMessage {
  /** 0 for an ACK, otherwise a positive errno. */
  errno: number;
  /** Header of the request this answers (its seq and type). */
  request: MessageHeader;
  /** Bytes of the original request the kernel echoed (header only when NLM_F_CAPPED). */
  requestBytes: Uint8Array;
  extack: ExtAck;
}

/** Decode an NLMSG_ERROR payload: int error; struct nlmsghdr msg (+ payload unless capped); TLVs. */
export function decodeError(m: MessageRef): ErrorMessage {
  const { buf } = m;
  if (m.end - m.payloadStart < 4 + NLMSG_HDRLEN) throw new NetlinkDecodeError(`NLMSG_ERROR payload of ${m.end - m.payloadStart} bytes, needs 20`, m.payloadStart);
  const error = buf.s32(m.payloadStart);
  const reqOff = m.payloadStart + 4;
  const request = readHeader(buf, reqOff);
  let tlvStart: number;
  if (m.flags & NLM_F_CAPPED) {
    tlvStart = reqOff + NLMSG_HDRLEN;
  } else {
    if (request.length < NLMSG_HDRLEN) throw new NetlinkDecodeError(`echoed request length ${request.length} is below the header size`, reqOff);
    // Clamp before aligning: (len + 3) & ~3 is a signed 32-bit operation and goes negative for len >= 2^31.
    tlvStart = reqOff + ((Math.min(request.length, m.end - reqOff) + 3) & ~3);
    // Older kernels or foreign senders may echo less than nlmsg_len claims; never read past the end.
    if (tlvStart > m.end) tlvStart = m.end;
  }
  const requestBytes = buf.bytes.slice(reqOff, Math.min(m.end, m.flags & NLM_F_CAPPED ? reqOff + NLMSG_HDRLEN : reqOff + request.length));
  const extack = m.flags & NLM_F_ACK_TLVS ? decodeExtAck(buf, tlvStart, m.end) : {};
  return { errno: -error, request, requestBytes, extack };
}

/** Decode an NLMSG_DONE payload: an int status (negative errno when the dump failed) and extack TLVs. */
export function decodeDone(m: MessageRef): { errno: number; extack: ExtAck } {
  if (m.end - m.payloadStart < 4) return { errno: 0, extack: {} };
  const status = m.buf.s32(m.payloadStart);
  const extack = m.flags & NLM_F_ACK_TLVS ? decodeExtAck(m.buf, m.payloadStart + 4, m.end) : {};
  return { errno: status < 0 ? -status : 0, extack };
}

export function decodeExtAck(buf: NetlinkBuffer, start: number, end: number): ExtAck {
  const ext: ExtAck = {};
  walkAttributes(buf, start, end, (type, off, len) => {
    switch (type) {
      case NLMSGERR_ATTR_MSG: ext.message = buf.attrString(off, len); break;
      case NLMSGERR_ATTR_OFFS: ext.offset = buf.attrU32(off, len); break;
      case NLMSGERR_ATTR_MISS_TYPE: ext.missingType = buf.attrU32(off, len); break;
      case NLMSGERR_ATTR_MISS_NEST: ext.missingNestOffset = buf.attrU32(off, len); break;
      case NLMSGERR_ATTR_COOKIE: ext.cookie = buf.attrBytes(off, len); break;
      case NLMSGERR_ATTR_POLICY: ext.policy = buf.attrBytes(off, len); break;
      default: break; // newer kernels may add TLVs; they carry no meaning we could act on
    }
  });
  return ext;
}

export function controlTypeName(type: number): string | undefined {
  switch (type) {
    case NLMSG_NOOP: return 'NLMSG_NOOP';
    case NLMSG_ERROR: return 'NLMSG_ERROR';
    case NLMSG_DONE: return 'NLMSG_DONE';
    case NLMSG_OVERRUN: return 'NLMSG_OVERRUN';
    default: return undefined;
  }
}

/**
 * Types of the attributes enclosing byte `offset` of a request (the extended-ACK offset):
 * descends into any attribute whose payload parses as attributes. `headerSize` is the family
 * header after nlmsghdr (ifinfomsg: 16). Returns [] when the offset is not inside an attribute.
 */
export function attributePathAt(request: Uint8Array, headerSize: number, offset: number): number[] {
  const buf = new NetlinkBuffer(request);
  const path: number[] = [];
  let start = NLMSG_HDRLEN + headerSize;
  let end = request.length;
  for (let depth = 0; depth < 16; depth++) {
    let found: { type: number; off: number; len: number; hdr: number } | undefined;
    try {
      walkAttributes(buf, start, end, (type, off, len) => {
        if (offset >= off - 4 && offset < off + Math.max(len, 1)) found = { type, off, len, hdr: off - 4 };
      });
    } catch (err) {
      if (!(err instanceof NetlinkDecodeError)) throw err;
      return path;
    }
    if (!found) return path;
    path.push(found.type);
    if (offset === found.hdr || found.len < 4) return path;
    start = found.off;
    end = found.off + found.len;
  }
  return path;
}
