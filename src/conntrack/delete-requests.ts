// Delete requests written while a dump streams (Conntrack.delete with a filter): each entry's
// original tuple, zone and id are copied from the dump reply as the kernel sent them, into one
// growing buffer, so deleting a large table neither decodes nor keeps an object per entry.
import { NLMSG_HDRLEN, NLM_F_REQUEST } from '../netlink/constants.js';
import { NetlinkDecodeError } from '../netlink/errors.js';
import { NetlinkBuffer } from '../netlink/reader.js';
import { walkMessages, type MessageRef } from '../netlink/message.js';
import { entryFrom } from './entry.js';
import { conntrack, IPCTNL_MSG_CT_DELETE } from './family.js';

// linux/netfilter/nfnetlink_conntrack.h: the attributes a delete names its entry by.
const CTA_TUPLE_ORIG = 1;
const CTA_ID = 12;
const CTA_ZONE = 18;
const NFGENMSG_LEN = 4;

export class DeleteRequests {
  private bytes = new Uint8Array(64 << 10);
  private pos = 0;
  private starts = new Int32Array(1024);
  count = 0;

  /** Append the delete of the entry in dump reply `m` (a message without its tuple is skipped). */
  add(m: MessageRef): void {
    const src = m.buf.bytes;
    const view = m.buf.view;
    let tuple = -1; let tupleLen = 0; let id = -1; let zone = -1;
    for (let p = m.payloadStart + NFGENMSG_LEN; m.end - p >= 4;) {
      const len = view.getUint16(p, true);
      if (len < 4 || p + len > m.end) break;
      const type = view.getUint16(p + 2, true) & 0x3fff;
      if (type === CTA_TUPLE_ORIG) { tuple = p; tupleLen = len; } else if (type === CTA_ID && len === 8) id = p;
      else if (type === CTA_ZONE && len >= 6) zone = p;
      p += (len + 3) & ~3;
    }
    if (tuple < 0) return;
    const size = NLMSG_HDRLEN + NFGENMSG_LEN + ((tupleLen + 3) & ~3) + (id >= 0 ? 8 : 0) + (zone >= 0 ? 8 : 0);
    this.reserve(size);
    const out = this.bytes;
    const v = new DataView(out.buffer, out.byteOffset + this.pos, size);
    v.setUint32(0, size, true);
    v.setUint16(4, IPCTNL_MSG_CT_DELETE, true);
    v.setUint16(6, NLM_F_REQUEST, true);
    v.setUint32(8, 0, true);
    v.setUint32(12, 0, true);
    // nfgenmsg: the entry's layer-3 family, version 0, res_id 0.
    out[this.pos + 16] = src[m.payloadStart]!;
    out[this.pos + 17] = 0; out[this.pos + 18] = 0; out[this.pos + 19] = 0;
    let at = this.pos + NLMSG_HDRLEN + NFGENMSG_LEN;
    out.set(src.subarray(tuple, tuple + tupleLen), at);
    out.fill(0, at + tupleLen, at + ((tupleLen + 3) & ~3));
    at += (tupleLen + 3) & ~3;
    // With the id, a new connection that reused the tuple meanwhile is not the one deleted.
    if (id >= 0) { out.set(src.subarray(id, id + 8), at); at += 8; }
    if (zone >= 0) { out.set(src.subarray(zone, zone + 6), at); out[at + 6] = 0; out[at + 7] = 0; }
    if (this.count === this.starts.length) {
      const s = new Int32Array(this.starts.length * 2);
      s.set(this.starts);
      this.starts = s;
    }
    this.starts[this.count++] = this.pos;
    this.pos += size;
  }

  /** Request i as bytes (a view into the buffer). */
  request(i: number): Uint8Array {
    const at = this.starts[i]!;
    return this.bytes.subarray(at, at + new DataView(this.bytes.buffer, this.bytes.byteOffset + at, 4).getUint32(0, true));
  }

  /** "src:sport -> dst:dport proto N" of request i, decoded only when a delete failed. */
  describe(i: number): string {
    const buf = new NetlinkBuffer(this.request(i));
    let text = `#${i}`;
    walkMessages(buf, (ref) => {
      try {
        const t = entryFrom(conntrack.decode(ref)).orig;
        const port = (x: number | undefined): string => (x === undefined ? '' : `:${x}`);
        text = `${t.src}${port(t.sport)} -> ${t.dst}${port(t.dport)} proto ${t.proto}`;
      } catch (err) {
        if (!(err instanceof NetlinkDecodeError)) throw err; // an undecodable tuple is reported by index
      }
    });
    return text;
  }

  private reserve(n: number): void {
    if (this.pos + n <= this.bytes.length) return;
    const b = new Uint8Array(Math.max(this.bytes.length * 2, this.pos + n));
    b.set(this.bytes.subarray(0, this.pos));
    this.bytes = b;
  }
}
