// limit: a token bucket; the rule stops while the rate (per unit seconds) is exceeded.
import { declareExpr } from './declare.js';
import { NFTA_LIMIT_BURST, NFTA_LIMIT_FLAGS, NFTA_LIMIT_RATE, NFTA_LIMIT_TYPE, NFTA_LIMIT_UNIT } from '../constants.js';

export interface LimitExpr {
  type: 'limit';
  /** packets (or bytes with type pkt_bytes) per unit */
  rate: number;
  /** seconds */
  unit: number;
  burst?: number;
  limitType?: 'pkts' | 'pkt_bytes' | number;
  /** NFT_LIMIT_F_INV 0x1: "over" */
  flags?: number;
}

/** Attributes in the order libnftnl writes them. */
export const limit = declareExpr<LimitExpr>('limit', 'limit', [
  { key: 'rate', attr: NFTA_LIMIT_RATE, kind: 'u64', required: true },
  { key: 'unit', attr: NFTA_LIMIT_UNIT, kind: 'u64', required: true },
  { key: 'burst', attr: NFTA_LIMIT_BURST, kind: 'u32' },
  { key: 'limitType', attr: NFTA_LIMIT_TYPE, kind: 'u32', names: ['pkts', 'pkt_bytes'] },
  { key: 'flags', attr: NFTA_LIMIT_FLAGS, kind: 'u32' },
]);
