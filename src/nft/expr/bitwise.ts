// bitwise: dreg = (sreg & mask) ^ xor over len bytes (prefix matches, flag tests), or a shift.
import type { MessageWriter } from '../../netlink/writer.js';
import {
  NFTA_BITWISE_DATA, NFTA_BITWISE_DREG, NFTA_BITWISE_LEN, NFTA_BITWISE_MASK, NFTA_BITWISE_OP, NFTA_BITWISE_SREG,
  NFTA_BITWISE_XOR, NFT_BITWISE_LSHIFT, NFT_BITWISE_MASK_XOR, NFT_BITWISE_RSHIFT,
} from '../constants.js';
import { writeDataValue, type Attrs } from '../codec.js';
import { formatValue } from '../data.js';
import type { ExprCodec } from './codec.js';

/** (sreg & mask) ^ xor, the form nft uses for prefixes and bit tests. */
export interface BitwiseMaskXor {
  type: 'bitwise';
  sreg: number;
  dreg: number;
  len: number;
  mask: Uint8Array;
  xor: Uint8Array;
}

/** sreg << shift or sreg >> shift (32-bit host-order words). */
export interface BitwiseShift {
  type: 'bitwise';
  op: 'lshift' | 'rshift';
  sreg: number;
  dreg: number;
  len: number;
  shift: number;
}

export type BitwiseExpr = BitwiseMaskXor | BitwiseShift;

export const bitwise: ExprCodec<BitwiseExpr> = {
  name: 'bitwise',
  attributes: new Set([NFTA_BITWISE_SREG, NFTA_BITWISE_DREG, NFTA_BITWISE_LEN, NFTA_BITWISE_MASK, NFTA_BITWISE_XOR,
    NFTA_BITWISE_OP, NFTA_BITWISE_DATA]),

  encode(w: MessageWriter, e: BitwiseExpr): void {
    w.attrBe32(NFTA_BITWISE_SREG, e.sreg);
    w.attrBe32(NFTA_BITWISE_DREG, e.dreg);
    if ('op' in e) {
      // A shift needs NFTA_BITWISE_OP; the mask/xor form is the kernel's default and nft
      // omits OP for it (kernels before 5.6 do not know the attribute).
      w.attrBe32(NFTA_BITWISE_OP, e.op === 'lshift' ? NFT_BITWISE_LSHIFT : NFT_BITWISE_RSHIFT);
      w.attrBe32(NFTA_BITWISE_LEN, e.len);
      const shift = new Uint8Array(4);
      new DataView(shift.buffer).setUint32(0, e.shift, true);
      writeDataValue(w, NFTA_BITWISE_DATA, shift);
      return;
    }
    w.attrBe32(NFTA_BITWISE_LEN, e.len);
    writeDataValue(w, NFTA_BITWISE_MASK, e.mask);
    writeDataValue(w, NFTA_BITWISE_XOR, e.xor);
  },

  decode(a: Attrs, depth: number): BitwiseExpr {
    const sreg = a.be32(NFTA_BITWISE_SREG) ?? 0;
    const dreg = a.be32(NFTA_BITWISE_DREG) ?? 0;
    const len = a.be32(NFTA_BITWISE_LEN) ?? 0;
    const op = a.be32(NFTA_BITWISE_OP) ?? NFT_BITWISE_MASK_XOR;
    if (op === NFT_BITWISE_LSHIFT || op === NFT_BITWISE_RSHIFT) {
      const d = a.dataValue(NFTA_BITWISE_DATA, depth) ?? new Uint8Array(4);
      const shift = d.length >= 4 ? new DataView(d.buffer, d.byteOffset, 4).getUint32(0, true) : 0;
      return { type: 'bitwise', op: op === NFT_BITWISE_LSHIFT ? 'lshift' : 'rshift', sreg, dreg, len, shift };
    }
    return {
      type: 'bitwise', sreg, dreg, len,
      mask: a.dataValue(NFTA_BITWISE_MASK, depth) ?? new Uint8Array(0),
      xor: a.dataValue(NFTA_BITWISE_XOR, depth) ?? new Uint8Array(0),
    };
  },

  format(e: BitwiseExpr): string {
    if ('op' in e) {
      const shift = new Uint8Array(4);
      new DataView(shift.buffer).setUint32(0, e.shift, true);
      return `reg ${e.dreg} = ( reg ${e.sreg} ${e.op === 'lshift' ? '<<' : '>>'} ${formatValue(shift)}) `;
    }
    return `reg ${e.dreg} = ( reg ${e.sreg} & ${formatValue(e.mask)}) ^ ${formatValue(e.xor)}`;
  },
};
