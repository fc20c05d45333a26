// lookup: is the register's value in a set? (With dreg, a map: load the mapped value.)
import type { MessageWriter } from '../../netlink/writer.js';
import { NFTA_LOOKUP_DREG, NFTA_LOOKUP_FLAGS, NFTA_LOOKUP_SET, NFTA_LOOKUP_SET_ID, NFTA_LOOKUP_SREG, NFT_LOOKUP_F_INV } from '../constants.js';
import type { Attrs } from '../codec.js';
import type { ExprCodec } from './codec.js';

export interface LookupExpr {
  type: 'lookup';
  /** Set name ("allowed", or "__set0" for an anonymous set). */
  set: string;
  /** NFTA_LOOKUP_SET_ID: the set's id when it is created in the same batch. */
  setId?: number;
  sreg: number;
  dreg?: number;
  /** Match when the value is NOT in the set (`!= @set`). */
  invert?: boolean;
}

export const lookup: ExprCodec<LookupExpr> = {
  name: 'lookup',
  attributes: new Set([NFTA_LOOKUP_SET, NFTA_LOOKUP_SREG, NFTA_LOOKUP_DREG, NFTA_LOOKUP_SET_ID, NFTA_LOOKUP_FLAGS]),

  encode(w: MessageWriter, e: LookupExpr): void {
    w.attrBe32(NFTA_LOOKUP_SREG, e.sreg);
    if (e.dreg !== undefined) w.attrBe32(NFTA_LOOKUP_DREG, e.dreg);
    w.attrString(NFTA_LOOKUP_SET, e.set);
    if (e.setId !== undefined) w.attrBe32(NFTA_LOOKUP_SET_ID, e.setId);
    // nft sends the flags only when set; the kernel reports them always.
    if (e.invert) w.attrBe32(NFTA_LOOKUP_FLAGS, NFT_LOOKUP_F_INV);
  },

  decode(a: Attrs): LookupExpr {
    const e: LookupExpr = { type: 'lookup', set: a.str(NFTA_LOOKUP_SET) ?? '', sreg: a.be32(NFTA_LOOKUP_SREG) ?? 0 };
    const dreg = a.be32(NFTA_LOOKUP_DREG);
    const id = a.be32(NFTA_LOOKUP_SET_ID);
    if (id !== undefined) e.setId = id;
    if (dreg !== undefined) e.dreg = dreg;
    if ((a.be32(NFTA_LOOKUP_FLAGS) ?? 0) & NFT_LOOKUP_F_INV) e.invert = true;
    return e;
  },

  format(e: LookupExpr): string {
    let s = `reg ${e.sreg} set ${e.set} `;
    if (e.dreg !== undefined) s += `dreg ${e.dreg} `;
    s += `0x${(e.invert ? NFT_LOOKUP_F_INV : 0).toString(16)} `;
    return s;
  },
};
