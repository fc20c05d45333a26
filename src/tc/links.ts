// The few link facts tc needs, read with its own two small requests (RTM_GETLINK by name, a
// link dump) rather than through src/rtnl, which sits beside this layer: names to ifindexes
// (and MTUs, for burst checks) on the way in, ifindexes to names on the way out.
import { NetlinkError } from '../netlink/errors.js';
import type { MessageRef } from '../netlink/message.js';
import type { NetlinkSocket } from '../netlink/socket.js';
import { MessageWriter } from '../netlink/writer.js';

const RTM_NEWLINK = 16;
const RTM_GETLINK = 18;
const IFLA_IFNAME = 3;
const IFLA_MTU = 4;
const NLM_F_REQUEST = 1;
const NLM_F_DUMP = 0x300;
const IFINFOMSG_LEN = 16;

export interface LinkFacts { index: number; name: string; mtu: number }

function linkFacts(m: MessageRef): LinkFacts {
  const { buf } = m;
  const index = buf.s32(m.payloadStart + 4);
  let name = '';
  let mtu = 0;
  let off = m.payloadStart + IFINFOMSG_LEN;
  while (m.end - off >= 4) {
    const len = buf.view.getUint16(off, true);
    const type = buf.view.getUint16(off + 2, true) & 0x3fff;
    if (len < 4 || len > m.end - off) break;
    if (type === IFLA_IFNAME) name = buf.attrString(off + 4, len - 4);
    else if (type === IFLA_MTU && len >= 8) mtu = buf.view.getUint32(off + 4, true);
    off += (len + 3) & ~3;
  }
  return { index, name, mtu };
}

function getLinkRequest(ref: string | number, dump = false): Uint8Array {
  const w = new MessageWriter(64);
  const start = w.begin(RTM_GETLINK, NLM_F_REQUEST | (dump ? NLM_F_DUMP : 0));
  w.u8(0).u8(0).u16(0).s32(typeof ref === 'number' ? ref : 0).u32(0).u32(0);
  if (typeof ref === 'string') w.attrString(IFLA_IFNAME, ref, true);
  // IFLA_EXT_MASK 0: no VF or stats blocks (tc needs none of them).
  w.end(start);
  return w.copy();
}

/** One link by name or index; a missing device is ENODEV with the operation named. */
export async function linkFactsOf(sock: NetlinkSocket, ref: string | number, operation: string): Promise<LinkFacts> {
  const replies = await sock.request(getLinkRequest(ref), { operation, headerSize: IFINFOMSG_LEN });
  const m = replies.find((r) => r.type === RTM_NEWLINK);
  if (!m) throw new NetlinkError({ errno: 19, operation });
  return linkFacts(m);
}

/** ifindex -> name of every link of the socket's namespace. */
export async function linkNames(sock: NetlinkSocket): Promise<Map<number, string>> {
  const out = new Map<number, string>();
  for await (const batch of sock.dumpBatches(getLinkRequest(0, true), { operation: 'list links' })) {
    for (const m of batch) if (m.type === RTM_NEWLINK) { const f = linkFacts(m); out.set(f.index, f.name); }
  }
  return out;
}
