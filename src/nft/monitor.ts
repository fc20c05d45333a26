// nftables change events (`nft monitor`): tables, chains, rules, sets, set elements, stateful
// objects, flowtables and the generation marker that ends each committed batch, as typed
// events over the generic subscription core (src/netlink/subscription.ts), decoded with this
// layer's decoders. See docs/monitor.md.
import { NETLINK_NETFILTER, NLM_F_DUMP, NLM_F_REQUEST } from '../netlink/constants.js';
import { NetlinkError } from '../netlink/errors.js';
import type { MessageRef } from '../netlink/message.js';
import type { NetlinkSocket } from '../netlink/socket.js';
import { MessageWriter } from '../netlink/writer.js';
import {
  messageState, Subscription, type ChangeEvent, type Decoded, type DumpFunction, type SubscriptionOptions,
  type SubscriptionSource,
} from '../netlink/subscription.js';
import {
  NFNLGRP_NFTABLES, NFPROTO_UNSPEC, NFTA_CHAIN_COUNTERS, NFTA_CHAIN_USE, NFTA_FLOWTABLE_HANDLE, NFTA_FLOWTABLE_NAME,
  NFTA_FLOWTABLE_TABLE, NFTA_OBJ_HANDLE, NFTA_OBJ_NAME, NFTA_OBJ_TABLE, NFTA_OBJ_TYPE, NFTA_SET_ELEM_LIST_SET,
  NFTA_SET_ELEM_LIST_TABLE, NFTA_TABLE_USE, NFT_MSG_DELCHAIN, NFT_MSG_DELFLOWTABLE, NFT_MSG_DELOBJ, NFT_MSG_DELRULE,
  NFT_MSG_DELSET, NFT_MSG_DELSETELEM, NFT_MSG_DELTABLE, NFT_MSG_GETCHAIN, NFT_MSG_GETRULE, NFT_MSG_GETSET,
  NFT_MSG_GETSETELEM, NFT_MSG_GETTABLE, NFT_MSG_NEWCHAIN, NFT_MSG_NEWFLOWTABLE, NFT_MSG_NEWGEN, NFT_MSG_NEWOBJ,
  NFT_MSG_NEWRULE, NFT_MSG_NEWSET, NFT_MSG_NEWSETELEM, NFT_MSG_NEWTABLE, NFNL_SUBSYS_NFTABLES,
} from './constants.js';
import { beginNftMessage, familyName, familyNumber, messageAttributes, NFGENMSG_LEN, nftType, nftTypeName, type Family } from './codec.js';
import { decodeTable, type Table } from './table.js';
import { decodeChain, type Chain } from './chain.js';
import { decodeRule, type Rule } from './rule.js';
import { decodeSet, type NftSet } from './set.js';
import { decodeSetElements, type SetElement } from './set-element.js';
import { decodeGenerationMessage, type Generation } from './generation.js';

/** One set element with the set it belongs to (an element message is split into one event per element). */
export interface ElementChange {
  family: Family;
  table: string;
  set: string;
  element: SetElement;
}

/** Stateful objects and flowtables: named, not decoded further here. */
export interface NamedNftObject {
  family: Family;
  table: string;
  name: string;
  /** NFT_OBJECT_* type of a stateful object (1 counter, 2 quota, 3 ct helper, 4 limit...). */
  objectType?: number;
  handle?: number;
}

export type NftKind = 'table' | 'chain' | 'rule' | 'set' | 'element' | 'object' | 'flowtable' | 'generation';

export type TableEvent = ChangeEvent<'table', Table>;
export type ChainEvent = ChangeEvent<'chain', Chain>;
/**
 * `nft replace rule ... handle N` keeps the handle: it comes as 'deleted' then 'new' of the
 * same handle (the kernel announces it that way), in one batch.
 */
export type RuleEvent = ChangeEvent<'rule', Rule>;
export type SetEvent = ChangeEvent<'set', NftSet>;
export type ElementEvent = ChangeEvent<'element', ElementChange>;
export type ObjectEvent = ChangeEvent<'object', NamedNftObject>;
export type FlowtableEvent = ChangeEvent<'flowtable', NamedNftObject>;
/**
 * NFT_MSG_NEWGEN: a batch was committed; the events before it (since the previous one) are
 * that batch. Always type 'new'; `object.id` is the new generation.
 */
export type GenerationEvent = ChangeEvent<'generation', Generation>;
export type NftEvent = TableEvent | ChainEvent | RuleEvent | SetEvent | ElementEvent | ObjectEvent | FlowtableEvent | GenerationEvent;

