// Encoding the rules of a batch with a shape cache. A big batch repeats a few expression
// shapes thousands of times (`load 3b @ network header + 12`, `meta oifname`, `masq`), often
// with only a compared value changing. Each shape is encoded once by the ordinary codecs
// (expr/index.ts) and its bytes reused: whole for shapes without a varying value, and for
// cmp as a prefix after which only the value is written. The bytes are the codecs' own, so a
// cached rule is byte for byte what the uncached path writes (test/nft-shape-cache.test.ts);
// any expression outside the plain shapes below goes through the codecs as before.
import { MessageWriter } from '../netlink/writer.js';
import { NFTA_RULE_EXPRESSIONS } from './constants.js';
import { nest } from './codec.js';
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

export class RuleEncoder {
  // Keyed by small integers packed from the fields that decide the bytes.
  private readonly payloads = new Map<number, Uint8Array>();
  private readonly metas = new Map<number, Uint8Array>();
  private readonly cmps = new Map<number, Uint8Array>();
  private readonly verdicts = new Map<string, Uint8Array>();
  private masq: Uint8Array | undefined;
  private counter: Uint8Array | undefined;

  /** encodeRule(w, r, expressions), with cached expression bytes where a shape repeats. */
  encode(w: MessageWriter, r: Rule, expressions: readonly Expression[]): void {
    encodeRule(w, r, expressions, this.writeExpressions);
  }

  private readonly writeExpressions = (w: MessageWriter, list: readonly Expression[]): void => {
    const n = nest(w, NFTA_RULE_EXPRESSIONS);
    for (const e of list) this.expression(w, e);
    w.nestEnd(n);
  };

  private expression(w: MessageWriter, e: Expression): void {
    const x = e as unknown as Record<string, unknown>;
    switch (e.type) {
      case 'payload': {
        const base = indexOf(BASES, x.base);
        if (x.sreg !== undefined || x.csumType !== undefined || x.csumOffset !== undefined || x.csumFlags !== undefined
          || base < 0 || !smallInt(x.dreg, 31) || !smallInt(x.offset, 0xffff) || !smallInt(x.len, 0xff)) break;
        const key = ((x.offset as number) * 0x10000) + ((x.len as number) << 8) + ((x.dreg as number) << 3) + base;
        w.raw(this.cached(this.payloads, key, e));
        return;
      }
      case 'meta': {
        const k = indexOf(META_KEYS, x.key);
        if (x.sreg !== undefined || k < 0 || !smallInt(x.dreg, 31)) break;
        w.raw(this.cached(this.metas, (k << 5) + (x.dreg as number), e));
        return;
      }
      case 'cmp': {
        const op = indexOf(OPS, x.op);
        const data = x.data;
        if (op < 0 || !smallInt(x.sreg, 31) || !(data instanceof Uint8Array) || data.length === 0 || data.length > 0xff) break;
        const len = data.length;
        const key = (len << 8) + (op << 5) + (x.sreg as number);
        let t = this.cmps.get(key);
        if (!t) {
          // The value is the last attribute of a cmp: the shape is everything before it.
          const full = encodeOnce({ type: 'cmp', op: OPS[op] as 'eq', sreg: x.sreg as number, data: new Uint8Array(len) });
          t = full.subarray(0, full.length - ((len + 3) & ~3));
          if (this.cmps.size < CACHE_LIMIT) this.cmps.set(key, t);
        }
        w.raw(t);
        w.raw(data);
        w.align();
        return;
      }
      case 'masq':
        if (x.flags !== undefined || x.regProtoMin !== undefined || x.regProtoMax !== undefined) break;
        w.raw((this.masq ??= encodeOnce(e)));
        return;
      case 'counter':
        if (x.packets !== undefined || x.bytes !== undefined) break;
        w.raw((this.counter ??= encodeOnce(e)));
        return;
      case 'verdict': {
        const code = x.code;
        if (typeof code !== 'string' || code === 'jump' || code === 'goto' || x.chain !== undefined || x.chainId !== undefined) break;
        let t = this.verdicts.get(code);
        if (!t) {
          t = encodeOnce(e);
          if (this.verdicts.size < 64) this.verdicts.set(code, t);
        }
        w.raw(t);
        return;
      }
      default:
        break;
    }
    encodeExpression(w, e);
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
