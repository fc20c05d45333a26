// connlimit: the number of connections of this flow's key, compared with count.
import { declareExpr } from './declare.js';
import { NFTA_CONNLIMIT_COUNT, NFTA_CONNLIMIT_FLAGS } from '../constants.js';

export interface ConnlimitExpr {
  type: 'connlimit';
  count: number;
  /** NFT_CONNLIMIT_F_INV 0x1: "over" */
  flags?: number;
}

/** Attributes in the order libnftnl writes them. */
export const connlimit = declareExpr<ConnlimitExpr>('connlimit', 'connlimit', [
  { key: 'count', attr: NFTA_CONNLIMIT_COUNT, kind: 'u32', required: true },
  { key: 'flags', attr: NFTA_CONNLIMIT_FLAGS, kind: 'u32' },
]);
