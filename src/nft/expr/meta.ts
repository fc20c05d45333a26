// meta: packet metadata (interface names, protocols, mark...) into a register, or set from one.
import type { MessageWriter } from '../../netlink/writer.js';
import { NFTA_META_DREG, NFTA_META_KEY, NFTA_META_SREG } from '../constants.js';
import type { Attrs } from '../codec.js';
import { nameOf, numberOf, type ExprCodec } from './codec.js';

/** enum nft_meta_keys, in order, named as libnftnl (and `nft --debug=netlink`) name them. */
export const META_KEYS = [
  'len', 'protocol', 'priority', 'mark', 'iif', 'oif', 'iifname', 'oifname', 'iiftype', 'oiftype', 'skuid', 'skgid',
  'nftrace', 'rtclassid', 'secmark', 'nfproto', 'l4proto', 'bri_iifname', 'bri_oifname', 'pkttype', 'cpu', 'iifgroup',
  'oifgroup', 'cgroup', 'prandom', 'secpath', 'iifkind', 'oifkind', 'bri_iifpvid', 'bri_iifvproto', 'time', 'day', 'hour',
  'sdif', 'sdifname', 'bri_broute',
] as const;
export type MetaKey = (typeof META_KEYS)[number];

export interface MetaExpr {
  type: 'meta';
  key: MetaKey | number;
  /** Load into this register... */
  dreg?: number;
  /** ...or set the key from this one. */
  sreg?: number;
}

export const meta: ExprCodec<MetaExpr> = {
  name: 'meta',
  attributes: new Set([NFTA_META_DREG, NFTA_META_KEY, NFTA_META_SREG]),

  encode(w: MessageWriter, e: MetaExpr): void {
    w.attrBe32(NFTA_META_KEY, numberOf(META_KEYS, e.key, 'meta key'));
    if (e.dreg !== undefined) w.attrBe32(NFTA_META_DREG, e.dreg);
    if (e.sreg !== undefined) w.attrBe32(NFTA_META_SREG, e.sreg);
  },

  decode(a: Attrs): MetaExpr {
    const e: MetaExpr = { type: 'meta', key: nameOf(META_KEYS, a.be32(NFTA_META_KEY) ?? 0) };
    const dreg = a.be32(NFTA_META_DREG);
    const sreg = a.be32(NFTA_META_SREG);
    if (dreg !== undefined) e.dreg = dreg;
    if (sreg !== undefined) e.sreg = sreg;
    return e;
  },

  format(e: MetaExpr): string {
    const key = typeof e.key === 'number' ? 'unknown' : e.key;
    if (e.sreg !== undefined) return `set ${key} with reg ${e.sreg} `;
    if (e.dreg !== undefined) return `load ${key} => reg ${e.dreg} `;
    return '';
  },
};
