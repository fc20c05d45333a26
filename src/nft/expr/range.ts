// range: is the register between two constants (inclusive)? nft >= 1.0.7 uses it for
// `tcp dport 1024-2048`; older nft emits two cmps. Decoded so listings of either are typed.
import type { MessageWriter } from '../../netlink/writer.js';
import { NFTA_RANGE_FROM_DATA, NFTA_RANGE_OP, NFTA_RANGE_SREG, NFTA_RANGE_TO_DATA, NFT_RANGE_NEQ } from '../constants.js';
import { writeDataValue, type Attrs } from '../codec.js';
import { formatValue } from '../data.js';
import type { ExprCodec } from './codec.js';

export interface RangeExpr {
  type: 'range';
  op: 'eq' | 'neq';
  sreg: number;
  from: Uint8Array;
  to: Uint8Array;
}

export const range: ExprCodec<RangeExpr> = {
  name: 'range',
  attributes: new Set([NFTA_RANGE_SREG, NFTA_RANGE_OP, NFTA_RANGE_FROM_DATA, NFTA_RANGE_TO_DATA]),

  encode(w: MessageWriter, e: RangeExpr): void {
    w.attrBe32(NFTA_RANGE_SREG, e.sreg);
    w.attrBe32(NFTA_RANGE_OP, e.op === 'neq' ? NFT_RANGE_NEQ : 0);
    writeDataValue(w, NFTA_RANGE_FROM_DATA, e.from);
    writeDataValue(w, NFTA_RANGE_TO_DATA, e.to);
  },

  decode(a: Attrs, depth: number): RangeExpr {
    return {
      type: 'range',
      op: a.be32(NFTA_RANGE_OP) === NFT_RANGE_NEQ ? 'neq' : 'eq',
      sreg: a.be32(NFTA_RANGE_SREG) ?? 0,
      from: a.dataValue(NFTA_RANGE_FROM_DATA, depth) ?? new Uint8Array(0),
      to: a.dataValue(NFTA_RANGE_TO_DATA, depth) ?? new Uint8Array(0),
    };
  },

  format(e: RangeExpr): string {
    return `${e.op} reg ${e.sreg} ${formatValue(e.from)}${formatValue(e.to)}`;
  },
};
