// The transaction builder: operations collected in order, encoded as one nfnetlink batch
// (BATCH_BEGIN ... BATCH_END in one datagram) and committed all or nothing. Every message
// carries its own sequence number, so a failure names the exact operation ("add rule ip nat
// postrouting") with the kernel's errno and text. As with `nft -f`, no message asks for an
// ACK (the kernel answers a failing message of a batch anyway) unless echo wants replies.
import { MessageWriter } from '../netlink/writer.js';
import {
  NLM_F_ACK, NLM_F_APPEND, NLM_F_CREATE, NLM_F_ECHO, NLM_F_EXCL, NLM_F_REPLACE, NLM_F_REQUEST,
} from '../netlink/constants.js';
import { MessageTooLargeError, ValidationError } from '../netlink/errors.js';
import type { NetlinkSocket } from '../netlink/socket.js';
import {
  NFNL_BATCH_GENID, NFNL_MSG_BATCH_BEGIN, NFNL_MSG_BATCH_END, NFNL_SUBSYS_NFTABLES, NFPROTO_UNSPEC,
  NFT_MSG_DELCHAIN, NFT_MSG_DELRULE, NFT_MSG_DELSET, NFT_MSG_DELSETELEM, NFT_MSG_DELTABLE,
  NFT_MSG_DESTROYCHAIN, NFT_MSG_DESTROYRULE, NFT_MSG_DESTROYSET, NFT_MSG_DESTROYSETELEM,
  NFT_MSG_DESTROYTABLE, NFT_MSG_NEWCHAIN, NFT_MSG_NEWRULE, NFT_MSG_NEWSET, NFT_MSG_NEWSETELEM,
  NFT_MSG_NEWTABLE,
} from './constants.js';
import { beginNftMessage, familyNumber, nftType, type Family } from './codec.js';
import { encodeTable, encodeTableRef, type Table } from './table.js';
import { encodeChain, encodeChainRef, type Chain } from './chain.js';
import { encodeRuleRef, type Rule } from './rule.js';
import { RuleEncoder } from './rule-encoder.js';
import { encodeSet, encodeSetRef, type NftSet, type SetKeyType } from './set.js';
import type { ElementValue, SetElement } from './set-element.js';
import { toSetElement, writeElementMessages } from './batch-elements.js';
import { quickCheck } from './batch-quickcheck.js';
import type { Expression } from './expr/index.js';
import { attributeName, type ObjectKind } from './describe.js';
import { commitBatch, type CommitOptions, type CommitResult } from './batch-commit.js';
import type { BatchLayout, EncodeOptions, EncodedBatch, EncodedMessage } from './batch-types.js';

export * from './batch-commit.js';

export type Verb = 'add' | 'create' | 'insert' | 'replace' | 'delete' | 'destroy' | 'flush';

export interface TableRef { family: Family; name?: string; handle?: number }
export interface ChainRef { family: Family; table: string; name?: string; handle?: number }
export interface RuleRef { family: Family; table: string; chain?: string; handle: number }
export interface SetRef { family: Family; table: string; name?: string; handle?: number }

/** Elements given as values of the set's type ('192.0.2.1', 22) or as raw SetElement objects. */
export interface ElementsInput {
  family: Family;
  table: string;
  set: string;
  /**
   * Any number: an array, or any iterable (a generator), which is read once, while the batch
   * is encoded, and never held whole. Split across as many messages as needed.
   */
  elements: Iterable<ElementValue | SetElement>;
  /** Key type of the set when it is neither created in this batch nor to be looked up (commit() asks the kernel). */
  keyType?: SetKeyType;
}

/** One queued operation: what the user asked for, and how it goes on the wire. */
export interface BatchOperation {
  verb: Verb;
  object: ObjectKind | 'ruleset';
  /** "add rule ip nat postrouting": names the operation in errors. */
  description: string;
  /** The input as given (validated by validate(), encoded by encode()). */
  input: unknown;
}

interface Op extends BatchOperation {
  msg: number;
  flags: number;
  family: number;
}

const RAW_ELEMENT = (v: ElementValue | SetElement): v is SetElement => typeof v === 'object' && v !== null && 'key' in v;

/**
 * A transaction. Methods queue operations and return `this`; nothing is sent until
 * `commit()` (or `Nftables.commit(batch)`). `encode()` gives the exact datagram.
 */
export class NftBatch {
  private readonly ops: Op[] = [];

