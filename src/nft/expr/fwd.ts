// fwd: forward (netdev family) to a device, optionally to a neighbour address.
import { declareExpr } from './declare.js';
import { NFTA_FWD_NFPROTO, NFTA_FWD_SREG_ADDR, NFTA_FWD_SREG_DEV } from '../constants.js';

export interface FwdExpr {
  type: 'fwd';
  sregDev: number;
  sregAddr?: number;
  nfproto?: number;
}

/** Attributes in the order libnftnl writes them. */
export const fwd = declareExpr<FwdExpr>('fwd', 'fwd', [
  { key: 'sregDev', attr: NFTA_FWD_SREG_DEV, kind: 'reg', required: true },
  { key: 'sregAddr', attr: NFTA_FWD_SREG_ADDR, kind: 'reg' },
  { key: 'nfproto', attr: NFTA_FWD_NFPROTO, kind: 'u32' },
]);
