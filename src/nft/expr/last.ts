// last: when the rule last matched (milliseconds ago; set 0 = never).
import { declareExpr } from './declare.js';
import { NFTA_LAST_MSECS, NFTA_LAST_SET } from '../constants.js';

export interface LastExpr {
  type: 'last';
  msecs?: number;
  set?: number;
}

/** Attributes in the order libnftnl writes them. */
export const last = declareExpr<LastExpr>('last', 'last', [
  { key: 'msecs', attr: NFTA_LAST_MSECS, kind: 'u64' },
  { key: 'set', attr: NFTA_LAST_SET, kind: 'u32' },
]);