  get length(): number {
    return this.ops.length;
  }

  /** The queued operations, in order. */
  operations(): readonly BatchOperation[] {
    return this.ops;
  }

  private push(op: Op): this {
    this.ops.push(op);
    return this;
  }

  // ---- tables ----

  /** `nft add table`: creates the table, or leaves an existing one as it is. */
  addTable(t: Table): this {
    inputObject(t, 'table');
    return this.push({ verb: 'add', object: 'table', description: `add table ${t.family} ${t.name}`, input: t, msg: NFT_MSG_NEWTABLE, flags: 0, family: fam(t.family, 'table.family') });
  }
  /** `nft create table`: fails with EEXIST when the table exists. */
  createTable(t: Table): this {
    inputObject(t, 'table');
    return this.push({ verb: 'create', object: 'table', description: `create table ${t.family} ${t.name}`, input: t, msg: NFT_MSG_NEWTABLE, flags: NLM_F_EXCL, family: fam(t.family, 'table.family') });
  }
  /** Delete a table and everything in it; ENOENT when missing. */
  deleteTable(t: TableRef): this {
    inputObject(t, 'table');
    return this.push({ verb: 'delete', object: 'table', description: `delete table ${t.family} ${t.name ?? `handle ${t.handle}`}`, input: t, msg: NFT_MSG_DELTABLE, flags: 0, family: fam(t.family, 'table.family') });
  }
  /** Delete a table if it exists (NFT_MSG_DESTROYTABLE, kernel 6.3+). */
  destroyTable(t: TableRef): this {
    inputObject(t, 'table');
    return this.push({ verb: 'destroy', object: 'table', description: `destroy table ${t.family} ${t.name ?? `handle ${t.handle}`}`, input: t, msg: NFT_MSG_DESTROYTABLE, flags: 0, family: fam(t.family, 'table.family') });
  }
  /** Delete every rule in every chain of a table (`nft flush table`). */
  flushTable(t: { family: Family; name: string }): this {
    inputObject(t, 'table');
    return this.push({ verb: 'flush', object: 'table', description: `flush table ${t.family} ${t.name}`, input: t, msg: NFT_MSG_DELRULE, flags: 0, family: fam(t.family, 'table.family') });
  }
  /** Delete all tables (of one family, or all families): `nft flush ruleset`. */
  flushRuleset(family?: Family): this {
    return this.push({ verb: 'flush', object: 'ruleset', description: `flush ruleset${family ? ` ${family}` : ''}`, input: { family }, msg: NFT_MSG_DELTABLE, flags: 0, family: family ? fam(family, 'ruleset.family') : NFPROTO_UNSPEC });
  }

  // ---- chains ----

  addChain(c: Chain): this {
    inputObject(c, 'chain');
    return this.push({ verb: 'add', object: 'chain', description: `add chain ${c.family} ${c.table} ${c.name}`, input: c, msg: NFT_MSG_NEWCHAIN, flags: NLM_F_CREATE, family: fam(c.family, 'chain.family') });
  }
  createChain(c: Chain): this {
    inputObject(c, 'chain');
    return this.push({ verb: 'create', object: 'chain', description: `create chain ${c.family} ${c.table} ${c.name}`, input: c, msg: NFT_MSG_NEWCHAIN, flags: NLM_F_CREATE | NLM_F_EXCL, family: fam(c.family, 'chain.family') });
  }
  /** Delete a chain; the kernel refuses (EBUSY) while it has rules or is jumped to. */
  deleteChain(c: ChainRef): this {
    inputObject(c, 'chain');
    return this.push({ verb: 'delete', object: 'chain', description: `delete chain ${c.family} ${c.table} ${c.name ?? `handle ${c.handle}`}`, input: c, msg: NFT_MSG_DELCHAIN, flags: 0, family: fam(c.family, 'chain.family') });
  }
  destroyChain(c: ChainRef): this {
    inputObject(c, 'chain');
    return this.push({ verb: 'destroy', object: 'chain', description: `destroy chain ${c.family} ${c.table} ${c.name ?? `handle ${c.handle}`}`, input: c, msg: NFT_MSG_DESTROYCHAIN, flags: 0, family: fam(c.family, 'chain.family') });
  }
  /** Delete every rule of a chain (`nft flush chain`). */
  flushChain(c: { family: Family; table: string; name: string }): this {
    inputObject(c, 'chain');
    return this.push({ verb: 'flush', object: 'chain', description: `flush chain ${c.family} ${c.table} ${c.name}`, input: c, msg: NFT_MSG_DELRULE, flags: 0, family: fam(c.family, 'chain.family') });
  }

