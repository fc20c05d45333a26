// queue: hand the packet to user space (nfqueue).
import { declareExpr } from './declare.js';
import { NFTA_QUEUE_FLAGS, NFTA_QUEUE_NUM, NFTA_QUEUE_SREG_QNUM, NFTA_QUEUE_TOTAL } from '../constants.js';

export interface QueueExpr {
  type: 'queue';
  num?: number;
  total?: number;
  /** NFT_QUEUE_FLAG_BYPASS 0x1, CPU_FANOUT 0x2 */
  flags?: number;
  sregQnum?: number;
}

/** Attributes in the order libnftnl writes them. */
export const queue = declareExpr<QueueExpr>('queue', 'queue', [
  { key: 'num', attr: NFTA_QUEUE_NUM, kind: 'u16' },
  { key: 'total', attr: NFTA_QUEUE_TOTAL, kind: 'u16' },
  { key: 'flags', attr: NFTA_QUEUE_FLAGS, kind: 'u16' },
  { key: 'sregQnum', attr: NFTA_QUEUE_SREG_QNUM, kind: 'reg' },
]);
