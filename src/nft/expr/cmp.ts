// cmp: compare a register with a constant; the rule stops here when the comparison fails.
import type { MessageWriter } from '../../netlink/writer.js';
import { NetlinkDecodeError } from '../../netlink/errors.js';
import { NFTA_CMP_DATA, NFTA_CMP_OP, NFTA_CMP_SREG } from '../constants.js';
import { writeDataValue, type Attrs } from '../codec.js';
import { formatValue } from '../data.js';
import { nameOf, numberOf, type ExprCodec } from './codec.js';

export type CmpOp = 'eq' | 'neq' | 'lt' | 'lte' | 'gt' | 'gte';
const OPS: readonly CmpOp[] = ['eq', 'neq', 'lt', 'lte', 'gt', 'gte'];

export interface CmpExpr {
  type: 'cmp';
  op: CmpOp | number;
  sreg: number;
  /** The constant, in packet byte order (an IPv4 address is its 4 bytes). */
  data: Uint8Array;
}

export const cmp: ExprCodec<CmpExpr> = {
  name: 'cmp',
  attributes: new Set([NFTA_CMP_SREG, NFTA_CMP_OP, NFTA_CMP_DATA]),

  encode(w: MessageWriter, e: CmpExpr): void {
    w.attrBe32(NFTA_CMP_SREG, e.sreg);
    w.attrBe32(NFTA_CMP_OP, numberOf(OPS, e.op, 'cmp op'));
    writeDataValue(w, NFTA_CMP_DATA, e.data);
  },

  decode(a: Attrs, depth: number): CmpExpr {
    const data = a.dataValue(NFTA_CMP_DATA, depth);
    if (!data) throw new NetlinkDecodeError('cmp without NFTA_CMP_DATA', 0);
    return { type: 'cmp', op: nameOf(OPS, a.be32(NFTA_CMP_OP) ?? 0), sreg: a.be32(NFTA_CMP_SREG) ?? 0, data };
  },

  format(e: CmpExpr): string {
    return `${typeof e.op === 'number' ? 'unknown' : e.op} reg ${e.sreg} ${formatValue(e.data)}`;
  },
};
