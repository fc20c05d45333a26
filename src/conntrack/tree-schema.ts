// ctnetlink messages (nfnetlink subsystems 1 and 2) as attribute trees for `netlinkts decode`
// and --raw: read off the declared family (netlink/spec/tree.ts), so the tree and the library
// decode the same table.
import type { AttrSchema, MessageSchema } from '../netlink/attribute-tree.js';
import { setSchema } from '../netlink/spec/tree.js';
import { conntrack, NFNL_SUBSYS_CTNETLINK, NFNL_SUBSYS_CTNETLINK_EXP } from './family.js';

const NFGENMSG = {
  name: 'nfgenmsg',
  size: 4,
  decode: (buf: import('../netlink/reader.js').NetlinkBuffer, off: number) => ({ nfgen_family: buf.u8(off), version: buf.u8(off + 1), res_id: buf.view.getUint16(off + 2, false) }),
};

const CT_NAMES = ['IPCTNL_MSG_CT_NEW', 'IPCTNL_MSG_CT_GET', 'IPCTNL_MSG_CT_DELETE', 'IPCTNL_MSG_CT_GET_CTRZERO', 'IPCTNL_MSG_CT_GET_STATS_CPU', 'IPCTNL_MSG_CT_GET_STATS', 'IPCTNL_MSG_CT_GET_DYING', 'IPCTNL_MSG_CT_GET_UNCONFIRMED'];
const EXP_NAMES = ['IPCTNL_MSG_EXP_NEW', 'IPCTNL_MSG_EXP_GET', 'IPCTNL_MSG_EXP_DELETE', 'IPCTNL_MSG_EXP_GET_STATS_CPU'];
const cache = new Map<string, AttrSchema>();
const schemas = new Map<number, MessageSchema | undefined>();

/** The tree schema of a ctnetlink message type, or undefined for other subsystems. */
export function conntrackSchema(type: number): MessageSchema | undefined {
  if (schemas.has(type)) return schemas.get(type);
  const subsys = type >> 8;
  let s: MessageSchema | undefined;
  if (subsys === NFNL_SUBSYS_CTNETLINK || subsys === NFNL_SUBSYS_CTNETLINK_EXP) {
    const names = subsys === NFNL_SUBSYS_CTNETLINK ? CT_NAMES : EXP_NAMES;
    const name = names[type & 0xff] ?? `NFNL_SUBSYS_${subsys === 1 ? 'CTNETLINK' : 'CTNETLINK_EXP'}/${type & 0xff}`;
    // The attribute set by the declaration's numbering (either direction: ctnetlink uses one).
    const set = conntrack.shapeFor(type, 'reply')?.set ?? (subsys === NFNL_SUBSYS_CTNETLINK ? 'conntrack-attrs' : 'expect-attrs');
    const op = /_NEW$/.test(name) ? 'new' : /_GET/.test(name) ? 'get' : /_DELETE$/.test(name) ? 'del' : 'other';
    s = { name, op, header: NFGENMSG, attributes: setSchema(conntrack, set, cache) };
  }
  schemas.set(type, s);
  return s;
}