export type NftMonitorOptions = SubscriptionOptions;

// nfgenmsg.res_id carries the generation (it differs between a notification and a listing of
// the same object), and use counts and chain counters move without the object changing.
const RES_ID: ReadonlyArray<readonly [number, number]> = [[2, 4]];
const TABLE_VOLATILE = new Set([NFTA_TABLE_USE]);
const CHAIN_VOLATILE = new Set([NFTA_CHAIN_USE, NFTA_CHAIN_COUNTERS]);

const hex = (b: Uint8Array | undefined): string => (b ? Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex') : '');

/** A rule's state: everything but its counters (and its position, which listings add). */
function ruleState(r: Rule): string {
  const expressions = r.expressions.map((x) => (x.type === 'counter' ? { type: 'counter' } : x));
  return JSON.stringify([r.table, r.chain, r.handle, r.comment, expressions, r.userdata], (_k, v: unknown) => (v instanceof Uint8Array ? hex(v) : v));
}

function elementState(e: SetElement): string {
  // Expiration counts down; everything else is the element's state.
  return JSON.stringify([hex(e.key), hex(e.keyEnd), hex(e.data), e.verdict ?? null, e.flags ?? 0, e.timeout ?? null, e.comment ?? null, hex(e.userdata)]);
}

function named(m: MessageRef, tableAttr: number, nameAttr: number, handleAttr: number, typeAttr?: number): NamedNftObject {
  const a = messageAttributes(m);
  const o: NamedNftObject = { family: familyName(m.buf.u8(m.payloadStart), m.payloadStart), table: a.str(tableAttr) ?? '', name: a.str(nameAttr) ?? '' };
  const t = typeAttr !== undefined ? a.be32(typeAttr) : undefined;
  if (t !== undefined) o.objectType = t;
  const h = a.be64(handleAttr);
  if (h !== undefined) o.handle = h;
  return o;
}

function decode(m: MessageRef): Decoded<NftEvent> | Decoded<NftEvent>[] | undefined {
  if (m.type >> 8 !== NFNL_SUBSYS_NFTABLES) return undefined;
  const msg = m.type & 0xff;
  switch (msg) {
    case NFT_MSG_NEWTABLE:
    case NFT_MSG_DELTABLE: {
      const object = decodeTable(m);
      const deleted = msg === NFT_MSG_DELTABLE;
      return {
        event: { type: deleted ? 'deleted' : 'new', kind: 'table', object },
        key: `table/${object.family}/${object.name}`,
        state: deleted ? undefined : messageState(m, NFGENMSG_LEN, TABLE_VOLATILE, RES_ID),
        upsert: true,
      };
    }
    case NFT_MSG_NEWCHAIN:
    case NFT_MSG_DELCHAIN: {
      const object = decodeChain(m);
      const deleted = msg === NFT_MSG_DELCHAIN;
      return {
        event: { type: deleted ? 'deleted' : 'new', kind: 'chain', object },
        key: `chain/${object.family}/${object.table}/${object.handle ?? `name:${object.name}`}`,
        state: deleted ? undefined : messageState(m, NFGENMSG_LEN, CHAIN_VOLATILE, RES_ID),
        upsert: true,
      };
    }
    case NFT_MSG_NEWRULE:
    case NFT_MSG_DELRULE: {
      const object = decodeRule(m);
      const deleted = msg === NFT_MSG_DELRULE;
      // Handles are unique within a table. A replaced rule is deleted and re-added under its
      // handle, so 'new' is right for the re-add; no upsert.
      return {
        event: { type: deleted ? 'deleted' : 'new', kind: 'rule', object },
        key: `rule/${object.family}/${object.table}/${object.handle}`,
        state: deleted ? undefined : ruleState(object),
      };
    }
    case NFT_MSG_NEWSET:
    case NFT_MSG_DELSET: {
      const object = decodeSet(m);
      return {
        event: { type: msg === NFT_MSG_DELSET ? 'deleted' : 'new', kind: 'set', object },
        key: `set/${object.family}/${object.table}/${object.handle ?? `name:${object.name}`}`,
        state: '',
        upsert: true,
      };
    }
    case NFT_MSG_NEWSETELEM:
    case NFT_MSG_DELSETELEM: {
      const list = decodeSetElements(m);
      const type = msg === NFT_MSG_DELSETELEM ? 'deleted' : 'new';
      return list.elements.map((element) => ({
        event: { type, kind: 'element', object: { family: list.family, table: list.table, set: list.set, element } },
        key: `element/${list.family}/${list.table}/${list.set}/${hex(element.key)}/${hex(element.keyEnd)}/${(element.flags ?? 0) & 1}`,
        state: type === 'deleted' ? undefined : elementState(element),
        upsert: true,
      }));
    }
    case NFT_MSG_NEWOBJ:
    case NFT_MSG_DELOBJ:
      return { event: { type: msg === NFT_MSG_DELOBJ ? 'deleted' : 'new', kind: 'object', object: named(m, NFTA_OBJ_TABLE, NFTA_OBJ_NAME, NFTA_OBJ_HANDLE, NFTA_OBJ_TYPE) } };
    case NFT_MSG_NEWFLOWTABLE:
    case NFT_MSG_DELFLOWTABLE:
      return { event: { type: msg === NFT_MSG_DELFLOWTABLE ? 'deleted' : 'new', kind: 'flowtable', object: named(m, NFTA_FLOWTABLE_TABLE, NFTA_FLOWTABLE_NAME, NFTA_FLOWTABLE_HANDLE) } };
    case NFT_MSG_NEWGEN:
      return { event: { type: 'new', kind: 'generation', object: decodeGenerationMessage(m) } };
    default:
      return undefined;
  }
}

function getRequest(msg: number, family: number, attrs?: (w: MessageWriter) => void): Uint8Array {
  const w = new MessageWriter(128);
  const start = beginNftMessage(w, nftType(msg), NLM_F_REQUEST | NLM_F_DUMP, family, 0);
  attrs?.(w);
  w.end(start);
  return w.copy();
}

function dumpOf(msg: number, operation: string): DumpFunction {
  return (socket: NetlinkSocket, signal: AbortSignal) => socket.dumpBatches(getRequest(msg, NFPROTO_UNSPEC), { operation, signal, headerSize: NFGENMSG_LEN });
}

/** Every set's elements: list the sets, then dump each one's elements. */
async function* dumpElements(socket: NetlinkSocket, signal: AbortSignal): AsyncGenerator<readonly MessageRef[], void, undefined> {
  const sets: NftSet[] = [];
  for await (const batch of socket.dumpBatches(getRequest(NFT_MSG_GETSET, NFPROTO_UNSPEC), { operation: 'list sets', signal, headerSize: NFGENMSG_LEN })) {
    for (const m of batch) if (m.type === nftType(NFT_MSG_NEWSET)) sets.push(decodeSet(m));
  }
  for (const s of sets) {
    const req = getRequest(NFT_MSG_GETSETELEM, familyNumber(s.family), (w) => {
      w.attrString(NFTA_SET_ELEM_LIST_TABLE, s.table);
      w.attrString(NFTA_SET_ELEM_LIST_SET, s.name);
    });
    try {
      yield* socket.dumpBatches(req, { operation: `list elements ${s.family} ${s.table} ${s.name}`, signal, headerSize: NFGENMSG_LEN });
    } catch (err) {
      // Deleted since it was listed: its deletion is among the changes that follow the listing.
      if (err instanceof NetlinkError && err.code === 'ENOENT') continue;
      throw err;
    }
  }
}

/** The subscription source (for callers composing their own subscription). */
export function nftMonitorSource(): SubscriptionSource<NftEvent> {
  return {
    protocol: NETLINK_NETFILTER,
    groups: [NFNLGRP_NFTABLES],
    decode,
    dumps: [
      dumpOf(NFT_MSG_GETTABLE, 'list tables'),
      dumpOf(NFT_MSG_GETCHAIN, 'list chains'),
      dumpOf(NFT_MSG_GETSET, 'list sets'),
      dumpOf(NFT_MSG_GETRULE, 'list rules'),
      dumpElements,
    ],
    name: 'nftables monitor',
    strictChecking: false,
    typeName: nftTypeName,
  };
}

/**
 * Follow nftables changes (NFNLGRP_NFTABLES) as an async iterable of typed events (plus
 * 'overrun' and 'synced'). Subscribed when it returns; `break` or the abort signal unsubscribes.
 * With listExisting, tables, chains, sets, rules and set elements are listed first (stateful
 * objects and flowtables are not listed; their changes pass through).
 */
export function monitorNft(options: NftMonitorOptions = {}): Subscription<NftEvent> {
  return new Subscription(nftMonitorSource(), options);
}
