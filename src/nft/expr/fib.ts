// fib: a routing (FIB) lookup: output interface, its name, or the address type.
import { declareExpr } from './declare.js';
import { NFTA_FIB_DREG, NFTA_FIB_FLAGS, NFTA_FIB_RESULT } from '../constants.js';

export interface FibExpr {
  type: 'fib';
  dreg: number;
  result: 'oif' | 'oifname' | 'addrtype' | number;
  /** NFTA_FIB_F_*: saddr 0x1, daddr 0x2, mark 0x4, iif 0x8, oif 0x10, present 0x20 */
  flags?: number;
}

/** Attributes in the order libnftnl writes them. */
export const fib = declareExpr<FibExpr>('fib', 'fib', [
  { key: 'flags', attr: NFTA_FIB_FLAGS, kind: 'u32' },
  { key: 'result', attr: NFTA_FIB_RESULT, kind: 'u32', required: true, names: [undefined, 'oif', 'oifname', 'addrtype'] },
  { key: 'dreg', attr: NFTA_FIB_DREG, kind: 'reg', required: true },
]);
