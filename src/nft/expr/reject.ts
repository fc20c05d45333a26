// reject: drop and answer with an ICMP error or a TCP reset.
import { declareExpr } from './declare.js';
import { NFTA_REJECT_ICMP_CODE, NFTA_REJECT_TYPE } from '../constants.js';

export interface RejectExpr {
  type: 'reject';
  rejectType: 'icmp_unreach' | 'tcp_rst' | 'icmpx_unreach' | number;
  icmpCode?: number;
}

/** Attributes in the order libnftnl writes them. */
export const reject = declareExpr<RejectExpr>('reject', 'reject', [
  { key: 'rejectType', attr: NFTA_REJECT_TYPE, kind: 'u32', required: true, names: ['icmp_unreach', 'tcp_rst', 'icmpx_unreach'] },
  { key: 'icmpCode', attr: NFTA_REJECT_ICMP_CODE, kind: 'u8' },
]);
