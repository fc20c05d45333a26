// redir: redirect to the local machine, to ports held in registers.
import { declareExpr } from './declare.js';
import { NFTA_REDIR_FLAGS, NFTA_REDIR_REG_PROTO_MAX, NFTA_REDIR_REG_PROTO_MIN } from '../constants.js';

export interface RedirExpr {
  type: 'redir';
  regProtoMin?: number;
  regProtoMax?: number;
  /** NF_NAT_RANGE_* bits */
  flags?: number;
}

/** Attributes in the order libnftnl writes them. */
export const redir = declareExpr<RedirExpr>('redir', 'redir', [
  { key: 'regProtoMin', attr: NFTA_REDIR_REG_PROTO_MIN, kind: 'reg' },
  { key: 'regProtoMax', attr: NFTA_REDIR_REG_PROTO_MAX, kind: 'reg' },
  { key: 'flags', attr: NFTA_REDIR_FLAGS, kind: 'u32' },
]);
