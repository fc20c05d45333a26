// ct: conntrack state of the packet's connection (state, mark, status...) into a register.
import type { MessageWriter } from '../../netlink/writer.js';
import { NFTA_CT_DIRECTION, NFTA_CT_DREG, NFTA_CT_KEY, NFTA_CT_SREG } from '../constants.js';
import type { Attrs } from '../codec.js';
import { nameOf, numberOf, type ExprCodec } from './codec.js';

/** enum nft_ct_keys, in order, named as libnftnl names them. */
export const CT_KEYS = [
  'state', 'direction', 'status', 'mark', 'secmark', 'expiration', 'helper', 'l3protocol', 'src', 'dst', 'protocol',
  'proto_src', 'proto_dst', 'label', 'packets', 'bytes', 'avgpkt', 'zone', 'event', 'src_ip', 'dst_ip', 'src_ip6',
  'dst_ip6', 'id',
] as const;
export type CtKey = (typeof CT_KEYS)[number];

export interface CtExpr {
  type: 'ct';
  key: CtKey | number;
  dreg?: number;
  sreg?: number;
  /** For keys of one direction of the connection (src, dst, proto_src...). */
  direction?: 'original' | 'reply';
}

export const ct: ExprCodec<CtExpr> = {
  name: 'ct',
  attributes: new Set([NFTA_CT_DREG, NFTA_CT_KEY, NFTA_CT_DIRECTION, NFTA_CT_SREG]),

  encode(w: MessageWriter, e: CtExpr): void {
    w.attrBe32(NFTA_CT_KEY, numberOf(CT_KEYS, e.key, 'ct key'));
    if (e.dreg !== undefined) w.attrBe32(NFTA_CT_DREG, e.dreg);
    if (e.direction !== undefined) w.attrU8(NFTA_CT_DIRECTION, e.direction === 'reply' ? 1 : 0);
    if (e.sreg !== undefined) w.attrBe32(NFTA_CT_SREG, e.sreg);
  },

  decode(a: Attrs): CtExpr {
    const e: CtExpr = { type: 'ct', key: nameOf(CT_KEYS, a.be32(NFTA_CT_KEY) ?? 0) };
    const dreg = a.be32(NFTA_CT_DREG);
    const sreg = a.be32(NFTA_CT_SREG);
    const dir = a.u8(NFTA_CT_DIRECTION);
    if (dreg !== undefined) e.dreg = dreg;
    if (sreg !== undefined) e.sreg = sreg;
    if (dir !== undefined) e.direction = dir === 1 ? 'reply' : 'original';
    return e;
  },

  format(e: CtExpr): string {
    const key = typeof e.key === 'number' ? 'unknown' : e.key;
    let s = '';
    if (e.sreg !== undefined) s = `set ${key} with reg ${e.sreg} `;
    if (e.dreg !== undefined) s = `load ${key} => reg ${e.dreg} `;
    if (e.direction !== undefined) s += `, dir ${e.direction} `;
    return s;
  },
};
