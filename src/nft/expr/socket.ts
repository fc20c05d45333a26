// socket: properties of the socket the packet belongs to.
import { declareExpr } from './declare.js';
import { NFTA_SOCKET_DREG, NFTA_SOCKET_KEY, NFTA_SOCKET_LEVEL } from '../constants.js';

export interface SocketExpr {
  type: 'socket';
  key: 'transparent' | 'mark' | 'wildcard' | 'cgroupv2' | number;
  dreg: number;
  /** cgroupv2 ancestor level */
  level?: number;
}

/** Attributes in the order libnftnl writes them. */
export const socket = declareExpr<SocketExpr>('socket', 'socket', [
  { key: 'key', attr: NFTA_SOCKET_KEY, kind: 'u32', required: true, names: ['transparent', 'mark', 'wildcard', 'cgroupv2'] },
  { key: 'dreg', attr: NFTA_SOCKET_DREG, kind: 'reg', required: true },
  { key: 'level', attr: NFTA_SOCKET_LEVEL, kind: 'u32' },
]);
