// The rtnetlink families, compiled from their generated tables (spec/*.gen.ts) on first use of
// each attribute set. rtnetlink's tools (iproute2) do not set NLA_F_NESTED on the nests they
// write, and the kernel does not ask for it here, so requests stay byte-equal to ip's.
import { NetlinkFamily } from '../netlink/spec/family.js';
import { rtAddrSpec } from './spec/rt-addr.gen.js';
import { rtLinkSpec } from './spec/rt-link.gen.js';
import { rtRouteSpec } from './spec/rt-route.gen.js';

export const rtLink = new NetlinkFamily(rtLinkSpec, { nestedFlag: false });
export const rtAddr = new NetlinkFamily(rtAddrSpec, { nestedFlag: false });
export const rtRoute = new NetlinkFamily(rtRouteSpec, { nestedFlag: false });

// Families with a module of their own (loaded by their code alone), re-exported here.
export { rtNeigh } from './families/neigh.js';
export { rtRule } from './families/rule.js';
export { rtNexthop } from './families/nexthop.js';
export { rtBridge } from './families/bridge.js';
