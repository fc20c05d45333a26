// notrack: skip connection tracking for this packet (no attributes).
import { declareExpr } from './declare.js';

export interface NotrackExpr {
  type: 'notrack';
}

/** Attributes in the order libnftnl writes them. */
export const notrack = declareExpr<NotrackExpr>('notrack', 'notrack', [
]);
