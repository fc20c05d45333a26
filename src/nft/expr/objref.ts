// objref: use a named stateful object (counter, quota, limit, ct helper/timeout/expectation, secmark, synproxy), by name or by a map lookup.
import { declareExpr } from './declare.js';
import { NFTA_OBJREF_IMM_NAME, NFTA_OBJREF_IMM_TYPE, NFTA_OBJREF_SET_ID, NFTA_OBJREF_SET_NAME, NFTA_OBJREF_SET_SREG } from '../constants.js';

export interface ObjrefExpr {
  type: 'objref';
  objType?: 'counter' | 'quota' | 'ct helper' | 'limit' | 'connlimit' | 'tunnel' | 'ct timeout' | 'secmark' | 'ct expectation' | 'synproxy' | number;
  name?: string;
  sreg?: number;
  set?: string;
  setId?: number;
}

/** Attributes in the order libnftnl writes them (the object's name without a NUL: mnl_attr_put_str). */
export const objref = declareExpr<ObjrefExpr>('objref', 'objref', [
  { key: 'objType', attr: NFTA_OBJREF_IMM_TYPE, kind: 'u32', names: [undefined, 'counter', 'quota', 'ct helper', 'limit', 'connlimit', 'tunnel', 'ct timeout', 'secmark', 'ct expectation', 'synproxy'] },
  { key: 'name', attr: NFTA_OBJREF_IMM_NAME, kind: 'str' },
  { key: 'sreg', attr: NFTA_OBJREF_SET_SREG, kind: 'reg' },
  { key: 'set', attr: NFTA_OBJREF_SET_NAME, kind: 'string' },
  { key: 'setId', attr: NFTA_OBJREF_SET_ID, kind: 'u32' },
]);
