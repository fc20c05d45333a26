// tc messages (RTM_*QDISC, *TCLASS, *TFILTER, *ACTION, *CHAIN) as attribute trees for
// `netlinkts decode` and --raw: read off the declared family (netlink/spec/tree.ts), so the
// tree and the library decode the same table.
import type { AttrSchema, MessageSchema } from '../netlink/attribute-tree.js';
import type { NetlinkBuffer } from '../netlink/reader.js';
import { setSchema } from '../netlink/spec/tree.js';
import { tc } from './family.js';

const NAMES: Record<number, string> = {
  36: 'RTM_NEWQDISC', 37: 'RTM_DELQDISC', 38: 'RTM_GETQDISC', 40: 'RTM_NEWTCLASS', 41: 'RTM_DELTCLASS', 42: 'RTM_GETTCLASS',
  44: 'RTM_NEWTFILTER', 45: 'RTM_DELTFILTER', 46: 'RTM_GETTFILTER', 48: 'RTM_NEWACTION', 49: 'RTM_DELACTION', 50: 'RTM_GETACTION',
  100: 'RTM_NEWCHAIN', 101: 'RTM_DELCHAIN', 102: 'RTM_GETCHAIN',
};
const cache = new Map<string, AttrSchema>();
const schemas = new Map<number, MessageSchema | undefined>();

const TCMSG = {
  name: 'tcmsg', size: 20,
  decode: (buf: NetlinkBuffer, off: number) => tc.struct('tcmsg').decode(buf, off, 20),
};
const TCAMSG = { name: 'tcamsg', size: 4, decode: (buf: NetlinkBuffer, off: number) => ({ family: buf.u8(off) }) };

/** The tree schema of a tc message type, or undefined for the other rtnetlink types. */
export function tcSchema(type: number): MessageSchema | undefined {
  if (schemas.has(type)) return schemas.get(type);
  const name = NAMES[type];
  let s: MessageSchema | undefined;
  if (name) {
    const action = type >= 48 && type <= 50;
    const op = name.startsWith('RTM_NEW') ? 'new' : name.startsWith('RTM_GET') ? 'get' : 'del';
    s = { name, op, header: action ? TCAMSG : TCMSG, attributes: setSchema(tc, action ? 'tc-action-root-attrs' : 'tc-attrs', cache) };
  }
  schemas.set(type, s);
  return s;
}
