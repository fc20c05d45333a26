// payload: load bytes of a packet header into a register (or write a register into the packet).
import type { MessageWriter } from '../../netlink/writer.js';
import {
  NFTA_PAYLOAD_BASE, NFTA_PAYLOAD_CSUM_FLAGS, NFTA_PAYLOAD_CSUM_OFFSET, NFTA_PAYLOAD_CSUM_TYPE, NFTA_PAYLOAD_DREG,
  NFTA_PAYLOAD_LEN, NFTA_PAYLOAD_OFFSET, NFTA_PAYLOAD_SREG,
} from '../constants.js';
import type { Attrs } from '../codec.js';
import { nameOf, numberOf, type ExprCodec } from './codec.js';

export type PayloadBase = 'link' | 'network' | 'transport' | 'inner';
const BASES: readonly PayloadBase[] = ['link', 'network', 'transport', 'inner'];

/**
 * Load `len` bytes at `offset` of header `base` into `dreg`; or, with `sreg`, write them
 * (csum* say which checksum the kernel fixes up).
 */
export interface PayloadExpr {
  type: 'payload';
  base: PayloadBase | number;
  offset: number;
  len: number;
  dreg?: number;
  sreg?: number;
  csumType?: number;
  csumOffset?: number;
  csumFlags?: number;
}

export const payload: ExprCodec<PayloadExpr> = {
  name: 'payload',
  attributes: new Set([NFTA_PAYLOAD_DREG, NFTA_PAYLOAD_BASE, NFTA_PAYLOAD_OFFSET, NFTA_PAYLOAD_LEN, NFTA_PAYLOAD_SREG,
    NFTA_PAYLOAD_CSUM_TYPE, NFTA_PAYLOAD_CSUM_OFFSET, NFTA_PAYLOAD_CSUM_FLAGS]),

  // Order as libnftnl writes it, so the bytes equal what nft sends.
  encode(w: MessageWriter, e: PayloadExpr): void {
    if (e.sreg !== undefined) w.attrBe32(NFTA_PAYLOAD_SREG, e.sreg);
    if (e.dreg !== undefined) w.attrBe32(NFTA_PAYLOAD_DREG, e.dreg);
    w.attrBe32(NFTA_PAYLOAD_BASE, numberOf(BASES, e.base, 'payload base'));
    w.attrBe32(NFTA_PAYLOAD_OFFSET, e.offset);
    w.attrBe32(NFTA_PAYLOAD_LEN, e.len);
    if (e.csumType !== undefined) w.attrBe32(NFTA_PAYLOAD_CSUM_TYPE, e.csumType);
    if (e.csumOffset !== undefined) w.attrBe32(NFTA_PAYLOAD_CSUM_OFFSET, e.csumOffset);
    if (e.csumFlags !== undefined) w.attrBe32(NFTA_PAYLOAD_CSUM_FLAGS, e.csumFlags);
  },

  decode(a: Attrs): PayloadExpr {
    const e: PayloadExpr = {
      type: 'payload',
      base: nameOf(BASES, a.be32(NFTA_PAYLOAD_BASE) ?? 0),
      offset: a.be32(NFTA_PAYLOAD_OFFSET) ?? 0,
      len: a.be32(NFTA_PAYLOAD_LEN) ?? 0,
    };
    const dreg = a.be32(NFTA_PAYLOAD_DREG);
    const sreg = a.be32(NFTA_PAYLOAD_SREG);
    if (dreg !== undefined) e.dreg = dreg;
    if (sreg !== undefined) {
      e.sreg = sreg;
      // The kernel dumps the checksum fields of a write even when they are zero: zero is "none".
      const t = a.be32(NFTA_PAYLOAD_CSUM_TYPE), o = a.be32(NFTA_PAYLOAD_CSUM_OFFSET), f = a.be32(NFTA_PAYLOAD_CSUM_FLAGS);
      if (t) e.csumType = t;
      if (o) e.csumOffset = o;
      if (f) e.csumFlags = f;
    }
    return e;
  },

  format(e: PayloadExpr): string {
    const base = typeof e.base === 'number' ? (BASES[e.base] ?? 'unknown') : e.base;
    if (e.sreg) {
      return `write reg ${e.sreg} => ${e.len}b @ ${base} header + ${e.offset} csum_type ${e.csumType ?? 0} csum_off ${e.csumOffset ?? 0} csum_flags 0x${(e.csumFlags ?? 0).toString(16)} `;
    }
    return `load ${e.len}b @ ${base} header + ${e.offset} => reg ${e.dreg ?? 0} `;
  },
};
