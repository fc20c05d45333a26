// synproxy: answer the TCP handshake on the server's behalf.
import { declareExpr } from './declare.js';
import { NFTA_SYNPROXY_FLAGS, NFTA_SYNPROXY_MSS, NFTA_SYNPROXY_WSCALE } from '../constants.js';

export interface SynproxyExpr {
  type: 'synproxy';
  mss?: number;
  wscale?: number;
  /** NF_SYNPROXY_OPT_*: mss 0x1, wscale 0x2, sack_perm 0x4, timestamp 0x8 */
  flags?: number;
}

/** Attributes in the order libnftnl writes them. */
export const synproxy = declareExpr<SynproxyExpr>('synproxy', 'synproxy', [
  { key: 'mss', attr: NFTA_SYNPROXY_MSS, kind: 'u16' },
  { key: 'wscale', attr: NFTA_SYNPROXY_WSCALE, kind: 'u8' },
  { key: 'flags', attr: NFTA_SYNPROXY_FLAGS, kind: 'u32' },
]);
