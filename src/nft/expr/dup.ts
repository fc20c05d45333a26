// dup: send a copy of the packet to an address (and device) held in registers.
import { declareExpr } from './declare.js';
import { NFTA_DUP_SREG_ADDR, NFTA_DUP_SREG_DEV } from '../constants.js';

export interface DupExpr {
  type: 'dup';
  sregAddr?: number;
  sregDev?: number;
}

/** Attributes in the order libnftnl writes them. */
export const dup = declareExpr<DupExpr>('dup', 'dup', [
  { key: 'sregAddr', attr: NFTA_DUP_SREG_ADDR, kind: 'reg' },
  { key: 'sregDev', attr: NFTA_DUP_SREG_DEV, kind: 'reg' },
]);
