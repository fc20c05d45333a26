// quota: matches until (or, with flags inv, after) a byte budget is used.
import { declareExpr } from './declare.js';
import { NFTA_QUOTA_BYTES, NFTA_QUOTA_CONSUMED, NFTA_QUOTA_FLAGS } from '../constants.js';

export interface QuotaExpr {
  type: 'quota';
  bytes: number;
  consumed?: number;
  /** NFT_QUOTA_F_INV 0x1: "over", NFT_QUOTA_F_DEPLETED 0x2 */
  flags?: number;
}

/** Attributes in the order libnftnl writes them. */
export const quota = declareExpr<QuotaExpr>('quota', 'quota', [
  { key: 'bytes', attr: NFTA_QUOTA_BYTES, kind: 'u64', required: true },
  { key: 'consumed', attr: NFTA_QUOTA_CONSUMED, kind: 'u64' },
  { key: 'flags', attr: NFTA_QUOTA_FLAGS, kind: 'u32' },
]);
