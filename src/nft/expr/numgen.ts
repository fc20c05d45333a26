// numgen: a number generator (incremental or random) modulo `modulus`, into a register.
import { declareExpr } from './declare.js';
import { NFTA_NG_DREG, NFTA_NG_MODULUS, NFTA_NG_OFFSET, NFTA_NG_TYPE } from '../constants.js';

export interface NumgenExpr {
  type: 'numgen';
  dreg: number;
  modulus: number;
  ngType?: 'inc' | 'random' | number;
  offset?: number;
}

/** Attributes in the order libnftnl writes them. */
export const numgen = declareExpr<NumgenExpr>('numgen', 'numgen', [
  { key: 'dreg', attr: NFTA_NG_DREG, kind: 'reg', required: true },
  { key: 'modulus', attr: NFTA_NG_MODULUS, kind: 'u32', required: true },
  { key: 'ngType', attr: NFTA_NG_TYPE, kind: 'u32', names: ['inc', 'random'] },
  { key: 'offset', attr: NFTA_NG_OFFSET, kind: 'u32' },
]);
