// tproxy: transparent proxying to an address and port held in registers.
import { declareExpr } from './declare.js';
import { NFTA_TPROXY_FAMILY, NFTA_TPROXY_REG_ADDR, NFTA_TPROXY_REG_PORT } from '../constants.js';

export interface TproxyExpr {
  type: 'tproxy';
  /** NFPROTO_IPV4 2, NFPROTO_IPV6 10, or 0 (inet: either) */
  family?: number;
  regAddr?: number;
  regPort?: number;
}

/** Attributes in the order libnftnl writes them. */
export const tproxy = declareExpr<TproxyExpr>('tproxy', 'tproxy', [
  { key: 'family', attr: NFTA_TPROXY_FAMILY, kind: 'u32' },
  { key: 'regAddr', attr: NFTA_TPROXY_REG_ADDR, kind: 'reg' },
  { key: 'regPort', attr: NFTA_TPROXY_REG_PORT, kind: 'reg' },
]);
