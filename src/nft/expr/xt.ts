// match / target: x_tables extensions run inside nf_tables (what iptables-nft writes): the
// extension's name, revision and its info struct, passed through as bytes.
import { declareExpr } from './declare.js';

// linux/netfilter/nf_tables_compat.h
const NFTA_MATCH_NAME = 1, NFTA_MATCH_REV = 2, NFTA_MATCH_INFO = 3;
const NFTA_TARGET_NAME = 1, NFTA_TARGET_REV = 2, NFTA_TARGET_INFO = 3;

export interface MatchExpr {
  type: 'match';
  /** "conntrack", "addrtype", "comment", "multiport"... (XT_EXTENSION_MAXNAMELEN 29 with the NUL) */
  name: string;
  rev: number;
  /** The extension's info struct, in host byte order as the kernel module reads it. */
  info: Uint8Array;
}

export interface TargetExpr {
  type: 'target';
  /** "MASQUERADE", "DNAT", "MARK"... */
  name: string;
  rev: number;
  info: Uint8Array;
}

export const match = declareExpr<MatchExpr>('match', 'match', [
  { key: 'name', attr: NFTA_MATCH_NAME, kind: 'string', required: true, max: 28 },
  { key: 'rev', attr: NFTA_MATCH_REV, kind: 'u32', required: true },
  { key: 'info', attr: NFTA_MATCH_INFO, kind: 'bytes', required: true },
]);

export const target = declareExpr<TargetExpr>('target', 'target', [
  { key: 'name', attr: NFTA_TARGET_NAME, kind: 'string', required: true, max: 28 },
  { key: 'rev', attr: NFTA_TARGET_REV, kind: 'u32', required: true },
  { key: 'info', attr: NFTA_TARGET_INFO, kind: 'bytes', required: true },
]);
