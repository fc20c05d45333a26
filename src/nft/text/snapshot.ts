// The reading side's view of a ruleset: every table, chain, set (with elements), object,
// flowtable and rule, each message decoded by the generic codec through the nftables spec
// (./spec.ts) into plain records keyed by the spec's attribute names. Taken between two reads
// of the generation counter and retaken when a commit slipped in (as nft does), so the text
// and JSON printers see one consistent ruleset.
import { MessageWriter } from '../../netlink/writer.js';
import { NLM_F_DUMP, NLM_F_REQUEST } from '../../netlink/constants.js';
import { DumpInterruptedError } from '../../netlink/errors.js';
import type { NetlinkSocket } from '../../netlink/socket.js';
import type { MessageRef } from '../../netlink/message.js';
import {
  NFTA_SET_ELEM_LIST_SET, NFTA_SET_ELEM_LIST_TABLE, NFT_MSG_GETCHAIN, NFT_MSG_GETFLOWTABLE, NFT_MSG_GETOBJ, NFT_MSG_GETRULE,
  NFT_MSG_GETSET, NFT_MSG_GETSETELEM, NFT_MSG_GETTABLE, NFT_MSG_NEWCHAIN, NFT_MSG_NEWFLOWTABLE, NFT_MSG_NEWOBJ,
  NFT_MSG_NEWRULE, NFT_MSG_NEWSET, NFT_MSG_NEWSETELEM, NFT_MSG_NEWTABLE,
} from '../constants.js';
import { beginNftMessage, familyName, familyNumber, nftType, NFGENMSG_LEN, type Family } from '../codec.js';
import { getGeneration } from '../ruleset.js';
import { NetlinkBuffer } from '../../netlink/reader.js';
import { nftRead, objectDataSet } from './spec.js';

/** A decoded attribute record (names are the spec's: "table", "name", "key-type", ...). */
export type Rec = Record<string, any>;

export interface RawExpr { name: string; data: Rec }
export interface RawRule { family: Family; attrs: Rec; exprs: RawExpr[] }
export interface RawSet { family: Family; attrs: Rec; elements: Rec[] }
export interface RawObj { family: Family; attrs: Rec; data: Rec }
export interface RawChain { family: Family; attrs: Rec; rules: RawRule[] }
export interface RawTable {
  family: Family;
  attrs: Rec;
  chains: RawChain[];
  sets: RawSet[];
  objects: RawObj[];
  flowtables: Rec[];
}
export interface RawRuleset { generation: number; tables: RawTable[] }

const NFT_ATTRS = 16 + NFGENMSG_LEN;

/** Decode the attributes of one nftables message with the attribute set `set`. */
export function decodeMessage(m: MessageRef, set: string): { family: Family; attrs: Rec } {
  const family = familyName(m.buf.u8(m.payloadStart));
  const attrs = nftRead.set(set).decode(m.buf, m.offset + NFT_ATTRS, m.end) as Rec;
  return { family, attrs };
}

/** An expression record from the codec: { name, data } with data decoded by its sub-message. */
export function exprList(list: Rec | undefined): RawExpr[] {
  const elems = (list?.elem ?? []) as Rec[];
  return elems.map((e) => ({ name: String(e.name ?? ''), data: (e.data ?? {}) as Rec }));
}

/** A stateful object's data, decoded by the space its type selects. */
export function objectData(attrs: Rec): Rec {
  const set = objectDataSet(Number(attrs.type));
  const data = attrs.data as Uint8Array | undefined;
  if (!set || !data) return {};
  return nftRead.set(set).decode(new NetlinkBuffer(data), 0, data.length) as Rec;
}

function request(msg: number, family = 0, attrs?: (w: MessageWriter) => void): Uint8Array {
  const w = new MessageWriter(128);
  const start = beginNftMessage(w, nftType(msg), NLM_F_REQUEST | NLM_F_DUMP, family, 0);
  attrs?.(w);
  w.end(start);
  return w.copy();
}

