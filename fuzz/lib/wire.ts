// Byte-level helpers the harness shares: hex files, and a lenient view of netlink datagrams
// (messages -> family header -> attribute tree) that mutations edit and serialise back.
// Lenient on purpose: it mirrors how the kernel's nla_for_each_attr() walks (stop at the first
// attribute that does not fit, never throw), so the harness can take apart any bytes.
import { readFileSync } from 'node:fs';

export function toHex(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');
}

export function fromHex(hex: string): Uint8Array {
  const clean = hex.replace(/\s+/g, '');
  if (clean.length % 2 || /[^0-9a-fA-F]/.test(clean)) throw new Error(`not hex: ${clean.slice(0, 40)}...`);
  return new Uint8Array(Buffer.from(clean, 'hex'));
}

/** A .hex file: lines starting with '#' are comments, the rest is one input's bytes. */
export function readHexFile(path: string): Uint8Array {
  const text = readFileSync(path, 'utf8');
  return fromHex(text.split('\n').filter((l) => !l.startsWith('#')).join(''));
}

export function formatHexFile(bytes: Uint8Array, comment: string[]): string {
  const lines = comment.map((c) => `# ${c}`);
  const hex = toHex(bytes);
  for (let i = 0; i < hex.length; i += 64) lines.push(hex.slice(i, i + 64));
  return `${lines.join('\n')}\n`;
}

// ---- the family header that follows nlmsghdr, by message type ----

/**
 * Size of the fixed header between nlmsghdr and the attributes, guessed from the message type
 * the way the kernel's dispatch would pick it (rtnetlink by type range, nfnetlink by subsystem).
 */
export function familyHeaderSize(type: number, protocol: 'route' | 'netfilter' | 'any' = 'any'): number {
  if (type === 2) return 4 + 16; // NLMSG_ERROR: errno + echoed header (payload and TLVs follow)
  if (type === 3) return 4; // NLMSG_DONE: status, then extack TLVs
  if (type < 16) return 0;
  if (protocol !== 'route' && (type >> 8 === 10 || type === 0x10 || type === 0x11)) return 4; // nfgenmsg
  if (type >= 16 && type <= 19) return 16; // ifinfomsg
  if (type >= 20 && type <= 23) return 8; // ifaddrmsg
  if (type >= 24 && type <= 27) return 12; // rtmsg
  if (type >= 28 && type <= 31) return 12; // ndmsg
  if (type >= 88 && type <= 90) return 4; // rtgenmsg (NSID)
  return protocol === 'netfilter' ? 4 : 0;
}

// ---- a lenient tree ----

export interface AttrNode {
  /** nla_type as on the wire, NLA_F_NESTED / NLA_F_NET_BYTEORDER included. */
  type: number;
  /** Children when the payload parses exactly as attributes; otherwise the payload bytes. */
  children?: AttrNode[];
  data?: Uint8Array;
}

export interface MessageNode {
  type: number;
  flags: number;
  seq: number;
  portId: number;
  /** The family header (ifinfomsg, nfgenmsg, ...), possibly shorter than it should be. */
  fixed: Uint8Array;
  attrs: AttrNode[];
  /** Bytes after the last attribute that did not parse as one. */
  tail: Uint8Array;
}

const le16 = (b: Uint8Array, o: number): number => b[o]! | (b[o + 1]! << 8);
const le32 = (b: Uint8Array, o: number): number => (b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24)) >>> 0;

/**
 * Attributes of [start, end) as the kernel walks them. Returns the nodes and where the walk
 * stopped. `exact` is true when everything was consumed with zero padding only.
 */
export function parseAttrs(b: Uint8Array, start: number, end: number, depth = 0): { nodes: AttrNode[]; stop: number; exact: boolean } {
  const nodes: AttrNode[] = [];
  let pos = start;
  while (end - pos >= 4) {
    const len = le16(b, pos);
    const type = le16(b, pos + 2);
    if (len < 4 || len > end - pos) break;
    const payload = b.subarray(pos + 4, pos + len);
    const node: AttrNode = { type };
    // A payload that is itself a clean attribute stream is treated as a nest (a heuristic:
    // mutations then reach inside; serialising an untouched node gives the same bytes).
    if (depth < 40 && len >= 8) {
      const inner = parseAttrs(b, pos + 4, pos + len, depth + 1);
      if (inner.exact && inner.nodes.length) node.children = inner.nodes;
    }
    if (!node.children) node.data = payload.slice();
    nodes.push(node);
    const next = pos + ((len + 3) & ~3);
    if (next > end) { pos = end; break; }
    for (let i = pos + len; i < next; i++) if (b[i] !== 0) return { nodes, stop: next, exact: false };
    pos = next;
  }
  return { nodes, stop: pos, exact: pos === end };
}

