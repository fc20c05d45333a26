// byteorder: convert register bytes between host and network byte order.
import { declareExpr } from './declare.js';
import { NFTA_BYTEORDER_DREG, NFTA_BYTEORDER_LEN, NFTA_BYTEORDER_OP, NFTA_BYTEORDER_SIZE, NFTA_BYTEORDER_SREG } from '../constants.js';

export interface ByteorderExpr {
  type: 'byteorder';
  sreg: number;
  dreg: number;
  op: 'ntoh' | 'hton' | number;
  len: number;
  /** 2, 4 or 8 */
  size: number;
}

/** Attributes in the order libnftnl writes them. */
export const byteorder = declareExpr<ByteorderExpr>('byteorder', 'byteorder', [
  { key: 'sreg', attr: NFTA_BYTEORDER_SREG, kind: 'reg', required: true },
  { key: 'dreg', attr: NFTA_BYTEORDER_DREG, kind: 'reg', required: true },
  { key: 'op', attr: NFTA_BYTEORDER_OP, kind: 'u32', required: true, names: ['ntoh', 'hton'] },
  { key: 'len', attr: NFTA_BYTEORDER_LEN, kind: 'u32', required: true },
  { key: 'size', attr: NFTA_BYTEORDER_SIZE, kind: 'u32', required: true },
]);
