// hash: jhash of register bytes (or a symmetric hash of the flow) modulo `modulus`.
import { declareExpr } from './declare.js';
import { NFTA_HASH_DREG, NFTA_HASH_LEN, NFTA_HASH_MODULUS, NFTA_HASH_OFFSET, NFTA_HASH_SEED, NFTA_HASH_SREG, NFTA_HASH_TYPE } from '../constants.js';

export interface HashExpr {
  type: 'hash';
  sreg?: number;
  dreg: number;
  len?: number;
  modulus: number;
  seed?: number;
  offset?: number;
  hashType?: 'jhash' | 'sym' | number;
}

/** Attributes in the order libnftnl writes them. */
export const hash = declareExpr<HashExpr>('hash', 'hash', [
  { key: 'sreg', attr: NFTA_HASH_SREG, kind: 'reg' },
  { key: 'dreg', attr: NFTA_HASH_DREG, kind: 'reg', required: true },
  { key: 'len', attr: NFTA_HASH_LEN, kind: 'u32' },
  { key: 'modulus', attr: NFTA_HASH_MODULUS, kind: 'u32', required: true },
  { key: 'seed', attr: NFTA_HASH_SEED, kind: 'u32' },
  { key: 'offset', attr: NFTA_HASH_OFFSET, kind: 'u32' },
  { key: 'hashType', attr: NFTA_HASH_TYPE, kind: 'u32', names: ['jhash', 'sym'] },
]);
