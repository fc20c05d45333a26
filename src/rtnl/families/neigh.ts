// rt-neigh compiled (its sets on first use): neighbours and bridge FDB entries.
import { NetlinkFamily } from '../../netlink/spec/family.js';
import { rtNeighSpec } from '../spec/rt-neigh.gen.js';

export const rtNeigh = new NetlinkFamily(rtNeighSpec, { nestedFlag: false });