export function parseDatagram(b: Uint8Array, protocol: 'route' | 'netfilter' | 'any' = 'any', headerSize?: number): MessageNode[] {
  const out: MessageNode[] = [];
  let pos = 0;
  while (b.length - pos >= 16) {
    let len = le32(b, pos);
    if (len < 16 || len > b.length - pos) len = b.length - pos; // take the rest: mutations may fix it
    const type = le16(b, pos + 4);
    const hs = Math.min(headerSize ?? familyHeaderSize(type, protocol), len - 16);
    const fixedEnd = pos + 16 + hs;
    let attrStart = fixedEnd;
    // NLMSG_ERROR: the echoed request's own payload sits between header and TLVs.
    if (type === 2 && hs === 20) {
      const reqLen = le32(b, pos + 20);
      const flags = le16(b, pos + 6);
      if (!(flags & 0x100) && reqLen >= 16) attrStart = Math.min(pos + len, pos + 20 + ((reqLen + 3) & ~3));
    }
    const parsed = parseAttrs(b, attrStart, pos + len);
    out.push({
      type, flags: le16(b, pos + 6), seq: le32(b, pos + 8), portId: le32(b, pos + 12),
      fixed: b.slice(pos + 16, attrStart), attrs: parsed.nodes, tail: b.slice(parsed.stop, pos + len),
    });
    pos += (len + 3) & ~3;
  }
  return out;
}

class Out {
  buf = new Uint8Array(256);
  pos = 0;
  ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
  }
  u16(v: number, at = this.pos): void {
    if (at === this.pos) { this.ensure(2); this.pos += 2; }
    this.buf[at] = v & 0xff;
    this.buf[at + 1] = (v >> 8) & 0xff;
  }
  u32(v: number, at = this.pos): void {
    if (at === this.pos) { this.ensure(4); this.pos += 4; }
    this.buf[at] = v & 0xff;
    this.buf[at + 1] = (v >>> 8) & 0xff;
    this.buf[at + 2] = (v >>> 16) & 0xff;
    this.buf[at + 3] = (v >>> 24) & 0xff;
  }
  raw(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }
  align(): void {
    const pad = (4 - (this.pos & 3)) & 3;
    this.ensure(pad);
    this.buf.fill(0, this.pos, this.pos + pad);
    this.pos += pad;
  }
}

function writeAttrs(o: Out, nodes: AttrNode[]): void {
  for (const n of nodes) {
    const start = o.pos;
    o.u16(0);
    o.u16(n.type);
    if (n.children) writeAttrs(o, n.children);
    else o.raw(n.data ?? new Uint8Array(0));
    // nla_len is 16 bits: an oversized node wraps, which is just another malformed input.
    o.u16((o.pos - start) & 0xffff, start);
    o.align();
  }
}

/** Serialise messages with every length recomputed (nlmsg_len includes the final padding). */
export function serialise(msgs: MessageNode[]): Uint8Array {
  const o = new Out();
  for (const m of msgs) {
    o.align();
    const start = o.pos;
    o.u32(0);
    o.u16(m.type);
    o.u16(m.flags);
    o.u32(m.seq);
    o.u32(m.portId);
    o.raw(m.fixed);
    o.align();
    writeAttrs(o, m.attrs);
    o.raw(m.tail);
    o.align();
    o.u32(o.pos - start, start);
  }
  return o.buf.slice(0, o.pos);
}

/** Every attribute list of a tree (the top level and each nest's children), for picking targets. */
export function attrLists(msgs: MessageNode[]): AttrNode[][] {
  const lists: AttrNode[][] = [];
  const visit = (l: AttrNode[]): void => {
    lists.push(l);
    for (const n of l) if (n.children) visit(n.children);
  };
  for (const m of msgs) visit(m.attrs);
  return lists;
}

/** Lenient walk over the top-level attributes of one message, as nlmsg_parse() would see them. */
export function topLevelAttrs(msg: Uint8Array, headerSize: number): AttrNode[] {
  const len = Math.min(msg.length, le32(msg, 0) || msg.length);
  return parseAttrs(msg, 16 + headerSize, len).nodes;
}
