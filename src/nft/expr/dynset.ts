// dynset: add to, update or delete from a set from the packet path (`add @s { ip saddr
// timeout 10s }`, `update @m { ip saddr counter }`), optionally with expressions attached
// to the new element (NFTA_DYNSET_EXPR for one, NFTA_DYNSET_EXPRESSIONS for several).
import {
  NFTA_DYNSET_EXPR, NFTA_DYNSET_EXPRESSIONS, NFTA_DYNSET_FLAGS, NFTA_DYNSET_OP, NFTA_DYNSET_SET_ID,
  NFTA_DYNSET_SET_NAME, NFTA_DYNSET_SREG_DATA, NFTA_DYNSET_SREG_KEY, NFTA_DYNSET_TIMEOUT, NFTA_LIST_ELEM,
} from '../constants.js';
import { nest, type Attrs } from '../codec.js';
import { ValidationError } from '../../netlink/errors.js';
import { declareExpr } from './declare.js';
import type { ExprCodec } from './codec.js';
// index.ts imports this file and this file the registry: a cycle ESM resolves, since the
// functions are only called once both modules are loaded.
import { decodeExpression, decodeExpressions, encodeExpressionAs, formatExpression, type Expression } from './index.js';

export interface DynsetExpr {
  type: 'dynset';
  set: string;
  setId?: number;
  op: 'add' | 'update' | 'delete' | number;
  sregKey: number;
  sregData?: number;
  /** Milliseconds. */
  timeout?: number;
  /** NFT_DYNSET_F_INV 0x1, NFT_DYNSET_F_EXPR 0x2 */
  flags?: number;
  /** Expressions of the new element (one goes in NFTA_DYNSET_EXPR, as nft sends it). */
  expressions?: Expression[];
}

const flat = declareExpr<DynsetExpr>('dynset', 'dynset', [
  { key: 'sregKey', attr: NFTA_DYNSET_SREG_KEY, kind: 'reg', required: true },
  { key: 'sregData', attr: NFTA_DYNSET_SREG_DATA, kind: 'reg' },
  { key: 'op', attr: NFTA_DYNSET_OP, kind: 'u32', required: true, names: ['add', 'update', 'delete'] },
  { key: 'timeout', attr: NFTA_DYNSET_TIMEOUT, kind: 'u64' },
  { key: 'set', attr: NFTA_DYNSET_SET_NAME, kind: 'string', required: true },
  { key: 'setId', attr: NFTA_DYNSET_SET_ID, kind: 'u32' },
]);

export const dynset: ExprCodec<DynsetExpr> & { check: typeof flat.check } = {
  name: 'dynset',
  attributes: new Set([...flat.attributes, NFTA_DYNSET_FLAGS, NFTA_DYNSET_EXPR, NFTA_DYNSET_EXPRESSIONS]),
  encode(w, e) {
    // libnftnl's order: the flat attributes, the element's expressions, then NFTA_DYNSET_FLAGS.
    flat.encode(w, e);
    const list = e.expressions ?? [];
    if (list.length === 1) {
      // One expression: NFTA_DYNSET_EXPR holds { NFTA_EXPR_NAME, NFTA_EXPR_DATA } directly.
      encodeExpressionAs(w, list[0]!, NFTA_DYNSET_EXPR);
    } else if (list.length > 1) {
      const n = nest(w, NFTA_DYNSET_EXPRESSIONS);
      for (const x of list) encodeExpressionAs(w, x, NFTA_LIST_ELEM);
      w.nestEnd(n);
    }
    if (e.flags !== undefined) w.attrBe32(NFTA_DYNSET_FLAGS, e.flags);
  },
  decode(a, depth) {
    const e = flat.decode(a, depth);
    const flags = a.be32(NFTA_DYNSET_FLAGS);
    if (flags !== undefined) e.flags = flags;
    if (a.has(NFTA_DYNSET_EXPR)) e.expressions = [decodeExpression(a.buf, a.off(NFTA_DYNSET_EXPR), a.len(NFTA_DYNSET_EXPR), depth + 1)];
    else if (a.has(NFTA_DYNSET_EXPRESSIONS)) e.expressions = decodeExpressions(a.buf, a.off(NFTA_DYNSET_EXPRESSIONS), a.len(NFTA_DYNSET_EXPRESSIONS), depth + 1);
    return e;
  },
  format(e) {
    const { expressions, ...rest } = e;
    return flat.format(rest as DynsetExpr) + (expressions ?? []).map((x) => `${formatExpression(x)} `).join('');
  },
  check(e, p) {
    const { expressions, flags, ...rest } = e;
    flat.check(rest, p);
    if (flags !== undefined && (typeof flags !== 'number' || !Number.isInteger(flags) || flags < 0 || flags > 0xffffffff)) {
      throw new ValidationError(['rule', ...p, 'flags'].join('.'), 'must be an integer 0-4294967295');
    }
    if (expressions !== undefined && !Array.isArray(expressions)) throw new ValidationError(['rule', ...p, 'expressions'].join('.'), 'must be an array of expressions');
  },
};
