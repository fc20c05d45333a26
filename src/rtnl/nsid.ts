// Namespace ids (RTM_NEWNSID/GETNSID/DELNSID): struct rtgenmsg plus NETNSA_* attributes. An
// nsid is how one namespace names another (IFLA_LINK_NETNSID of a veth whose peer lives
// elsewhere); ids are per viewing namespace and allocated on demand.
import { NLM_F_ACK, NLM_F_DUMP, NLM_F_REQUEST } from '../netlink/constants.js';
import { NetlinkDecodeError } from '../netlink/errors.js';
import type { MessageRef } from '../netlink/message.js';
import { rawAttribute, walkNested, type RawAttribute } from '../netlink/reader.js';
import { MessageWriter } from '../netlink/writer.js';
import * as C from './constants.js';

/** One entry of `ip -j netns list-id` (name is added by the operations that know it). */
export interface NsidEntry {
  msg: 'newnsid' | 'delnsid';
  /** The id, or -1 (NETNSA_NSID_NOT_ASSIGNED). */
  nsid: number;
  /** With a target namespace: the id the target gives the same peer. */
  'current-nsid'?: number;
  /** The /run/netns name, when resolved. */
  name?: string;
  raw: RawAttribute[];
}

export function decodeNsid(m: MessageRef): NsidEntry {
  const { buf } = m;
  if (m.end - m.payloadStart < 1) throw new NetlinkDecodeError('rtgenmsg missing', m.payloadStart);
  const e: NsidEntry = { msg: m.type === C.RTM_DELNSID ? 'delnsid' : 'newnsid', nsid: C.NETNSA_NSID_NOT_ASSIGNED, raw: [] };
  const start = m.payloadStart + C.RTGENMSG_LEN;
  if (start > m.end) return e;
  walkNested(buf, start, m.end - start, 1, (t, o, l, rt) => {
    switch (t) {
      case C.NETNSA_NSID: e.nsid = buf.attrS32(o, l); break;
      case C.NETNSA_CURRENT_NSID: e['current-nsid'] = buf.attrS32(o, l); break;
      default: e.raw.push(rawAttribute(buf, t, o, l, rt));
    }
  });
  return e;
}

/** Which namespace a request is about: an open fd (NETNSA_FD) or a process (NETNSA_PID). */
export type NsidTarget = { fd: number } | { pid: number };

function writeTarget(w: MessageWriter, t: NsidTarget): void {
  if ('fd' in t) w.attrU32(C.NETNSA_FD, t.fd);
  else w.attrU32(C.NETNSA_PID, t.pid);
}

/** RTM_GETNSID: the id this namespace gives to the target (-1 when none is assigned). */
export function encodeGetNsid(t: NsidTarget, w = new MessageWriter(64)): Uint8Array {
  const start = w.begin(C.RTM_GETNSID, NLM_F_REQUEST);
  w.u8(C.AF_UNSPEC).align();
  writeTarget(w, t);
  w.end(start);
  return w.copy();
}

/** RTM_NEWNSID: assign an id to the target (-1: let the kernel choose), as `ip netns set NAME ID`. */
export function encodeNewNsid(t: NsidTarget, nsid: number, w = new MessageWriter(64)): Uint8Array {
  const start = w.begin(C.RTM_NEWNSID, NLM_F_REQUEST | NLM_F_ACK);
  w.u8(C.AF_UNSPEC).align();
  w.attrS32(C.NETNSA_NSID, nsid);
  writeTarget(w, t);
  w.end(start);
  return w.copy();
}

/** RTM_GETNSID dump (`ip netns list-id`); with targetNsid, each entry also gets current-nsid. */
export function encodeNsidDump(targetNsid?: number, w = new MessageWriter(64)): Uint8Array {
  const start = w.begin(C.RTM_GETNSID, NLM_F_REQUEST | NLM_F_DUMP);
  w.u8(C.AF_UNSPEC).align();
  if (targetNsid !== undefined) w.attrS32(C.NETNSA_TARGET_NSID, targetNsid);
  w.end(start);
  return w.copy();
}

export function describeNsidAttribute(path: number[]): string | undefined {
  if (!path.length) return undefined;
  return path.map((t, i) => (i === 0 ? C.constantName('NETNSA_', t) ?? `NETNSA attribute ${t}` : String(t))).join('/');
}
