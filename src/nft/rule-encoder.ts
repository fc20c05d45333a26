// Encoding the rules of a batch with a shape cache. A big batch repeats a few expression
// shapes thousands of times (`load 3b @ network header + 12`, `meta oifname`, `masq`), often
// with only a compared value changing. Each shape is encoded once by the ordinary codecs
// (expr/index.ts) and its bytes reused: whole for shapes without a varying value, and for
// cmp as a prefix after which only the value is written. The bytes are the codecs' own, so a
// cached rule is byte for byte what the uncached path writes (test/nft-shape-cache.test.ts);
// any expression outside the plain shapes below goes through the codecs as before.
import { MessageWriter } from '../netlink/writer.js';
import { NFTA_RULE_EXPRESSIONS } from './constants.js';
import { beginNftMessage, nest } from './codec.js';
import { encodeExpression, type Expression } from './expr/index.js';
import { META_KEYS } from './expr/meta.js';
import { encodeRule, type Rule } from './rule.js';

const BASES = ['link', 'network', 'transport', 'inner'];
const OPS = ['eq', 'neq', 'lt', 'lte', 'gt', 'gte'];

/** An index into `list` for a name or an in-range number, else -1 (then the codec decides). */
function indexOf(list: readonly string[], v: unknown): number {
  if (typeof v === 'number') return Number.isInteger(v) && v >= 0 && v < list.length ? v : -1;
  return list.indexOf(v as string);
}

const smallInt = (v: unknown, max: number): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= max;

/** The bytes the codecs write for one expression (NFTA_LIST_ELEM and all). */
function encodeOnce(e: Expression): Uint8Array {
  const w = new MessageWriter(128);
  encodeExpression(w, e);
  return w.copy();
}

const CACHE_LIMIT = 4096;
const TRIE_LIMIT = 4096;

/**
 * A node of the rule-shape trie: one step per expression, keyed by that expression's cached
 * shape bytes (each shape has exactly one such object). At the end of a rule's walk, `rule`
 * holds the whole rule's attributes as segments between its varying values.
 */
interface ShapeNode {
  next: Map<Uint8Array, ShapeNode>;
  rule?: Uint8Array[];
}

export class RuleEncoder {
  // Keyed by small integers packed from the fields that decide the bytes.
  private readonly payloads = new Map<number, Uint8Array>();
  private readonly metas = new Map<number, Uint8Array>();
  private readonly cmps = new Map<number, Uint8Array>();
  private readonly verdicts = new Map<string, Uint8Array>();
  private masq: Uint8Array | undefined;
  private counter: Uint8Array | undefined;
  /** By table, chain, then message header (or -1, attributes only): the root of a rule-shape trie. */
  private readonly roots = new Map<string, Map<string, Map<number, ShapeNode>>>();
  private nodes = 0;
  /** shape()'s second result: the varying value after a cmp's cached prefix. */
  private value: Uint8Array | undefined;
  private readonly values: Uint8Array[] = [];

  /** encodeRule(w, r, expressions), with cached bytes where a shape repeats. */
  encode(w: MessageWriter, r: Rule, expressions: readonly Expression[]): void {
    const node = this.walk(r, expressions, -1);
    if (node) this.emit(w, (node.rule ??= this.template(r, expressions, undefined)));
    else encodeRule(w, r, expressions, this.writeExpressions);
  }

  /**
   * The whole NEWRULE message (nlmsghdr, nfgenmsg, attributes) from its template when the rule
   * is a plain one: what beginNftMessage + encode + end write. False (nothing written) otherwise.
   */
  message(w: MessageWriter, r: Rule, expressions: readonly Expression[], type: number, flags: number, family: number, seq: number): boolean {
    const node = this.walk(r, expressions, (flags * 0x10000 + type) * 0x100 + family);
    if (!node) return false;
    w.align();
    const start = w.pos;
    this.emit(w, (node.rule ??= this.template(r, expressions, { type, flags, family })));
    w.setSeq(start, seq);
    return true;
  }

  private emit(w: MessageWriter, segments: Uint8Array[]): void {
    const values = this.values;
    w.raw(segments[0]!);
    for (let i = 0; i < values.length; i++) {
      w.raw(values[i]!);
      w.raw(segments[i + 1]!);
    }
  }

  /**
   * Rules with nothing but table, chain and expressions (the bulk of a big batch) are written
   * whole from a per-shape template: the trie node of this rule's shape (its values left in
   * this.values), or undefined for a rule that goes expression by expression.
   */
  private walk(r: Rule, expressions: readonly Expression[], header: number): ShapeNode | undefined {
    if (!expressions.length || r.handle !== undefined || r.position !== undefined || r.comment !== undefined
      || r.userdata !== undefined || r.id !== undefined || r.positionId !== undefined
      || typeof r.table !== 'string' || typeof r.chain !== 'string') return undefined;
    let node: ShapeNode | undefined = this.root(r.table, r.chain, header);
    const values = this.values;
    values.length = 0;
    for (let i = 0; i < expressions.length && node; i++) {
      const t = this.shape(expressions[i]!);
      if (!t) return undefined;
      if (this.value) values.push(this.value);
      let next: ShapeNode | undefined = node.next.get(t);
      if (!next && this.nodes < TRIE_LIMIT) {
        next = { next: new Map() };
        node.next.set(t, next);
        this.nodes++;
      }
      node = next;
    }
    return node;
  }

