// Tables: the top-level container of chains and sets, one per (family, name).
import type { MessageWriter } from '../netlink/writer.js';
import type { MessageRef } from '../netlink/message.js';
import { NetlinkDecodeError } from '../netlink/errors.js';
import {
  NFTA_TABLE_FLAGS, NFTA_TABLE_HANDLE, NFTA_TABLE_NAME, NFTA_TABLE_OWNER, NFTA_TABLE_USE, NFTA_TABLE_USERDATA,
} from './constants.js';
import { decodeCommentUdata, encodeCommentUdata, familyName, messageAttributes, readNfgen, type Family } from './codec.js';

/** NFTNL_UDATA_TABLE_COMMENT */
const UDATA_TABLE_COMMENT = 0;

export interface Table {
  family: Family;
  name: string;
  /** NFT_TABLE_F_* (dormant 0x1, owner 0x2, persist 0x4). */
  flags?: number;
  comment?: string;
  /** Userdata other than a lone comment, kept raw. */
  userdata?: Uint8Array;
  /** Reported by the kernel: */
  handle?: number;
  /** Number of chains (and sets) in the table. */
  use?: number;
  /** Netlink port id of the owning socket (flag owner). */
  owner?: number;
}

/** Attributes of NEWTABLE, in nft's order: name, flags, userdata. */
export function encodeTable(w: MessageWriter, t: Table): void {
  w.attrString(NFTA_TABLE_NAME, t.name);
  w.attrBe32(NFTA_TABLE_FLAGS, t.flags ?? 0);
  const ud = encodeCommentUdata(t.comment, t.userdata, UDATA_TABLE_COMMENT);
  if (ud) w.attrBytes(NFTA_TABLE_USERDATA, ud);
}

/** Attributes naming a table for DELTABLE: the handle when known, else the name. */
export function encodeTableRef(w: MessageWriter, t: { name?: string; handle?: number }): void {
  if (t.handle !== undefined) w.attrBe64(NFTA_TABLE_HANDLE, t.handle);
  else w.attrString(NFTA_TABLE_NAME, t.name ?? '');
}

export function decodeTable(m: MessageRef): Table {
  const h = readNfgen(m);
  const a = messageAttributes(m);
  const name = a.str(NFTA_TABLE_NAME);
  if (name === undefined) throw new NetlinkDecodeError('table without NFTA_TABLE_NAME', m.payloadStart);
  const t: Table = { family: familyName(h.family, m.payloadStart), name, flags: a.be32(NFTA_TABLE_FLAGS) ?? 0 };
  Object.assign(t, decodeCommentUdata(a.bytes(NFTA_TABLE_USERDATA), UDATA_TABLE_COMMENT));
  const handle = a.be64(NFTA_TABLE_HANDLE), use = a.be32(NFTA_TABLE_USE), owner = a.be32(NFTA_TABLE_OWNER);
  if (handle !== undefined) t.handle = handle;
  if (use !== undefined) t.use = use;
  if (owner !== undefined) t.owner = owner;
  return t;
}