async function dump(socket: NetlinkSocket, msg: Uint8Array, type: number, operation: string): Promise<MessageRef[]> {
  const msgs = await socket.dumpAll(msg, { operation, headerSize: NFGENMSG_LEN, retries: 3 });
  return msgs.filter((m) => m.type === nftType(type));
}

const key = (f: string, t: string): string => `${f}\0${t}`;

/** Read the whole ruleset as a consistent snapshot of spec-decoded records. */
export async function readRuleset(socket: NetlinkSocket, attempts = 5): Promise<RawRuleset> {
  for (let i = 0; ; i++) {
    const before = await getGeneration(socket);
    const tables = (await dump(socket, request(NFT_MSG_GETTABLE), NFT_MSG_NEWTABLE, 'list tables')).map((m) => decodeMessage(m, 'table-attrs'));
    const chains = (await dump(socket, request(NFT_MSG_GETCHAIN), NFT_MSG_NEWCHAIN, 'list chains')).map((m) => decodeMessage(m, 'chain-attrs'));
    const rules = (await dump(socket, request(NFT_MSG_GETRULE), NFT_MSG_NEWRULE, 'list rules')).map((m) => decodeMessage(m, 'rule-attrs'));
    const sets = (await dump(socket, request(NFT_MSG_GETSET), NFT_MSG_NEWSET, 'list sets')).map((m) => decodeMessage(m, 'set-attrs'));
    const objs = (await dump(socket, request(NFT_MSG_GETOBJ), NFT_MSG_NEWOBJ, 'list objects')).map((m) => decodeMessage(m, 'obj-attrs'));
    const fts = (await dump(socket, request(NFT_MSG_GETFLOWTABLE), NFT_MSG_NEWFLOWTABLE, 'list flowtables')).map((m) => decodeMessage(m, 'flowtable-attrs'));
    const byTable = new Map<string, RawTable>();
    for (const t of tables) byTable.set(key(t.family, t.attrs.name), { ...t, chains: [], sets: [], objects: [], flowtables: [] });
    const byChain = new Map<string, RawChain>();
    for (const c of chains) {
      const t = byTable.get(key(c.family, c.attrs.table));
      if (!t) continue;
      const rc: RawChain = { ...c, rules: [] };
      t.chains.push(rc);
      byChain.set(`${key(c.family, c.attrs.table)}\0${c.attrs.name}`, rc);
    }
    for (const r of rules) {
      byChain.get(`${key(r.family, r.attrs.table)}\0${r.attrs.chain}`)?.rules.push({ ...r, exprs: exprList(r.attrs.expressions) });
    }
    for (const o of objs) byTable.get(key(o.family, o.attrs.table))?.objects.push({ ...o, data: objectData(o.attrs) });
    for (const f of fts) byTable.get(key(f.family, f.attrs.table))?.flowtables.push(f.attrs);
    for (const s of sets) {
      const t = byTable.get(key(s.family, s.attrs.table));
      if (!t) continue;
      const msg = request(NFT_MSG_GETSETELEM, familyNumber(s.family), (w) => {
        w.attrString(NFTA_SET_ELEM_LIST_TABLE, s.attrs.table);
        w.attrString(NFTA_SET_ELEM_LIST_SET, s.attrs.name);
      });
      const elements: Rec[] = [];
      for (const m of await dump(socket, msg, NFT_MSG_NEWSETELEM, `list elements ${s.family} ${s.attrs.table} ${s.attrs.name}`)) {
        const d = decodeMessage(m, 'setelem-list-attrs').attrs;
        for (const e of (d.elements?.elem ?? []) as Rec[]) elements.push(e);
      }
      t.sets.push({ ...s, elements });
    }
    const after = await getGeneration(socket);
    if (before === after) return { generation: after, tables: [...byTable.values()] };
    if (i + 1 >= attempts) throw new DumpInterruptedError(`list ruleset (the ruleset changed during each of ${attempts} attempts)`, tables.length + rules.length);
  }
}
