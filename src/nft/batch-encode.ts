// Encoding a batch's queued operations as one nfnetlink datagram (BATCH_BEGIN ... BATCH_END),
// apart from the builder (batch.ts) that queues them: rules written from their shape's
// template, tables, chains and sets through their encoders, elements split across as many
// messages as their 16-bit list attribute needs (batch-elements.ts).
import { MessageWriter } from '../netlink/writer.js';
import { NLM_F_ACK, NLM_F_ECHO, NLM_F_REQUEST } from '../netlink/constants.js';
import { MessageTooLargeError } from '../netlink/errors.js';
import {
  NFNL_BATCH_GENID, NFNL_MSG_BATCH_BEGIN, NFNL_MSG_BATCH_END, NFNL_SUBSYS_NFTABLES, NFPROTO_UNSPEC,
  NFT_MSG_DELRULE, NFT_MSG_NEWCHAIN, NFT_MSG_NEWRULE, NFT_MSG_NEWSET, NFT_MSG_NEWTABLE,
} from './constants.js';
import { beginNftMessage, nftType, type Family } from './codec.js';
import { encodeTable, encodeTableRef, type Table } from './table.js';
import { encodeChain, encodeChainRef, type Chain } from './chain.js';
import { encodeRuleRef, type Rule } from './rule.js';
import { RuleEncoder } from './rule-encoder.js';
import { encodeSet, encodeSetRef, type NftSet, type SetKeyType } from './set.js';
import { writeElementMessages } from './batch-elements.js';
import type { Expression } from './expr/index.js';
import { attributeName } from './describe.js';
import type { BatchLayout, ChainRef, ElementsInput, EncodeOptions, Op, RuleRef, SetRef, TableRef } from './batch-types.js';

/**
 * The operations as one datagram (a view of the writer's buffer) and each message's sequence
 * number and byte range in typed arrays. NftBatch.encode() builds its message objects from
 * this; commitBatch() uses it as is: 10,000 message objects and subarray views were a good
 * part of a big commit's garbage.
 */
export function encodeOperations(ops: readonly Op[], options: EncodeOptions = {}): BatchLayout {
  const ack = options.ack ?? false;
  // No closure of our own for sequence numbers: a new function per call made the optimized
  // encoder bail out ("wrong call target") on every further batch.
  let next = options.seq ?? 0;
  const take = options.nextSeq;
  const n = ops.length;
  const w = new MessageWriter(256 + n * 256 + (encodedSizeHint(ops) - 64 - n * 384));
  const keyTypes = setTypes(ops, options.keyTypes ?? new Map());
  // NFTA_SET_ID: sets created in this batch are numbered from 1, as nft does; elements and
  // lookups of the same batch name them by id too, so the kernel finds a set that is not
  // committed yet even when it shares a name with one being deleted in the same batch.
  const setIds = new Map<string, number>();
  let setId = 0;

  // Element values become key bytes while they are written (batch-elements.ts): a value that
  // does not fit its set's type is a ValidationError thrown here, before anything is sent.

  const beginSeq = take ? take() : next++;
  const b = beginNftMessage(w, NFNL_MSG_BATCH_BEGIN, NLM_F_REQUEST, NFPROTO_UNSPEC, beginSeq, NFNL_SUBSYS_NFTABLES);
  if (options.generation !== undefined) w.attrBe32(NFNL_BATCH_GENID, options.generation);
  w.end(b);

  // One message per operation, except elements: those split over as many messages as their
  // 16-bit list attribute needs, so messages are numbered apart from operations.
  let seqs = new Uint32Array(n), starts = new Int32Array(n), ends = new Int32Array(n), opIndex = new Int32Array(n);
  let firstElement = new Int32Array(n);
  let count = 0;
  const grow = (): void => {
    const cap = seqs.length * 2 + 16;
    const g = <T extends Uint32Array | Int32Array>(a: T, b: T): T => { b.set(a); return b; };
    seqs = g(seqs, new Uint32Array(cap)); starts = g(starts, new Int32Array(cap)); ends = g(ends, new Int32Array(cap));
    opIndex = g(opIndex, new Int32Array(cap)); firstElement = g(firstElement, new Int32Array(cap));
  };
  const record = (seq: number, start: number, end: number, op: number, first: number): void => {
    if (count === seqs.length) grow();
    seqs[count] = seq; starts[count] = start; ends[count] = end; opIndex[count] = op; firstElement[count] = first;
    count++;
  };
  const nextSeq = (): number => (take ? take() : next++);
  for (let i = 0; i < n; i++) {
    try {
      encodeOperation(ops[i]!, w, i, nextSeq, record, ack, options.echo ?? false, keyTypes, setIds, () => ++setId);
    } catch (err) {
      // The writer knows only the attribute's number: name it, and the operation, for the user.
      if (err instanceof MessageTooLargeError && err.operation === undefined) {
        const op = ops[i]!;
        const attr = typeof err.attribute === 'number' ? attributeName(ATTR_PREFIX[op.object] ?? 'NFTA_', err.attribute) : err.attribute;
        throw new MessageTooLargeError(attr, err.size, err.limit, op.description);
      }
      throw err;
    }
  }

  const endSeq = take ? take() : next++;
  const e = beginNftMessage(w, NFNL_MSG_BATCH_END, NLM_F_REQUEST, NFPROTO_UNSPEC, endSeq, NFNL_SUBSYS_NFTABLES);
  w.end(e);
  return {
    bytes: w.bytes(), beginSeq, endSeq, seqs: seqs.subarray(0, count), starts: starts.subarray(0, count), ends: ends.subarray(0, count),
    opIndex: opIndex.subarray(0, count), firstElement: firstElement.subarray(0, count),
  };
}

