// log: to the kernel log (level) or to an nflog group (group).
import { declareExpr } from './declare.js';
import { NFTA_LOG_FLAGS, NFTA_LOG_GROUP, NFTA_LOG_LEVEL, NFTA_LOG_PREFIX, NFTA_LOG_QTHRESHOLD, NFTA_LOG_SNAPLEN } from '../constants.js';

export interface LogExpr {
  type: 'log';
  prefix?: string;
  group?: number;
  snaplen?: number;
  qthreshold?: number;
  level?: 'emerg' | 'alert' | 'crit' | 'err' | 'warn' | 'notice' | 'info' | 'debug' | 'audit' | number;
  /** NF_LOG_* (tcpseq 0x1, tcpopt 0x2, ipopt 0x4, uid 0x8, macdecode 0x20) */
  flags?: number;
}

/** Attributes in the order libnftnl writes them. */
export const log = declareExpr<LogExpr>('log', 'log', [
  { key: 'prefix', attr: NFTA_LOG_PREFIX, kind: 'string' },
  { key: 'group', attr: NFTA_LOG_GROUP, kind: 'u16' },
  { key: 'snaplen', attr: NFTA_LOG_SNAPLEN, kind: 'u32' },
  { key: 'qthreshold', attr: NFTA_LOG_QTHRESHOLD, kind: 'u16' },
  { key: 'level', attr: NFTA_LOG_LEVEL, kind: 'u32', names: ['emerg', 'alert', 'crit', 'err', 'warn', 'notice', 'info', 'debug', 'audit'] },
  { key: 'flags', attr: NFTA_LOG_FLAGS, kind: 'u32' },
]);
