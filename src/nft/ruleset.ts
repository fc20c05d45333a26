// Listing: tables, chains, rules (with handles), sets and their elements, decoded into typed
// objects. A whole-ruleset listing is taken between two reads of the generation counter and
// retaken if a commit slipped in between, so it is one consistent snapshot (as nft does).
import { MessageWriter } from '../netlink/writer.js';
import { NLM_F_DUMP, NLM_F_REQUEST } from '../netlink/constants.js';
import { DumpInterruptedError, NetlinkError } from '../netlink/errors.js';
import type { NetlinkSocket } from '../netlink/socket.js';
import type { MessageRef } from '../netlink/message.js';
import {
  NFTA_CHAIN_TABLE, NFTA_RULE_CHAIN, NFTA_RULE_TABLE, NFTA_SET_ELEM_LIST_SET, NFTA_SET_ELEM_LIST_TABLE,
  NFTA_SET_NAME, NFTA_SET_TABLE, NFT_MSG_GETCHAIN, NFT_MSG_GETRULE, NFT_MSG_GETSET, NFT_MSG_GETSETELEM, NFT_MSG_GETTABLE,
  NFT_MSG_NEWCHAIN, NFT_MSG_NEWRULE, NFT_MSG_NEWSET, NFT_MSG_NEWSETELEM, NFT_MSG_NEWTABLE, NFTA_TABLE_NAME,
} from './constants.js';
import { beginNftMessage, familyNumber, nftType, NFGENMSG_LEN, type Family } from './codec.js';
import { decodeTable, type Table } from './table.js';
import { decodeChain, type Chain } from './chain.js';
import { decodeRule, type Rule } from './rule.js';
import { decodeSet, type NftSet } from './set.js';
import { decodeElementValue, decodeSetElements, type ElementValue, type SetElement } from './set-element.js';
import { decodeGeneration, getGenerationMessage } from './generation.js';

export interface ListOptions {
  family?: Family;
  table?: string;
}

function request(msg: number, flags: number, family: Family | undefined, attrs?: (w: MessageWriter) => void): Uint8Array {
  const w = new MessageWriter(128);
  const start = beginNftMessage(w, nftType(msg), NLM_F_REQUEST | flags, familyNumber(family), 0);
  attrs?.(w);
  w.end(start);
  return w.copy();
}

async function dump<T>(socket: NetlinkSocket, message: Uint8Array, type: number, operation: string, decode: (m: MessageRef) => T): Promise<T[]> {
  const msgs = await socket.dumpAll(message, { operation, headerSize: NFGENMSG_LEN, retries: 3 });
  const out: T[] = [];
  for (const m of msgs) if (m.type === nftType(type)) out.push(decode(m));
  return out;
}

const where = (o: ListOptions): string => `${o.family ?? ''}${o.table ? ` ${o.table}` : ''}`.trim();

export function listTables(socket: NetlinkSocket, options: ListOptions = {}): Promise<Table[]> {
  const msg = request(NFT_MSG_GETTABLE, NLM_F_DUMP, options.family);
  return dump(socket, msg, NFT_MSG_NEWTABLE, `list tables ${where(options)}`.trim(), decodeTable)
    .then((ts) => (options.table ? ts.filter((t) => t.name === options.table) : ts));
}

export function listChains(socket: NetlinkSocket, options: ListOptions = {}): Promise<Chain[]> {
  const msg = request(NFT_MSG_GETCHAIN, NLM_F_DUMP, options.family, (w) => {
    if (options.table !== undefined) w.attrString(NFTA_CHAIN_TABLE, options.table);
  });
  return dump(socket, msg, NFT_MSG_NEWCHAIN, `list chains ${where(options)}`.trim(), decodeChain);
}

export function listRules(socket: NetlinkSocket, options: ListOptions & { chain?: string } = {}): Promise<Rule[]> {
  const msg = request(NFT_MSG_GETRULE, NLM_F_DUMP, options.family, (w) => {
    if (options.table !== undefined) w.attrString(NFTA_RULE_TABLE, options.table);
    if (options.chain !== undefined) w.attrString(NFTA_RULE_CHAIN, options.chain);
  });
  return dump(socket, msg, NFT_MSG_NEWRULE, `list rules ${where(options)}${options.chain ? ` ${options.chain}` : ''}`.trim(), decodeRule);
}

/**
 * Rules one at a time as the dump arrives, in constant memory (for very large chains).
 * Unlike getRuleset() this is not a generation-checked snapshot; NLM_F_DUMP_INTR still throws.
 */
export async function* iterateRules(socket: NetlinkSocket, options: ListOptions & { chain?: string } = {}): AsyncGenerator<Rule, void, undefined> {
  const msg = request(NFT_MSG_GETRULE, NLM_F_DUMP, options.family, (w) => {
    if (options.table !== undefined) w.attrString(NFTA_RULE_TABLE, options.table);
    if (options.chain !== undefined) w.attrString(NFTA_RULE_CHAIN, options.chain);
  });
  const operation = `list rules ${where(options)}${options.chain ? ` ${options.chain}` : ''}`.trim();
  for await (const batch of socket.dumpBatches(msg, { operation, headerSize: NFGENMSG_LEN })) {
    for (const m of batch) if (m.type === nftType(NFT_MSG_NEWRULE)) yield decodeRule(m);
  }
}