  // ---- rules ----

  /** Append a rule (after `position`, a rule handle, when given). */
  addRule(r: Rule): this {
    inputObject(r, 'rule');
    return this.push({ verb: 'add', object: 'rule', description: this.ruleDescription(r), input: r, msg: NFT_MSG_NEWRULE, flags: NLM_F_CREATE | NLM_F_APPEND, family: fam(r.family, 'rule.family') });
  }

  // Consecutive rules of one chain share one description string (10,000 of them in a big batch).
  private lastRule: { family: unknown; table: unknown; chain: unknown; text: string } | undefined;
  private ruleDescription(r: Rule): string {
    const l = this.lastRule;
    if (l && l.family === r.family && l.table === r.table && l.chain === r.chain) return l.text;
    const text = `add rule ${r.family} ${r.table} ${r.chain}`;
    this.lastRule = { family: r.family, table: r.table, chain: r.chain, text };
    return text;
  }
  /** Prepend a rule (before `position`, a rule handle, when given). */
  insertRule(r: Rule): this {
    inputObject(r, 'rule');
    return this.push({ verb: 'insert', object: 'rule', description: `insert rule ${r.family} ${r.table} ${r.chain}`, input: r, msg: NFT_MSG_NEWRULE, flags: NLM_F_CREATE, family: fam(r.family, 'rule.family') });
  }
  /** Replace the rule with handle `r.handle`. */
  replaceRule(r: Rule & { handle: number }): this {
    inputObject(r, 'rule');
    return this.push({ verb: 'replace', object: 'rule', description: `replace rule ${r.family} ${r.table} ${r.chain} handle ${r.handle}`, input: r, msg: NFT_MSG_NEWRULE, flags: NLM_F_REPLACE, family: fam(r.family, 'rule.family') });
  }
  deleteRule(r: RuleRef): this {
    inputObject(r, 'rule');
    return this.push({ verb: 'delete', object: 'rule', description: `delete rule ${r.family} ${r.table} ${r.chain ?? ''} handle ${r.handle}`.replace('  ', ' '), input: r, msg: NFT_MSG_DELRULE, flags: 0, family: fam(r.family, 'rule.family') });
  }
  destroyRule(r: RuleRef): this {
    inputObject(r, 'rule');
    return this.push({ verb: 'destroy', object: 'rule', description: `destroy rule ${r.family} ${r.table} ${r.chain ?? ''} handle ${r.handle}`.replace('  ', ' '), input: r, msg: NFT_MSG_DESTROYRULE, flags: 0, family: fam(r.family, 'rule.family') });
  }

  // ---- sets and elements ----

