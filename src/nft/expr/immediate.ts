// immediate: load a constant into a register; into the verdict register (0) it is a verdict:
// accept, drop, jump CHAIN, goto CHAIN, return, continue. Both kinds share the kernel's
// "immediate" expression, so one codec encodes and decodes both.
import type { MessageWriter } from '../../netlink/writer.js';
import { NetlinkDecodeError } from '../../netlink/errors.js';
import { NFTA_IMMEDIATE_DATA, NFTA_IMMEDIATE_DREG, NFT_REG_VERDICT } from '../constants.js';
import type { Attrs } from '../codec.js';
import { decodeData, encodeData, formatValue, formatVerdict, type Verdict } from '../data.js';
import type { ExprCodec } from './codec.js';

/** A constant into a data register (NAT addresses and ports, for instance). */
export interface ImmediateExpr {
  type: 'immediate';
  dreg: number;
  data: Uint8Array;
}

/** A verdict: immediate into NFT_REG_VERDICT. */
export type VerdictExpr = { type: 'verdict' } & Verdict;

export const immediate: ExprCodec<ImmediateExpr | VerdictExpr> = {
  name: 'immediate',
  attributes: new Set([NFTA_IMMEDIATE_DREG, NFTA_IMMEDIATE_DATA]),

  encode(w: MessageWriter, e: ImmediateExpr | VerdictExpr): void {
    if (e.type === 'verdict') {
      w.attrBe32(NFTA_IMMEDIATE_DREG, NFT_REG_VERDICT);
      const { type: _type, ...verdict } = e;
      encodeData(w, NFTA_IMMEDIATE_DATA, { verdict: verdict as Verdict });
    } else {
      w.attrBe32(NFTA_IMMEDIATE_DREG, e.dreg);
      encodeData(w, NFTA_IMMEDIATE_DATA, { value: e.data });
    }
  },

  decode(a: Attrs, depth: number): ImmediateExpr | VerdictExpr {
    const dreg = a.be32(NFTA_IMMEDIATE_DREG) ?? 0;
    if (!a.has(NFTA_IMMEDIATE_DATA)) throw new NetlinkDecodeError('immediate without NFTA_IMMEDIATE_DATA', 0);
    const d = decodeData(a.buf, a.off(NFTA_IMMEDIATE_DATA), a.len(NFTA_IMMEDIATE_DATA), depth + 1);
    if ('verdict' in d) return { type: 'verdict', ...d.verdict } as VerdictExpr;
    return { type: 'immediate', dreg, data: d.value };
  },

  format(e: ImmediateExpr | VerdictExpr): string {
    if (e.type === 'verdict') return `reg 0 ${formatVerdict(e)}`;
    return `reg ${e.dreg} ${formatValue(e.data)}`;
  },
};
