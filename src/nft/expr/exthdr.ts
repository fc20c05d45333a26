// exthdr: load (or write) bytes of an IPv6 extension header, TCP/IPv4/SCTP/DCCP option.
import { declareExpr } from './declare.js';
import { NFTA_EXTHDR_DREG, NFTA_EXTHDR_FLAGS, NFTA_EXTHDR_LEN, NFTA_EXTHDR_OFFSET, NFTA_EXTHDR_OP, NFTA_EXTHDR_SREG, NFTA_EXTHDR_TYPE } from '../constants.js';

export interface ExthdrExpr {
  type: 'exthdr';
  dreg?: number;
  /** header or option number */
  exthdrType: number;
  offset: number;
  len: number;
  /** NFT_EXTHDR_F_PRESENT 0x1 */
  flags?: number;
  op?: 'ipv6' | 'tcpopt' | 'ipv4' | 'sctp' | 'dccp' | number;
  sreg?: number;
}

/** Attributes in the order libnftnl writes them. */
export const exthdr = declareExpr<ExthdrExpr>('exthdr', 'exthdr', [
  { key: 'dreg', attr: NFTA_EXTHDR_DREG, kind: 'reg' },
  { key: 'sreg', attr: NFTA_EXTHDR_SREG, kind: 'reg' },
  { key: 'exthdrType', attr: NFTA_EXTHDR_TYPE, kind: 'u8', required: true },
  { key: 'offset', attr: NFTA_EXTHDR_OFFSET, kind: 'u32', required: true },
  { key: 'len', attr: NFTA_EXTHDR_LEN, kind: 'u32', required: true },
  { key: 'op', attr: NFTA_EXTHDR_OP, kind: 'u32', names: ['ipv6', 'tcpopt', 'ipv4', 'sctp', 'dccp'] },
  { key: 'flags', attr: NFTA_EXTHDR_FLAGS, kind: 'u32' },
]);