  /** Add a set (and, in the same transaction, its first elements). */
  addSet(s: NftSet, elements?: (ElementValue | SetElement)[]): this {
    inputObject(s, 'set');
    this.push({ verb: 'add', object: 'set', description: `add set ${s.family} ${s.table} ${s.name}`, input: s, msg: NFT_MSG_NEWSET, flags: NLM_F_CREATE, family: fam(s.family, 'set.family') });
    if (elements?.length) this.addElements({ family: s.family, table: s.table, set: s.name, elements });
    return this;
  }
  createSet(s: NftSet, elements?: (ElementValue | SetElement)[]): this {
    inputObject(s, 'set');
    this.push({ verb: 'create', object: 'set', description: `create set ${s.family} ${s.table} ${s.name}`, input: s, msg: NFT_MSG_NEWSET, flags: NLM_F_CREATE | NLM_F_EXCL, family: fam(s.family, 'set.family') });
    if (elements?.length) this.addElements({ family: s.family, table: s.table, set: s.name, elements });
    return this;
  }
  deleteSet(s: SetRef): this {
    inputObject(s, 'set');
    return this.push({ verb: 'delete', object: 'set', description: `delete set ${s.family} ${s.table} ${s.name ?? `handle ${s.handle}`}`, input: s, msg: NFT_MSG_DELSET, flags: 0, family: fam(s.family, 'set.family') });
  }
  destroySet(s: SetRef): this {
    inputObject(s, 'set');
    return this.push({ verb: 'destroy', object: 'set', description: `destroy set ${s.family} ${s.table} ${s.name ?? `handle ${s.handle}`}`, input: s, msg: NFT_MSG_DESTROYSET, flags: 0, family: fam(s.family, 'set.family') });
  }
  /** Remove all elements of a set. */
  flushSet(s: { family: Family; table: string; name: string }): this {
    inputObject(s, 'set');
    return this.push({ verb: 'flush', object: 'element', description: `flush set ${s.family} ${s.table} ${s.name}`, input: { family: s.family, table: s.table, set: s.name, elements: [] }, msg: NFT_MSG_DELSETELEM, flags: 0, family: fam(s.family, 'set.family') });
  }
  addElements(e: ElementsInput): this {
    inputObject(e, 'elements');
    return this.push({ verb: 'add', object: 'element', description: `add element ${e.family} ${e.table} ${e.set}`, input: e, msg: NFT_MSG_NEWSETELEM, flags: NLM_F_CREATE, family: fam(e.family, 'elements.family') });
  }
  /** Like addElements, but EEXIST when an element is already there. */
  createElements(e: ElementsInput): this {
    inputObject(e, 'elements');
    return this.push({ verb: 'create', object: 'element', description: `create element ${e.family} ${e.table} ${e.set}`, input: e, msg: NFT_MSG_NEWSETELEM, flags: NLM_F_CREATE | NLM_F_EXCL, family: fam(e.family, 'elements.family') });
  }
  deleteElements(e: ElementsInput): this {
    inputObject(e, 'elements');
    return this.push({ verb: 'delete', object: 'element', description: `delete element ${e.family} ${e.table} ${e.set}`, input: e, msg: NFT_MSG_DELSETELEM, flags: 0, family: fam(e.family, 'elements.family') });
  }
  destroyElements(e: ElementsInput): this {
    inputObject(e, 'elements');
    return this.push({ verb: 'destroy', object: 'element', description: `destroy element ${e.family} ${e.table} ${e.set}`, input: e, msg: NFT_MSG_DESTROYSETELEM, flags: 0, family: fam(e.family, 'elements.family') });
  }

  // ---- validation and encoding ----

  /**
   * Check every queued input; throws ValidationError naming the field. The schemas (and zod)
   * load on the first validate(), so reading the ruleset never pays for them.
   */
  async validate(): Promise<void> {
    // Plain batches (the big ones: rules, a set and its elements) pass the quick check and
    // never load zod; anything else is checked by the schemas, which name the field.
    let all = true;
    for (const op of this.ops) if (!quickCheck(op)) { all = false; break; }
    if (all) return;
    const { validateOperation } = await import('./schemas.js');
    this.ops.forEach((op, i) => validateOperation(op, i));
  }

  /**
   * Element key types this batch needs but cannot know by itself (sets neither created here
   * nor given a keyType): commit() asks the kernel for them.
   */
  unresolvedSets(): { family: Family; table: string; set: string }[] {
    const known = this.setTypes(new Map());
    const out: { family: Family; table: string; set: string }[] = [];
    for (const op of this.ops) {
      if (op.object !== 'element') continue;
      const e = op.input as ElementsInput;
      if (e.keyType || (Array.isArray(e.elements) && e.elements.every(RAW_ELEMENT))) continue;
      if (!known.has(setKey(e.family, e.table, e.set))) out.push({ family: e.family, table: e.table, set: e.set });
    }
    return out;
  }

  private setTypes(extra: Map<string, SetKeyType | number>): Map<string, SetKeyType | number> {
    const m = new Map(extra);
    for (const op of this.ops) {
      if (op.object === 'set' && (op.verb === 'add' || op.verb === 'create')) {
        const s = op.input as NftSet;
        m.set(setKey(s.family, s.table, s.name), s.keyType);
      }
    }
    return m;
  }

  /**
   * The batch as one datagram. Sequence numbers: BATCH_BEGIN gets `seq`, the operations
   * seq+1..., BATCH_END the last (or use `seqs` to take them from a socket). With ack: false
   * and seq: 0 the bytes are what `nft -f` sends for the same objects.
   */
  encode(options: EncodeOptions = {}): EncodedBatch {
    const e = this.encodeLayout(options);
    const bytes = e.bytes.slice();
    const messages: EncodedMessage[] = [];
    for (let i = 0; i < e.seqs.length; i++) {
      const start = e.starts[i]!, end = e.ends[i]!;
      messages.push({ seq: e.seqs[i]!, start, end, operation: this.ops[e.opIndex[i]!]!, operationIndex: e.opIndex[i]!, firstElement: e.firstElement[i]!, bytes: bytes.subarray(start, end) });
    }
    return { bytes, beginSeq: e.beginSeq, endSeq: e.endSeq, messages };
  }

