// The transaction builder: operations collected in order, encoded as one nfnetlink batch
// (BATCH_BEGIN ... BATCH_END in one datagram) and committed all or nothing. Every message
// carries its own sequence number, so a failure names the exact operation ("add rule ip nat
// postrouting") with the kernel's errno and text. As with `nft -f`, no message asks for an
// ACK (the kernel answers a failing message of a batch anyway) unless echo wants replies.
//
// This file queues (the builder methods, one per nft verb and object); batch-encode.ts writes
// the datagram, batch-elements.ts the element lists, batch-commit.ts sends and reads answers.
import { NLM_F_APPEND, NLM_F_CREATE, NLM_F_EXCL, NLM_F_REPLACE } from '../netlink/constants.js';
import { ValidationError } from '../netlink/errors.js';
import type { NetlinkSocket } from '../netlink/socket.js';
import {
  NFPROTO_UNSPEC, NFT_MSG_DELCHAIN, NFT_MSG_DELRULE, NFT_MSG_DELSET, NFT_MSG_DELSETELEM, NFT_MSG_DELTABLE,
  NFT_MSG_DESTROYCHAIN, NFT_MSG_DESTROYRULE, NFT_MSG_DESTROYSET, NFT_MSG_DESTROYSETELEM,
  NFT_MSG_DESTROYTABLE, NFT_MSG_NEWCHAIN, NFT_MSG_NEWRULE, NFT_MSG_NEWSET, NFT_MSG_NEWSETELEM,
  NFT_MSG_NEWTABLE,
} from './constants.js';
import { familyNumber, type Family } from './codec.js';
import type { Table } from './table.js';
import type { Chain } from './chain.js';
import type { Rule } from './rule.js';
import type { NftSet, SetKeyType } from './set.js';
import type { ElementValue, SetElement } from './set-element.js';
import { toSetElement } from './batch-elements.js';
import { quickCheck } from './batch-quickcheck.js';
import { encodedSizeHint, encodeOperations, setKey, setTypes } from './batch-encode.js';
import { commitBatch, type CommitOptions, type CommitResult } from './batch-commit.js';
import type {
  BatchLayout, BatchOperation, ChainRef, ElementsInput, EncodeOptions, EncodedBatch, EncodedMessage, Op, RuleRef, SetRef, TableRef,
} from './batch-types.js';

export * from './batch-commit.js';

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
    const known = setTypes(this.ops, new Map());
    const out: { family: Family; table: string; set: string }[] = [];
    for (const op of this.ops) {
      if (op.object !== 'element') continue;
      const e = op.input as ElementsInput;
      if (e.keyType || (Array.isArray(e.elements) && e.elements.every(RAW_ELEMENT))) continue;
      if (!known.has(setKey(e.family, e.table, e.set))) out.push({ family: e.family, table: e.table, set: e.set });
    }
    return out;
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
   * encode() without the per-message objects (see encodeOperations).
   * @internal
   */
  encodeLayout(options: EncodeOptions = {}): BatchLayout {
    return encodeOperations(this.ops, options);
  }

  /**
   * Convert every element value given as an array to key bytes, throwing ValidationError for
   * one that does not fit its set. (Iterables are checked as they are encoded: read once.)
   */
  checkElements(keyTypes: Map<string, SetKeyType | number> = new Map()): void {
    const types = setTypes(this.ops, keyTypes);
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
    return encodedSizeHint(this.ops);
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

export { setKey } from './batch-encode.js';
export type {
  EncodeOptions, EncodedMessage, EncodedBatch, BatchLayout, BatchOperation, ElementsInput, TableRef, ChainRef, RuleRef, SetRef, Verb,
} from './batch-types.js';