export function listSets(socket: NetlinkSocket, options: ListOptions = {}): Promise<NftSet[]> {
  const msg = request(NFT_MSG_GETSET, NLM_F_DUMP, options.family, (w) => {
    if (options.table !== undefined) w.attrString(NFTA_SET_TABLE, options.table);
  });
  return dump(socket, msg, NFT_MSG_NEWSET, `list sets ${where(options)}`.trim(), decodeSet);
}

/** One set, or undefined when it does not exist. */
export async function getSet(socket: NetlinkSocket, family: Family, table: string, name: string): Promise<NftSet | undefined> {
  const msg = request(NFT_MSG_GETSET, 0, family, (w) => {
    w.attrString(NFTA_SET_TABLE, table);
    w.attrString(NFTA_SET_NAME, name);
  });
  try {
    const replies = await socket.request(msg, { operation: `get set ${family} ${table} ${name}`, headerSize: NFGENMSG_LEN });
    const m = replies.find((r) => r.type === nftType(NFT_MSG_NEWSET));
    return m ? decodeSet(m) : undefined;
  } catch (err) {
    if (err instanceof NetlinkError && err.code === 'ENOENT') return undefined;
    throw err;
  }
}

/** One table, or undefined when it does not exist. */
export async function getTable(socket: NetlinkSocket, family: Family, name: string): Promise<Table | undefined> {
  const msg = request(NFT_MSG_GETTABLE, 0, family, (w) => w.attrString(NFTA_TABLE_NAME, name));
  try {
    const replies = await socket.request(msg, { operation: `get table ${family} ${name}`, headerSize: NFGENMSG_LEN });
    const m = replies.find((r) => r.type === nftType(NFT_MSG_NEWTABLE));
    return m ? decodeTable(m) : undefined;
  } catch (err) {
    if (err instanceof NetlinkError && err.code === 'ENOENT') return undefined;
    throw err;
  }
}

/** A set element as listed: the raw element plus its key as a value of the set's type. */
export interface ListedElement extends SetElement {
  /** '192.0.2.1', 22, ... when the set's key type is one the library knows. */
  value?: ElementValue;
}

export async function listElements(socket: NetlinkSocket, set: { family: Family; table: string; name: string; keyType?: NftSet['keyType'] }): Promise<ListedElement[]> {
  const msg = request(NFT_MSG_GETSETELEM, NLM_F_DUMP, set.family, (w) => {
    w.attrString(NFTA_SET_ELEM_LIST_TABLE, set.table);
    w.attrString(NFTA_SET_ELEM_LIST_SET, set.name);
  });
  const lists = await dump(socket, msg, NFT_MSG_NEWSETELEM, `list elements ${set.family} ${set.table} ${set.name}`, decodeSetElements);
  const out: ListedElement[] = [];
  for (const l of lists) {
    for (const e of l.elements) {
      const v = set.keyType !== undefined ? decodeElementValue(set.keyType, e.key) : undefined;
      out.push(v === undefined ? e : { ...e, value: v });
    }
  }
  return out;
}

export async function getGeneration(socket: NetlinkSocket): Promise<number> {
  return decodeGeneration(await socket.request(getGenerationMessage(), { operation: 'get nftables generation' }));
}

export interface RulesetChain extends Chain {
  /** The chain's rules in order, each with its handle. */
  rules: Rule[];
}

export interface RulesetSet extends NftSet {
  elements: ListedElement[];
}

export interface RulesetTable extends Table {
  chains: RulesetChain[];
  sets: RulesetSet[];
}

export interface Ruleset {
  /** Generation the snapshot belongs to. */
  generation: number;
  tables: RulesetTable[];
}

/**
 * The whole ruleset (or one family's, or one table's) as a consistent snapshot: read between
 * two generation reads, retried when they differ.
 */
export async function getRuleset(socket: NetlinkSocket, options: ListOptions & { attempts?: number } = {}): Promise<Ruleset> {
  const attempts = options.attempts ?? 5;
  for (let i = 0; ; i++) {
    const before = await getGeneration(socket);
    const tables = await listTables(socket, options);
    const chains = await listChains(socket, options);
    const rules = await listRules(socket, options);
    const sets = await listSets(socket, options);
    const key = (f: string, t: string): string => `${f}\0${t}`;
    const byTable = new Map<string, RulesetTable>();
    for (const t of tables) byTable.set(key(t.family, t.name), { ...t, chains: [], sets: [] });
    const byChain = new Map<string, RulesetChain>();
    for (const c of chains) {
      const t = byTable.get(key(c.family, c.table));
      if (!t) continue;
      const rc: RulesetChain = { ...c, rules: [] };
      t.chains.push(rc);
      byChain.set(`${key(c.family, c.table)}\0${c.name}`, rc);
    }
    for (const r of rules) byChain.get(`${key(r.family, r.table)}\0${r.chain}`)?.rules.push(r);
    for (const s of sets) {
      const t = byTable.get(key(s.family, s.table));
      if (!t) continue;
      t.sets.push({ ...s, elements: await listElements(socket, { family: s.family, table: s.table, name: s.name, keyType: s.keyType }) });
    }
    const after = await getGeneration(socket);
    if (before === after) return { generation: after, tables: [...byTable.values()] };
    // Never hand out a listing that mixes two generations without saying so.
    if (i + 1 >= attempts) throw new DumpInterruptedError(`list ruleset (the ruleset changed during each of ${attempts} attempts)`, tables.length + chains.length + rules.length + sets.length);
  }
}

