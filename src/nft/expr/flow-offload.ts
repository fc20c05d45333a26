// flow_offload: add the connection to a flowtable (`flow add @ft`).
import { declareExpr } from './declare.js';
import { NFTA_FLOW_TABLE_NAME } from '../constants.js';

export interface FlowOffloadExpr {
  type: 'flow_offload';
  /** the flowtable */
  table: string;
}

/** Attributes in the order libnftnl writes them. */
export const flowOffload = declareExpr<FlowOffloadExpr>('flow_offload', 'flow_offload', [
  { key: 'table', attr: NFTA_FLOW_TABLE_NAME, kind: 'string', required: true },
]);