  /**
   * encode() without the per-message objects: the datagram (a view of the writer's buffer)
   * and each operation's sequence number and byte range in typed arrays. commitBatch() uses
   * this: 10,000 message objects and subarray views were a good part of a big commit's garbage.
   * @internal
   */
  encodeLayout(options: EncodeOptions = {}): BatchLayout {
    const ack = options.ack ?? false;
    // No closure of our own for sequence numbers: a new function per call made the optimized
    // encoder bail out ("wrong call target") on every further batch.
    let next = options.seq ?? 0;
    const take = options.nextSeq;
    const n = this.ops.length;
    const w = new MessageWriter(256 + n * 256 + (this.encodedSizeHint() - 64 - n * 384));
    const keyTypes = this.setTypes(options.keyTypes ?? new Map());
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
        this.encodeOperation(w, i, nextSeq, record, ack, options.echo ?? false, keyTypes, setIds, () => ++setId);
      } catch (err) {
        // The writer knows only the attribute's number: name it, and the operation, for the user.
        if (err instanceof MessageTooLargeError && err.operation === undefined) {
          const op = this.ops[i]!;
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
  private encodeOperation(
    w: MessageWriter, i: number, nextSeq: () => number, record: (seq: number, start: number, end: number, op: number, first: number) => void,
    ack: boolean, echoAll: boolean, keyTypes: Map<string, SetKeyType | number>, setIds: Map<string, number>, newSetId: () => number,
  ): void {
    const rules = RULE_ENCODER;
    const op = this.ops[i]!;
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

  /**
   * Convert every element value given as an array to key bytes, throwing ValidationError for
   * one that does not fit its set. (Iterables are checked as they are encoded: read once.)
   */
  checkElements(keyTypes: Map<string, SetKeyType | number> = new Map()): void {
    const types = this.setTypes(keyTypes);
    for (const op of this.ops) {
      if (op.object !== 'element') continue;
      const e = op.input as ElementsInput;
      if (!Array.isArray(e.elements)) continue;
      const type = e.keyType ?? types.get(setKey(e.family, e.table, e.set));
      e.elements.forEach((v, i) => toSetElement(v, type, `${op.description}: element ${i + 1}`));
    }
  }

  /** A rough size of the encoded batch, to size socket buffers before encoding. */
  encodedSizeHint(): number {
    let elements = 0;
    for (const op of this.ops) {
      if (op.object !== 'element') continue;
      const list = (op.input as ElementsInput).elements;
      if (Array.isArray(list)) elements += list.length;
    }
    return 64 + this.ops.length * 384 + elements * 32;
  }

  /** Messages the batch holds besides BATCH_BEGIN/END, when known before encoding (arrays of elements: ~4,000 per message). */
  messageCountHint(): number {
    let extra = 0;
    for (const op of this.ops) {
      if (op.object !== 'element') continue;
      const list = (op.input as ElementsInput).elements;
      if (Array.isArray(list)) extra += Math.floor(list.length / 2000);
    }
    return this.ops.length + extra;
  }

  /** Commit on a NETLINK_NETFILTER socket (see commitBatch). */
  commit(socket: NetlinkSocket, options: CommitOptions = {}): Promise<CommitResult> {
    return commitBatch(socket, this, options);
  }
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

/** Builder methods read their argument's fields at once: anything but an object is bad input. */
function inputObject(v: unknown, field: string): void {
  if (v === null || typeof v !== 'object') throw new ValidationError(field, `expected an object, got ${v === null ? 'null' : typeof v}`);
}

function fam(f: Family, field: string): number {
  // Refused when queued, so a typo never reaches encode() or the kernel.
  try {
    return familyNumber(f);
  } catch (err) {
    if (!(err instanceof ValidationError)) throw err;
    throw new ValidationError(field, `unknown family ${JSON.stringify(f)}: one of ip, ip6, inet, arp, bridge, netdev`);
  }
}

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

export type { EncodeOptions, EncodedMessage, EncodedBatch, BatchLayout } from './batch-types.js';