  private root(table: string, chain: string, header: number): ShapeNode {
    let chains = this.roots.get(table);
    if (!chains) { chains = new Map(); this.roots.set(table, chains); }
    let headers = chains.get(chain);
    if (!headers) { headers = new Map(); chains.set(chain, headers); }
    let n = headers.get(header);
    if (!n) { n = { next: new Map() }; if (this.nodes++ < TRIE_LIMIT) headers.set(header, n); }
    return n;
  }

  /** The rule (message) through the per-expression path, cut at its varying values. */
  private template(r: Rule, expressions: readonly Expression[], header: { type: number; flags: number; family: number } | undefined): Uint8Array[] {
    const w = new MessageWriter(512);
    const cuts: number[] = [];
    const start = header ? beginNftMessage(w, header.type, header.flags, header.family, 0) : 0;
    encodeRule(w, r, expressions, (w2, list) => {
      const n = nest(w2, NFTA_RULE_EXPRESSIONS);
      for (const e of list) {
        const t = this.shape(e)!;
        w2.raw(t);
        if (this.value) {
          cuts.push(w2.pos);
          w2.raw(this.value);
          cuts.push(w2.pos);
          w2.align(); // the padding belongs to the next segment
        }
      }
      w2.nestEnd(n);
    });
    if (header) w.end(start);
    const b = w.copy();
    const segments: Uint8Array[] = [];
    let from = 0;
    for (let i = 0; i < cuts.length; i += 2) {
      segments.push(b.slice(from, cuts[i]));
      from = cuts[i + 1]!;
    }
    segments.push(b.slice(from));
    return segments;
  }

  private readonly writeExpressions = (w: MessageWriter, list: readonly Expression[]): void => {
    const n = nest(w, NFTA_RULE_EXPRESSIONS);
    for (const e of list) {
      const t = this.shape(e);
      if (!t) { encodeExpression(w, e); continue; }
      w.raw(t);
      if (this.value) { w.raw(this.value); w.align(); }
    }
    w.nestEnd(n);
  };

  /**
   * The cached bytes of the expression's shape, or undefined when it is not one of the plain
   * shapes. For a cmp they end before the compared value, which is left in `this.value`
   * (written after them, then padded); for the others `this.value` is undefined.
   */
  private shape(e: Expression): Uint8Array | undefined {
    this.value = undefined;
    const x = e as unknown as Record<string, unknown>;
    switch (e.type) {
      case 'payload': {
        const base = indexOf(BASES, x.base);
        if (x.sreg !== undefined || x.csumType !== undefined || x.csumOffset !== undefined || x.csumFlags !== undefined
          || base < 0 || !smallInt(x.dreg, 31) || !smallInt(x.offset, 0xffff) || !smallInt(x.len, 0xff)) return undefined;
        const key = ((x.offset as number) * 0x10000) + ((x.len as number) << 8) + ((x.dreg as number) << 3) + base;
        return this.cached(this.payloads, key, e);
      }
      case 'meta': {
        const k = indexOf(META_KEYS, x.key);
        if (x.sreg !== undefined || k < 0 || !smallInt(x.dreg, 31)) return undefined;
        return this.cached(this.metas, (k << 5) + (x.dreg as number), e);
      }
      case 'cmp': {
        const op = indexOf(OPS, x.op);
        const data = x.data;
        if (op < 0 || !smallInt(x.sreg, 31) || !(data instanceof Uint8Array) || data.length === 0 || data.length > 0xff) return undefined;
        const len = data.length;
        const key = (len << 8) + (op << 5) + (x.sreg as number);
        let t = this.cmps.get(key);
        if (!t) {
          // The value is the last attribute of a cmp: the shape is everything before it.
          const full = encodeOnce({ type: 'cmp', op: OPS[op] as 'eq', sreg: x.sreg as number, data: new Uint8Array(len) });
          t = full.slice(0, full.length - ((len + 3) & ~3));
          if (this.cmps.size < CACHE_LIMIT) this.cmps.set(key, t);
        }
        this.value = data;
        return t;
      }
      case 'masq':
        if (x.flags !== undefined || x.regProtoMin !== undefined || x.regProtoMax !== undefined) return undefined;
        return (this.masq ??= encodeOnce(e));
      case 'counter':
        if (x.packets !== undefined || x.bytes !== undefined) return undefined;
        return (this.counter ??= encodeOnce(e));
      case 'verdict': {
        const code = x.code;
        if (typeof code !== 'string' || code === 'jump' || code === 'goto' || x.chain !== undefined || x.chainId !== undefined) return undefined;
        let t = this.verdicts.get(code);
        if (!t) {
          t = encodeOnce(e);
          if (this.verdicts.size < 64) this.verdicts.set(code, t);
        }
        return t;
      }
      default:
        return undefined;
    }
  }

  private cached(map: Map<number, Uint8Array>, key: number, e: Expression): Uint8Array {
    let t = map.get(key);
    if (!t) {
      t = encodeOnce(e);
      if (map.size < CACHE_LIMIT) map.set(key, t);
    }
    return t;
  }
}
