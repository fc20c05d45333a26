// The workloads of issue 8, in order.
import type { Context, WorkloadResult } from '../lib/types.js';
import w1 from './w1-dump-links.js';
import w2 from './w2-dump-routes.js';
import w3 from './w3-veth.js';
import w4 from './w4-add-routes.js';
import w5 from './w5-nft.js';
import w6 from './w6-codec.js';
import w7 from './w7-cold-start.js';
import w8 from './w8-tc.js';
import w9 from './w9-conntrack.js';
import w20 from './w20-nft-sets.js';

export interface Workload {
  id: number;
  title: string;
  run(ctx: Context): Promise<WorkloadResult>;
}

export const WORKLOADS: readonly Workload[] = [w1, w2, w3, w4, w5, w6, w7, w8, w9, w20];
