// rt: routing information of the packet (classid, next hop, tcp mss, ipsec).
import { declareExpr } from './declare.js';
import { NFTA_RT_DREG, NFTA_RT_KEY } from '../constants.js';

export interface RtExpr {
  type: 'rt';
  dreg: number;
  key: 'classid' | 'nexthop4' | 'nexthop6' | 'tcpmss' | 'xfrm' | number;
}

/** Attributes in the order libnftnl writes them. */
export const rt = declareExpr<RtExpr>('rt', 'rt', [
  { key: 'key', attr: NFTA_RT_KEY, kind: 'u32', required: true, names: ['classid', 'nexthop4', 'nexthop6', 'tcpmss', 'xfrm'] },
  { key: 'dreg', attr: NFTA_RT_DREG, kind: 'reg', required: true },
]);
