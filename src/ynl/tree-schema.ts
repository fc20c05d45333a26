// Generic netlink as attribute trees (`netlinkts decode`): message types are family ids the
// kernel hands out at run time, so a capture names its families only through nlctrl. Ids come
// from nlctrl itself (0x10), from nlctrl replies in the same input (CTRL_ATTR_FAMILY_ID beside
// CTRL_ATTR_FAMILY_NAME, as any program resolving a family captures them), or from the caller.
// Attributes are then read by the family's declared table (netlink/spec/tree.ts), per command.
import { NetlinkDecodeError } from '../netlink/errors.js';
import type { AttrSchema, MessageSchema, SchemaLookup } from '../netlink/attribute-tree.js';
import { NLM_F_REQUEST } from '../netlink/constants.js';
import { walkMessages } from '../netlink/message.js';
import { NetlinkBuffer } from '../netlink/reader.js';
import type { NetlinkFamily } from '../netlink/spec/family.js';
import { FAMILY_NAMES, loadFamily } from './registry.js';
import { setSchema } from '../netlink/spec/tree.js';

const GENL_ID_CTRL = 0x10;
const GENL_HEADER = {
  name: 'genlmsghdr',
  size: 4,
  decode: (buf: NetlinkBuffer, off: number): Record<string, unknown> => ({ cmd: buf.u8(off), version: buf.u8(off + 1), reserved: buf.u16(off + 2) }),
};

/** Ids named by nlctrl replies (or requests for one family by name and id) in the input. */
export async function idsFromCapture(datagrams: readonly Uint8Array[]): Promise<Map<number, string>> {
  const out = new Map<number, string>();
  const nlctrl = await loadFamily('nlctrl');
  for (const bytes of datagrams) {
    try {
      walkMessages(new NetlinkBuffer(bytes), (m) => {
        if (m.type !== GENL_ID_CTRL) return undefined;
        const a = nlctrl.decode(m).attrs as Record<string, unknown>;
        if (typeof a['family-id'] === 'number' && typeof a['family-name'] === 'string') out.set(a['family-id'], a['family-name']);
        return undefined;
      });
    } catch (err) {
      if (!(err instanceof NetlinkDecodeError)) throw err;
      // A malformed datagram is reported with its offset by the decode that follows.
    }
  }
  return out;
}

/**
 * The lookup for NETLINK_GENERIC: nlctrl always, and each id named (capture or --family) whose
 * family has a declared table. Ids with a name but no table show the genlmsghdr and raw
 * attributes under that name.
 */
export async function genlSchema(names: ReadonlyMap<number, string>): Promise<SchemaLookup> {
  const byId = new Map<number, MessageSchema>();
  const all = new Map(names);
  all.set(GENL_ID_CTRL, 'nlctrl');
  for (const [id, name] of all) {
    const declared = FAMILY_NAMES.includes(name) || FAMILY_NAMES.includes(name.replace(/-/g, '_')) || FAMILY_NAMES.includes(name.replace(/_/g, '-'));
    byId.set(id, declared ? familySchema(await loadFamily(name), name) : { name, op: 'other', header: GENL_HEADER });
  }
  return (type) => byId.get(type);
}

function familySchema(family: NetlinkFamily, name: string): MessageSchema {
  const cache = new Map<string, AttrSchema>();
  return {
    name,
    op: 'other',
    header: {
      ...GENL_HEADER,
      decode: (buf, off) => ({ ...GENL_HEADER.decode(buf, off) }),
    },
    attributesFor: (header, flags) => {
      // Requests carry NLM_F_REQUEST; the kernel's replies and notifications do not.
      const shape = family.shapeFor(header.cmd as number, flags & NLM_F_REQUEST ? 'request' : 'reply');
      if (shape) header.op = shape.op.name;
      return shape?.set ? setSchema(family, shape.set, cache) : undefined;
    },
  };
}