/** Write operation i as its message(s). */
function encodeOperation(
  op: Op, w: MessageWriter, i: number, nextSeq: () => number, record: (seq: number, start: number, end: number, op: number, first: number) => void,
  ack: boolean, echoAll: boolean, keyTypes: Map<string, SetKeyType | number>, setIds: Map<string, number>, newSetId: () => number,
): void {
  const rules = RULE_ENCODER;
  const seq = nextSeq();
  {
    const echo = echoAll && NEW_MESSAGES.has(op.msg) ? NLM_F_ECHO : 0;
    const flags = NLM_F_REQUEST | (ack ? NLM_F_ACK : 0) | echo | op.flags;
    if (op.msg === NFT_MSG_NEWRULE && op.object === 'rule') {
      // Most of a big batch: a plain rule is written whole, header and all, from its shape's template.
      let r = op.input as Rule;
      if (r.handle !== undefined && op.verb !== 'replace') r = { ...r, handle: undefined };
      w.align();
      const at = w.pos;
      if (rules.message(w, r, withSetIds(r, setIds), nftType(op.msg), flags, op.family, seq)) {
        record(seq, at, w.pos, i, 0);
        return;
      }
    }
    if (op.object === 'element') {
      // Sequence numbers for the element messages come as they are needed (one per ~4,000 keys).
      const e = op.input as ElementsInput;
      const key = setKey(e.family, e.table, e.set);
      let pending: number | undefined = seq;
      writeElementMessages(w, {
        type: nftType(op.msg), flags, family: op.family, table: e.table, set: e.set, setId: setIds.get(key),
        keyType: e.keyType ?? keyTypes.get(key), description: op.description,
      }, e.elements, () => { if (pending !== undefined) { const s = pending; pending = undefined; return s; } return nextSeq(); },
      (s, start, end, first) => record(s, start, end, i, first));
      return;
    }
    const start = beginNftMessage(w, nftType(op.msg), flags, op.family, seq);
    switch (op.object) {
      case 'table':
        if (op.msg === NFT_MSG_NEWTABLE) encodeTable(w, op.input as Table);
        else if (op.msg === NFT_MSG_DELRULE) encodeRuleRef(w, { table: (op.input as Table).name });
        else encodeTableRef(w, op.input as TableRef);
        break;
      case 'ruleset':
        break;
      case 'chain':
        if (op.msg === NFT_MSG_NEWCHAIN) encodeChain(w, op.input as Chain);
        else if (op.msg === NFT_MSG_DELRULE) { const c = op.input as Chain; encodeRuleRef(w, { table: c.table, chain: c.name }); }
        else encodeChainRef(w, op.input as ChainRef);
        break;
      case 'rule':
        if (op.msg === NFT_MSG_NEWRULE) {
          let r = op.input as Rule;
          // A rule copied from a listing carries its old handle; only replace may send one
          // (the kernel refuses a handle on add with EOPNOTSUPP).
          if (r.handle !== undefined && op.verb !== 'replace') r = { ...r, handle: undefined };
          rules.encode(w, r, withSetIds(r, setIds));
        } else encodeRuleRef(w, op.input as RuleRef);
        break;
      case 'set':
        if (op.msg === NFT_MSG_NEWSET) {
          const s = op.input as NftSet;
          const id = s.id ?? newSetId();
          setIds.set(setKey(s.family, s.table, s.name), id);
          encodeSet(w, { ...s, id });
        } else encodeSetRef(w, op.input as SetRef);
        break;
    }
    w.end(start);
    record(seq, start, w.pos, i, 0);
  }
}

