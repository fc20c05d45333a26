// Nexthop objects have no kernel spec: the declaration is ours (spec/nexthop.ts). ip sets
// NLA_F_NESTED on NHA_RES_GROUP, and the kernel's nexthop policies parse nests strictly.
import { NetlinkFamily } from '../../netlink/spec/family.js';
import { rtNexthopSpec } from '../spec/nexthop.js';

export const rtNexthop = new NetlinkFamily(rtNexthopSpec, { nestedFlag: true });