/** Key types of the sets the operations create, over `extra` (keyed by setKey). */
export function setTypes(ops: readonly Op[], extra: Map<string, SetKeyType | number>): Map<string, SetKeyType | number> {
  const m = new Map(extra);
  for (const op of ops) {
    if (op.object === 'set' && (op.verb === 'add' || op.verb === 'create')) {
      const s = op.input as NftSet;
      m.set(setKey(s.family, s.table, s.name), s.keyType);
    }
  }
  return m;
}

/** A rough size of the encoded batch, to size socket buffers before encoding. */
export function encodedSizeHint(ops: readonly Op[]): number {
  let elements = 0;
  for (const op of ops) {
    if (op.object !== 'element') continue;
    const list = (op.input as ElementsInput).elements;
    if (Array.isArray(list)) elements += list.length;
  }
  return 64 + ops.length * 384 + elements * 32;
}

// One encoder (and shape cache) for every batch of the process: its bytes depend only on the
// shapes, and one instance keeps call targets stable for the optimizing compiler (a new one per
// batch deoptimized encodeLayout on the second commit).
const RULE_ENCODER = new RuleEncoder();

/** Attribute constant prefix of each object's messages, to name an attribute that is too large. */
const ATTR_PREFIX: Partial<Record<string, string>> = {
  table: 'NFTA_TABLE_', chain: 'NFTA_CHAIN_', rule: 'NFTA_RULE_', set: 'NFTA_SET_', element: 'NFTA_SET_ELEM_LIST_',
};

const NEW_MESSAGES = new Set([NFT_MSG_NEWTABLE, NFT_MSG_NEWCHAIN, NFT_MSG_NEWRULE, NFT_MSG_NEWSET]);

/** The key sets are known by within one batch (set ids, key types). */
export function setKey(family: Family, table: string, set: string): string {
  return `${family}\0${table}\0${set}`;
}

/** The rule's expressions with setId filled into lookups of sets created earlier in the batch. */
function withSetIds(r: Rule, setIds: Map<string, number>): readonly Expression[] {
  if (!setIds.size) return r.expressions;
  return r.expressions.map((e) => {
    if (e.type !== 'lookup' || e.setId !== undefined) return e;
    const id = setIds.get(setKey(r.family, r.table, e.set));
    return id === undefined ? e : { ...e, setId: id };
  });
}
